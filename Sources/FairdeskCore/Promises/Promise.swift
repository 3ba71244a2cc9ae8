import Foundation

/// What was promised to a customer.
public enum PromiseKind: String, Sendable, Codable, CaseIterable {
    case refund, replacement, callback, investigation, other

    public var label: String {
        switch self {
        case .refund: "Refund"
        case .replacement: "Replacement"
        case .callback: "Callback"
        case .investigation: "Investigation"
        case .other: "Other"
        }
    }
}

/// Where a promise stands.
public enum PromiseState: String, Sendable, Codable, CaseIterable {
    /// Not kept yet; may be overdue.
    case open
    /// Evidence arrived: a webhook from the order system or an agent's confirmation.
    case kept
}

/// How a promise ended, for reports.
public enum PromiseOutcome: String, Sendable, Codable, CaseIterable {
    case open
    case keptOnTime = "kept_on_time"
    case keptLate = "kept_late"
    /// Due and still not kept.
    case broken
}

/// A promise as it is being made: checked before it is stored.
public struct PromiseDraft: Sendable, Equatable {
    public var kind: PromiseKind
    /// Refunds: the amount in minor units (pence, cents) and the ISO 4217 currency.
    public var amountMinor: Int?
    public var currency: String?
    /// Replacements: what is sent.
    public var item: String?
    /// Callbacks: when the customer will be called.
    public var callbackAt: Date?
    /// What was promised, in the agent's words, as the customer will read it.
    public var description: String
    public var dueAt: Date

    public init(
        kind: PromiseKind, amountMinor: Int? = nil, currency: String? = nil, item: String? = nil,
        callbackAt: Date? = nil, description: String, dueAt: Date
    ) {
        self.kind = kind
        self.amountMinor = amountMinor
        self.currency = currency
        self.item = item
        self.callbackAt = callbackAt
        self.description = description
        self.dueAt = dueAt
    }

    /// "Refund of 24.99 GBP", "Replacement: blender jug", "Callback at …", or the kind.
    public var headline: String {
        switch kind {
        case .refund:
            if let amountMinor, let currency {
                return "Refund of \(PromiseRules.money(amountMinor)) \(currency)"
            }
            return "Refund"
        case .replacement: return "Replacement: \(item ?? "")"
        case .callback: return "Callback"
        case .investigation: return "Investigation"
        case .other: return "Promise"
        }
    }
}

/// The rules of promises: what a valid promise holds, when its owner is reminded, and how it ended.
public enum PromiseRules {
    /// The longest a promise may run: a promise further out is not a promise.
    public static let longestDays = 90

    /// Checks a promise made at `now`; every problem at once, by field. A refund needs a positive
    /// amount and a three-letter currency; a replacement names the item; a callback has a time,
    /// in the future and no later than the due date; every promise has a description and a due
    /// date in the future, at most 90 days away.
    public static func check(_ draft: PromiseDraft, now: Date) throws(ValidationFailure) -> PromiseDraft {
        var checks = Checks()
        var clean = draft
        clean.description = checks.text(draft.description, field: "description", max: 2_000) ?? ""
        switch draft.kind {
        case .refund:
            if let amount = draft.amountMinor {
                if amount <= 0 || amount > 100_000_000 {
                    checks.add("amountMinor", "must be a positive amount in minor units, like 2499 for 24.99")
                }
            } else {
                checks.add("amountMinor", "is required for a refund: the amount in minor units, like 2499 for 24.99")
            }
            let currency = (draft.currency ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isLetter }) {
                checks.add("currency", "must be a three-letter currency code, like GBP or EUR")
            }
            clean.currency = currency
        case .replacement:
            clean.item = checks.text(draft.item, field: "item", max: 200)
        case .callback:
            if let at = draft.callbackAt {
                if at <= now { checks.add("callbackAt", "must be in the future") }
                if at > draft.dueAt { checks.add("callbackAt", "must not be after the due date") }
            } else {
                checks.add("callbackAt", "is required for a callback: when the customer will be called")
            }
        case .investigation, .other:
            break
        }
        if draft.kind != .refund {
            if draft.amountMinor != nil { checks.add("amountMinor", "is only for refunds") }
            clean.currency = nil
        }
        // Details of other kinds are not kept: a callback time on a refund would mislead.
        if draft.kind != .replacement { clean.item = nil }
        if draft.kind != .callback { clean.callbackAt = nil }
        if draft.dueAt <= now {
            checks.add("dueAt", "must be in the future")
        } else if draft.dueAt > now.addingTimeInterval(Double(longestDays) * 86_400) {
            checks.add("dueAt", "must be within \(longestDays) days")
        }
        try checks.finish()
        return clean
    }

    /// When the owner is reminded: a day before the due time, or half-way there for promises
    /// due within two days.
    public static func reminderAt(madeAt: Date, dueAt: Date) -> Date {
        let span = dueAt.timeIntervalSince(madeAt)
        return span > 2 * 86_400 ? dueAt.addingTimeInterval(-86_400) : madeAt.addingTimeInterval(span / 2)
    }

    /// How a promise stands at `now`.
    public static func outcome(dueAt: Date, keptAt: Date?, now: Date) -> PromiseOutcome {
        if let keptAt { return keptAt <= dueAt ? .keptOnTime : .keptLate }
        return now >= dueAt ? .broken : .open
    }

    /// 2499 → "24.99".
    public static func money(_ minor: Int) -> String {
        let sign = minor < 0 ? "-" : ""
        let value = abs(minor)
        let cents = value % 100
        return "\(sign)\(value / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
