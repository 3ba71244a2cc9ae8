import FairdeskCore
import Fluent
import Foundation

/// The demo driver's last four weeks: blocks of deliveries around central London, mostly on time
/// and scanned at the door, with one late delivery, one scan far from the address, a missed block,
/// a stormy afternoon the depot's weather feed excused, and a few customers' words, so a fresh
/// `fairdesk serve` shows a standing page with something in every section.
enum DemoDriverRecords {
    static let origin = GeoPoint(latitude: 51.5074, longitude: -0.1278)

    /// The records, built from `now` so they always fall inside the window.
    static func records(driver: String, now: Date) -> DriverRecords {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        var records = DriverRecords()
        for day in 1...12 {
            let blockID = "DEMO-B\(day)"
            let start = today.addingTimeInterval(Double(-day * 2) * 86_400 + 9 * 3600)
            let status: BlockStatus = day == 7 ? .missed : day == 9 ? .startedLate : .accepted
            records.blocks.append(
                DeliveryBlock(
                    id: blockID, driverID: driver, scheduledStart: start, scheduledEnd: start + 5 * 3600,
                    status: status,
                    startedAt: status == .missed ? nil : start + (day == 9 ? 50 * 60 : 0)))
            guard status != .missed else { continue }
            for stop in 0..<5 {
                let id = "DEMO-P\(day)-\(stop + 1)"
                let window = DateInterval(start: start + Double(stop) * 3600, duration: 3600)
                let address = GeoPoint(
                    latitude: origin.latitude + Double(day) * 0.002, longitude: origin.longitude + Double(stop) * 0.003)
                // Late: the second stop of block 3, and the whole stormy block 9.
                let late = (day == 3 && stop == 1) || day == 9
                let at = window.start + (late ? 75 * 60 : 40 * 60)
                // The scan is ten metres from the door, except once, 300 m away.
                let offset = day == 5 && stop == 3 ? 0.0027 : 0.00009
                let scan = ScanEvent(
                    id: "\(id)-S1", time: at,
                    position: GeoPoint(latitude: address.latitude + offset, longitude: address.longitude),
                    accuracyMetres: 8)
                let outcome: DeliveryOutcome =
                    day == 11 && stop == 2
                    ? .undeliverable(at: at, reason: .recipientAbsent) : .delivered(at: at, photoID: "\(id)-photo")
                records.packages.append(
                    PackageDelivery(
                        id: id, driverID: driver, blockID: blockID, address: address, window: window, scans: [scan],
                        outcome: outcome))
            }
        }
        let feedback: [(String, FeedbackSentiment, String?)] = [
            ("DEMO-P1-2", .positive, "Left it in the porch as I asked, thank you."),
            ("DEMO-P4-1", .positive, nil),
            ("DEMO-P6-5", .negative, "Parcel was left at the wrong door."),
            ("DEMO-P9-3", .negative, "Very late."),
        ]
        for (index, (package, sentiment, comment)) in feedback.enumerated() {
            let at = records.packages.first { $0.id == package }!.window.end + 3600
            records.feedback.append(
                CustomerFeedback(
                    id: "DEMO-F\(index + 1)", driverID: driver, packageID: package, receivedAt: at,
                    sentiment: sentiment,
                    comment: comment))
        }
        return records
    }

    /// Stores the records and the weather feed's excuse for block 9.
    static func seed(driver: UUID, at now: Date, on db: any Database) async throws {
        let records = records(driver: driver.uuidString, now: now)
        try await DriverRecordStore.save(records, driver: driver, at: now, on: db)
        let stormy = records.blocks.first { $0.id == "DEMO-B9" }!
        try await DriverRecordStore.insert(
            Excuse(
                recordID: stormy.id, code: .weather, source: .depotData(feed: "Met Office warnings feed"),
                reason: "Amber wind warning; the depot held vans until 09:45", appliedAt: stormy.scheduledStart + 3600),
            driver: driver, appliedByID: nil, on: db)
    }
}
