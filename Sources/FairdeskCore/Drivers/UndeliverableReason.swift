/// Why a package could not be handed over, as the driver recorded it.
public enum UndeliverableReason: String, Sendable, Codable, CaseIterable {
    case recipientAbsent = "recipient_absent"
    case noSafePlace = "no_safe_place"
    case accessDenied = "access_denied"
    case addressNotFound = "address_not_found"
    case unsafeLocation = "unsafe_location"
    case refusedByRecipient = "refused_by_recipient"
    case damaged
    case outOfTime = "out_of_time"

    /// Whether the reason lies outside the driver's control, so the package does not count against
    /// their completion rate: nobody home, no way in, no safe place, a wrong address, a refusal.
    /// Damage and running out of time are the driver's to answer for unless a lead excuses them.
    public var isOutsideDriversControl: Bool {
        switch self {
        case .recipientAbsent, .noSafePlace, .accessDenied, .addressNotFound, .unsafeLocation,
            .refusedByRecipient:
            true
        case .damaged, .outOfTime:
            false
        }
    }

    /// The reason in words: "recipient absent".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}
