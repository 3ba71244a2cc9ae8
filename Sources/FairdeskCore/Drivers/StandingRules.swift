import Foundation

/// Works out a driver's standing from their records under the policy in force.
///
/// What each metric counts, within the window (blocks by scheduled start, packages by the start of
/// their delivery window, feedback by when it arrived), leaving out excused records:
/// - **on-time**: packages with a delivery attempt (delivered or undeliverable); late when the
///   attempt came after the promised window closed.
/// - **completion**: packages with an outcome, except those undeliverable for a reason outside the
///   driver's control; against the driver when undeliverable for their own reason, or returned, or
///   delivered but found not received: a lead or reviewer recorded a finding against the driver on
///   the customer's claim (`DriverRecords.finding(against:)`; a claim alone never counts).
/// - **scan compliance**: delivered packages; against the driver when no scan passes `ScanRule`.
/// - **missed blocks**: blocks; against the driver when missed or cancelled late.
/// - **customer feedback**: feedback; against the driver when negative.
/// Packages still out are not counted anywhere yet.
public enum StandingRules {
    /// The standing of `driverID` at `now`. Records of other drivers are ignored.
    public static func standing(
        of driverID: String, records: DriverRecords, policy: DriverPolicy, now: Date
    ) -> DriverStanding {
        let window = self.window(policy: policy, now: now)
        let metrics = self.metrics(of: driverID, records: records, scanRule: ScanRule(policy), in: window)
        let rule = policy.tierRule
        return DriverStanding(
            driverID: driverID, window: window, metrics: metrics, judgement: rule.judge(metrics), rule: rule,
            policyVersion: policy.version)
    }

    /// The rolling window of a standing worked out at `now`: `metric_window_days` up to that instant.
    public static func window(policy: DriverPolicy, now: Date) -> DateInterval {
        DateInterval(start: now.addingTimeInterval(-TimeInterval(policy.metricWindowDays) * 86_400), end: now)
    }

    /// The five metrics of `driverID` over the records placed in `interval` (start included, end
    /// not), in the order the driver's page shows them. Each record is judged on its own, whatever
    /// the interval, so metrics over adjoining intervals add up to the metrics over their union:
    /// the kept day counters (`StandingCounters`) rely on that.
    public static func metrics(
        of driverID: String, records: DriverRecords, scanRule: ScanRule, in interval: DateInterval
    ) -> [StandingMetric] {
        func inWindow(_ instant: Date) -> Bool { instant >= interval.start && instant < interval.end }

        var onTime = Tally(.onTime)
        var completion = Tally(.completion)
        var scans = Tally(.scanCompliance)
        let packages = records.packages
            .filter { $0.driverID == driverID && inWindow($0.window.start) }
            .sorted { ($0.window.start, $0.id) < ($1.window.start, $1.id) }
        for package in packages {
            guard let outcome = package.outcome else { continue }
            if let excuse = records.excuse(for: package) {
                let excluded = ExcludedRecord(recordID: package.id, excuse: excuse)
                if outcome.attemptedAt != nil { onTime.excluded.append(excluded) }
                completion.excluded.append(excluded)
                if case .delivered = outcome { scans.excluded.append(excluded) }
                continue
            }
            if let attempt = outcome.attemptedAt {
                onTime.count(package.id, against: attempt > package.window.end)
            }
            switch outcome {
            case .delivered(let at, _):
                completion.count(package.id, against: records.finding(against: package) != nil)
                scans.count(package.id, against: scanRule.compliantScan(for: package, deliveredAt: at) == nil)
            case .undeliverable(_, let reason):
                if !reason.isOutsideDriversControl { completion.count(package.id, against: true) }
            case .returned:
                completion.count(package.id, against: true)
            }
        }

        var missed = Tally(.missedBlocks)
        for block in records.blocks.filter({ $0.driverID == driverID && inWindow($0.scheduledStart) })
            .sorted(by: { ($0.scheduledStart, $0.id) < ($1.scheduledStart, $1.id) })
        {
            if let excuse = records.excuse(forBlock: block.id) {
                missed.excluded.append(ExcludedRecord(recordID: block.id, excuse: excuse))
            } else {
                missed.count(block.id, against: block.status.countsAsMissed)
            }
        }

        var feedback = Tally(.customerFeedback)
        for item in records.feedback.filter({ $0.driverID == driverID && inWindow($0.receivedAt) })
            .sorted(by: { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) })
        {
            if let excuse = records.excuse(for: item) {
                feedback.excluded.append(ExcludedRecord(recordID: item.id, excuse: excuse))
            } else {
                feedback.count(item.id, against: item.sentiment == .negative)
            }
        }

        return [onTime, completion, missed, scans, feedback].map(\.metric)
    }

    /// A metric being counted.
    private struct Tally {
        var metric: StandingMetric
        var excluded: [ExcludedRecord] {
            get { metric.excluded }
            set { metric.excluded = newValue }
        }

        init(_ kind: MetricKind) { metric = StandingMetric(kind: kind, counted: [], against: [], excluded: []) }

        mutating func count(_ id: String, against: Bool) {
            metric.counted.append(id)
            if against { metric.against.append(id) }
        }
    }
}
