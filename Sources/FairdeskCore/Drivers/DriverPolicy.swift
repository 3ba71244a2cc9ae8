import Foundation

/// The driver standing policy's parameters, read once into typed values.
///
/// A version published before a parameter existed lacks it; the suggested value stands in and the
/// name is listed in `defaulted`, so a page can say which numbers the policy did not set itself.
public struct DriverPolicy: Sendable, Equatable {
    public var metricWindowDays: Int
    public var fantasticOnTimeMin: Double
    public var greatOnTimeMin: Double
    public var fairOnTimeMin: Double
    public var completionRateMin: Double
    public var scanComplianceMin: Double
    public var missedBlocksMax: Int
    public var minimumDeliveriesForTier: Int
    public var warningPeriodDays: Int
    public var appealWindowDays: Int
    public var reviewDeadlineDays: Int
    public var reviewEscalationDays: Int
    public var interimSuspensionBusinessDays: Int
    /// Days between a decision on ordinary grounds and the day it takes effect.
    public var actionNoticeDays: Int
    /// The most days a suspension or restriction may last.
    public var suspensionDaysMax: Int
    public var geofenceRadiusMetres: Double
    public var scanTimeToleranceMinutes: Int
    /// Ground code -> "urgent", "ordinary" or "forbidden".
    public var reasonKinds: [String: String]
    /// The policy version number the values came from, for every statement and warning; nil in tests
    /// and previews.
    public var version: Int?
    /// Names the parameters lacked, filled from the suggested values.
    public var defaulted: [String]

    /// Reads `parameters` (already checked by `ParameterSchema.validate` when published).
    public init(_ parameters: PolicyParameters, version: Int? = nil) {
        let suggested = ParameterSchema.forKind(.driverStanding).suggested
        var defaulted: [String] = []
        func number(_ name: String) -> Double {
            if let value = parameters.number(name) { return value }
            defaulted.append(name)
            return suggested.number(name) ?? 0
        }
        func integer(_ name: String) -> Int {
            if let value = parameters.integer(name) { return value }
            defaulted.append(name)
            return suggested.integer(name) ?? 0
        }
        metricWindowDays = integer("metric_window_days")
        fantasticOnTimeMin = number("fantastic_on_time_min")
        greatOnTimeMin = number("great_on_time_min")
        fairOnTimeMin = number("fair_on_time_min")
        completionRateMin = number("completion_rate_min")
        scanComplianceMin = number("scan_compliance_min")
        missedBlocksMax = integer("missed_blocks_max")
        minimumDeliveriesForTier = integer("minimum_deliveries_for_tier")
        warningPeriodDays = integer("warning_period_days")
        appealWindowDays = integer("appeal_window_days")
        reviewDeadlineDays = integer("review_deadline_days")
        reviewEscalationDays = integer("review_escalation_days")
        interimSuspensionBusinessDays = integer("interim_suspension_business_days")
        actionNoticeDays = integer("action_notice_days")
        suspensionDaysMax = integer("suspension_days_max")
        geofenceRadiusMetres = number("geofence_radius_m")
        scanTimeToleranceMinutes = integer("scan_time_tolerance_minutes")
        if let kinds = parameters.table("reason_kinds") {
            reasonKinds = kinds
        } else {
            defaulted.append("reason_kinds")
            reasonKinds = DecisionGrounds.suggestedKinds
        }
        self.version = version
        self.defaulted = defaulted
    }

    /// The policy with every suggested value, for previews and tests.
    public static let suggested = DriverPolicy(ParameterSchema.forKind(.driverStanding).suggested)

    /// The tier rule this policy sets.
    public var tierRule: TierRule { TierRule(self) }

    /// Whether a ground may never be cited: forbidden by law or by this policy.
    public func isForbidden(_ ground: String) -> Bool {
        DecisionGrounds.alwaysForbidden.contains(ground) || reasonKinds[ground] == "forbidden"
    }

    /// Whether a ground justifies an interim suspension under this policy.
    public func isUrgent(_ ground: String) -> Bool {
        !isForbidden(ground) && reasonKinds[ground] == "urgent"
    }

    /// The grounds a decision may cite, sorted: every ground the policy lists that is not forbidden.
    public var citableGrounds: [String] {
        reasonKinds.keys.filter { !isForbidden($0) }.sorted()
    }

    /// The urgent grounds, sorted.
    public var urgentGrounds: [String] { citableGrounds.filter(isUrgent) }
}
