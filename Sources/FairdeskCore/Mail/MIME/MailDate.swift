import Foundation

/// Reads the Date header of inbound mail: RFC 5322 dates with or without the day name, with or without
/// seconds, with numeric or obsolete zones (GMT, UT, EST, PDT, military letters), two-digit years, comments,
/// and the common variants "Jan 2 2006" and ISO 8601.
enum MailDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
        "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "bst": 60, "met": 60, "mest": 120,
    ]

    /// The moment the text names, or nil when it cannot be read.
    static func parse(_ raw: String) -> Date? {
        var text = raw
        // Drop comments such as "(UTC)" or "(Pacific Standard Time)".
        while let open = text.firstIndex(of: "("), open < text.endIndex {
            let close = text[open...].firstIndex(of: ")").map { text.index(after: $0) } ?? text.endIndex
            text.removeSubrange(open..<close)
        }
        let tokens = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        if let date = rfc5322(tokens) { return date }
        return iso8601(raw.trimmedSpaces)
    }

    private static func number(_ token: String, maxDigits: Int) -> Int? {
        guard !token.isEmpty, token.count <= maxDigits, token.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int(token)
    }

    private static func month(_ token: String) -> Int? {
        guard token.count >= 3 else { return nil }
        return months.firstIndex(of: String(token.prefix(3))).map { $0 + 1 }
    }

    private static func rfc5322(_ all: [String]) -> Date? {
        var tokens = all
        // Skip the day name and anything else before the first number or month.
        while let first = tokens.first, number(first, maxDigits: 2) == nil, month(first) == nil {
            tokens.removeFirst()
        }
        guard tokens.count >= 3 else { return nil }
        var day: Int
        var monthNumber: Int
        if let parsed = number(tokens[0], maxDigits: 2), let named = month(tokens[1]) {
            day = parsed
            monthNumber = named
        } else if let named = month(tokens[0]), let parsed = number(tokens[1], maxDigits: 2) {
            day = parsed
            monthNumber = named
        } else {
            return nil
        }
        var rest = Array(tokens.dropFirst(2))
        var year: Int?
        var time: String?
        // "Jan 2 15:04:05 2006" puts the year after the time.
        for (offset, token) in rest.enumerated().prefix(2) {
            if year == nil, let parsed = number(token, maxDigits: 4) {
                year = parsed
            } else if time == nil, token.contains(":") {
                time = token
            } else {
                continue
            }
            rest[offset] = ""
        }
        guard var year, let time else { return nil }
        if year < 50 {
            year += 2000
        } else if year < 1000 {
            year += 1900
        }
        let parts = time.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, let hour = number(parts[0], maxDigits: 2),
            let minute = number(parts[1], maxDigits: 2)
        else { return nil }
        let second = parts.count == 3 ? number(parts[2], maxDigits: 2) : 0
        guard let second else { return nil }
        var offsetMinutes = 0
        if let zone = rest.first(where: { !$0.isEmpty }) {
            offsetMinutes = self.zone(zone) ?? 0
        }
        return make(year, monthNumber, day, hour, minute, second, offsetMinutes: offsetMinutes)
    }

    private static func zone(_ token: String) -> Int? {
        if let named = zones[token] { return named }
        if token.count == 1, token.first?.isLetter == true { return 0 }
        var digits = Substring(token)
        var sign = 1
        if digits.hasPrefix("+") || digits.hasPrefix("-") {
            sign = digits.hasPrefix("-") ? -1 : 1
            digits = digits.dropFirst()
        } else if digits.hasPrefix("gmt") || digits.hasPrefix("utc") {
            return zone(String(digits.dropFirst(3)))
        }
        digits = digits.filter { $0 != ":" }[...]
        guard digits.count == 4, let value = number(String(digits), maxDigits: 4) else { return nil }
        let hours = value / 100
        let minutes = value % 100
        guard hours <= 23, minutes <= 59 else { return nil }
        return sign * (hours * 60 + minutes)
    }

    private static func make(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
        offsetMinutes: Int
    ) -> Date? {
        guard (1900...9999).contains(year), (1...12).contains(month), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day >= 1, day <= lengths[month - 1] else { return nil }
        // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
        let shifted = month <= 2 ? year - 1 : year
        let era = shifted / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetMinutes * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func iso8601(_ text: String) -> Date? {
        guard text.count >= 10, text.count <= 40 else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
