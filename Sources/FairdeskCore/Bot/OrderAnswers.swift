import Foundation

/// The bot's answers from order records: the record's facts in a sentence or two, the order named so
/// the customer can check it, and the way to a person always in reach.
public enum OrderAnswers {
    /// The answer to `intent` about order `number`.
    ///
    /// `record` is nil when there is no such order on the customer's account: the bot says so without
    /// telling whether the order exists for someone else.
    public static func text(
        for intent: BotIntent, number: String, record: OrderRecord?, now: Date, timeZone: TimeZone = .gmt
    ) -> String {
        guard let record else {
            return "I can't find order \(number) on your account. Please check the number "
                + "(it looks like FD-123456), or ask for a person and they'll look into it."
        }
        let dates = Dates(timeZone: timeZone, now: now)
        let sentence: String
        switch intent {
        case .refundStatus: sentence = refund(record, dates)
        case .deliveryWindow:
            // The delivery sentence stands alone elsewhere; after the colon it continues the line.
            let alone = delivery(record, dates)
            sentence = alone.prefix(1).lowercased() + alone.dropFirst()
        default: sentence = status(record, dates)
        }
        return "Order \(record.number) (\(record.items)): \(sentence) If that doesn't answer it, just ask for a person."
    }

    static func status(_ record: OrderRecord, _ dates: Dates) -> String {
        switch record.status {
        case .placed, .packed:
            return "it was \(record.status.label) on \(dates.day(record.placedAt)) and has not left us yet. "
                + (record.deliveryFrom.map { _ in delivery(record, dates) } ?? "")
        case .shipped, .outForDelivery:
            var text = "it is \(record.status.label)"
            if let carrier = record.carrier {
                text += " with \(carrier)"
                if let tracking = record.tracking { text += " (tracking \(tracking))" }
            }
            return text + ". " + delivery(record, dates)
        case .delivered:
            return "it was delivered" + (record.deliveredAt.map { " \(dates.moment($0))" } ?? "") + "."
        case .undeliverable:
            return "the driver could not deliver it. A person will arrange a new delivery; ask for one here."
        case .returned:
            return "it was returned to us. " + refund(record, dates)
        case .cancelled:
            return "it was cancelled. " + refund(record, dates)
        }
    }

    static func refund(_ record: OrderRecord, _ dates: Dates) -> String {
        let amount = record.refundCents.map { " of " + money($0, record.currency) } ?? ""
        let since = record.refundUpdatedAt.map { " on \(dates.day($0))" } ?? ""
        switch record.refundStatus {
        case .none: return "there is no refund request on this order."
        case .requested: return "your refund request\(amount) was received\(since) and is being checked."
        case .approved:
            return "your refund\(amount) was approved\(since); it reaches your account within 5 to 10 working days."
        case .paid: return "your refund\(amount) was paid\(since)."
        case .refused:
            return "your refund request was refused\(since). A person can explain why and review it; ask for one here."
        }
    }

    static func delivery(_ record: OrderRecord, _ dates: Dates) -> String {
        if record.status == .delivered {
            return "It was delivered" + (record.deliveredAt.map { " \(dates.moment($0))" } ?? "") + "."
        }
        guard let from = record.deliveryFrom, let until = record.deliveryUntil else {
            return "It has no delivery window yet; you'll get one by email as soon as it is planned."
        }
        if until < dates.now, record.status != .delivered {
            return "It was due \(dates.window(from, until)) and is late; I'm sorry. A person can chase it: ask for one."
        }
        return "It is due \(dates.window(from, until))."
    }

    /// "EUR 12.50".
    static func money(_ cents: Int64, _ currency: String) -> String {
        let sign = cents < 0 ? "-" : ""
        let whole = abs(cents) / 100
        let part = abs(cents) % 100
        return "\(currency) \(sign)\(whole).\(part < 10 ? "0" : "")\(part)"
    }

    /// Dates as the customer reads them, in the shop's time zone: "Tue 24 Nov", "today 14:00–16:00".
    struct Dates {
        let timeZone: TimeZone
        let now: Date

        var calendar: Calendar {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar
        }

        func day(_ date: Date) -> String {
            let calendar = calendar
            if calendar.isDate(date, inSameDayAs: now) { return "today" }
            if let tomorrow = calendar.date(byAdding: .day, value: 1, to: now),
                calendar.isDate(date, inSameDayAs: tomorrow)
            {
                return "tomorrow"
            }
            if let yesterday = calendar.date(byAdding: .day, value: -1, to: now),
                calendar.isDate(date, inSameDayAs: yesterday)
            {
                return "yesterday"
            }
            let parts = calendar.dateComponents([.weekday, .day, .month], from: date)
            let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(weekdays[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1])"
        }

        func time(_ date: Date) -> String {
            let parts = calendar.dateComponents([.hour, .minute], from: date)
            let hour = parts.hour ?? 0
            let minute = parts.minute ?? 0
            return "\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
        }

        /// "today at 14:05".
        func moment(_ date: Date) -> String { "\(day(date)) at \(time(date))" }

        /// "tomorrow between 14:00 and 16:00", or across days "between Tue 24 Nov and Thu 26 Nov".
        func window(_ from: Date, _ until: Date) -> String {
            if calendar.isDate(from, inSameDayAs: until) {
                return "\(day(from)) between \(time(from)) and \(time(until))"
            }
            return "between \(day(from)) and \(day(until))"
        }
    }
}
