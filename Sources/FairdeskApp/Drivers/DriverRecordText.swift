import FairdeskCore
import Foundation

/// Each record behind a driver's metrics in one line a person can check against their own memory:
/// when, what happened, and for packages how far the nearest scan was from the door.
enum DriverRecordText {
    /// Every block, package and feedback of `records`, in time order.
    static func describe(_ records: DriverRecords, policy: DriverPolicy) -> [DriverRecordDTO] {
        let scanRule = ScanRule(policy)
        var lines: [(Date, DriverRecordDTO)] = []
        for block in records.blocks {
            var text =
                "Block \(PageTime.text(block.scheduledStart)) to \(clock(block.scheduledEnd)): \(block.status.words)"
            if let started = block.startedAt { text += ", started \(clock(started))" }
            lines.append((block.scheduledStart, DriverRecordDTO(id: block.id, kind: "block", description: text)))
        }
        for package in records.packages {
            var text =
                "Package in block \(package.blockID), promised \(PageTime.text(package.window.start)) to "
                + "\(clock(package.window.end)): "
            switch package.outcome {
            case .delivered(let at, let photo)?:
                text += "delivered \(clock(at))" + (photo == nil ? "" : " with a photo")
                if at > package.window.end { text += " (after the window)" }
            case .undeliverable(let at, let reason)?: text += "not delivered \(clock(at)): \(reason.words)"
            case .returned(let at)?: text += "returned to the depot \(clock(at))"
            case nil: text += "still out"
            }
            if let nearest = package.scans.map({ $0.position.distance(to: package.address) }).min() {
                let radius = Int(scanRule.radius(for: package).rounded())
                text +=
                    "; \(package.scans.count) scan\(package.scans.count == 1 ? "" : "s"), nearest "
                    + "\(Int(nearest.rounded())) m from the address (geofence \(radius) m)"
            } else {
                text += "; no scans"
            }
            if let dispute = records.disputes.last(where: { $0.packageID == package.id }) {
                text += "; " + disputeWords(dispute)
            }
            lines.append((package.window.start, DriverRecordDTO(id: package.id, kind: "package", description: text)))
        }
        for item in records.feedback {
            var text = "\(item.sentiment.rawValue.capitalized) feedback on package \(item.packageID), "
            text += PageTime.text(item.receivedAt)
            if let comment = item.comment { text += ": “\(comment)”" }
            lines.append((item.receivedAt, DriverRecordDTO(id: item.id, kind: "feedback", description: text)))
        }
        return lines.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1)
    }

    /// A customer's claim on a package, in words: whether it is open, and the finding and who made it.
    static func disputeWords(_ dispute: DeliveryDispute) -> String {
        guard let decision = dispute.decision else {
            return "a customer says it was not received: open, nothing counts until a lead or reviewer decides"
        }
        let effect =
            decision.finding == .againstDriver
            ? ", so it counts as not completed" : ", so it does not count against you"
        return "a customer says it was not received: found \(decision.finding.words) by \(decision.decidedBy.name) "
            + "(\(decision.decidedBy.role.rawValue)), \(PageTime.text(decision.decidedAt))\(effect): \(decision.reason)"
    }

    /// "14:05": the time of day of an instant in UTC, next to a full date already shown.
    static func clock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
