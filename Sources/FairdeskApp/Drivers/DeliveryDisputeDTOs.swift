import FairdeskCore
import Foundation
import Vapor

/// A customer's "delivered but not received" claim on one of the driver's packages, opened by an
/// agent or lead on the customer's behalf. Every field is optional here so that a missing one is
/// named in a 422, not a 400.
struct DeliveryDisputeRequest: Content {
    /// The depot's id of the package.
    var packageId: String?
    /// The customer's account, in their words.
    var account: String?
    /// The customer the claim is for, when known (a customer's id).
    var customerId: String?
}

/// The driver's side of a dispute about them, before the finding.
struct DisputeAnswerRequest: Content {
    var account: String?
}

/// A lead's or reviewer's finding on a dispute.
struct DisputeFindingRequest: Content {
    /// driver_not_at_fault, against_driver, inconclusive
    var finding: String?
    var reason: String?
}

/// A dispute as the API and pages show it. The driver reads their own without the customer's
/// identity (`customerId`, `customerName` are left out): the account and the evidence are what they
/// need to know what is said and why.
struct DeliveryDisputeDTO: Content {
    /// The evidence the proposal was judged on, as it stood when the claim was opened.
    struct Evidence: Content {
        var deliveredAt: Date
        var windowStart: Date
        var windowEnd: Date
        /// "in the window, 10 min after it opened", "45 min after the window closed".
        var timing: String
        var inWindow: Bool
        var geofenceRadiusMetres: Double
        var toleranceMinutes: Int
        /// A scan passed the scan rule: in the geofence, near the delivery time.
        var scanAtDoor: Bool
        /// The scan relied on: its id, time, distance from the address, and the comparison in words.
        var scanId: String?
        var scanAt: Date?
        var scanDistanceMetres: Double?
        var scanAccuracyMetres: Double?
        var scanWithinGeofence: Bool?
        var scan: String?
        var photo: Bool
        var photoId: String?

        init(_ evidence: DisputeEvidence) {
            deliveredAt = evidence.deliveredAt
            windowStart = evidence.window.start
            windowEnd = evidence.window.end
            timing = evidence.timing
            inWindow = evidence.inWindow
            geofenceRadiusMetres = evidence.radiusMetres
            toleranceMinutes = Int((evidence.toleranceSeconds / 60).rounded())
            scanAtDoor = evidence.scanAtDoor
            scanId = evidence.scan?.id
            scanAt = evidence.scan?.time
            scanDistanceMetres = evidence.scan.map { ($0.distanceMetres * 10).rounded() / 10 }
            scanAccuracyMetres = evidence.scan?.accuracyMetres
            scanWithinGeofence = evidence.scan?.withinGeofence
            scan = evidence.scan?.words
            photo = evidence.photoID != nil
            photoId = evidence.photoID
        }
    }

    var id: UUID
    var driverId: UUID
    var driverName: String
    var packageId: String
    /// What the customer says: always delivered_not_received for now.
    var claim: String
    var account: String
    var openedAt: Date
    /// Who opened it on the customer's behalf: "Alex Agent (agent)".
    var openedBy: String
    var customerId: UUID?
    var customerName: String?
    var proposedFinding: String
    var proposedFindingWords: String
    var proposedReasons: [String]
    var evidence: Evidence
    /// The driver's side, in their words, and when they gave it.
    var driverAccount: String?
    var driverAccountAt: Date?
    /// open, decided
    var state: String
    var finding: String?
    var findingWords: String?
    /// The lead or reviewer who recorded the finding: "Lee Lead (lead)".
    var decidedBy: String?
    var reason: String?
    var decidedAt: Date?
    /// Only a recorded finding against the driver counts, as a package not completed.
    var countsAgainstDriver: Bool
    /// The driver policy version in force at the delivery, which judged it.
    var policy: String
}

/// Disputes for leads and reviewers: the open ones oldest first, then the latest decided.
struct DeliveryDisputeListDTO: Content {
    var open: [DeliveryDisputeDTO]
    var decided: [DeliveryDisputeDTO]
}
