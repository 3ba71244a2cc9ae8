import Foundation

/// What a knowledge-base article must be before it is stored, and how its address (slug) is made.
public enum KnowledgeRules {
    public static let titleLength = 3...200
    public static let maximumBodyLength = 20_000
    public static let maximumTags = 20
    public static let maximumTagLength = 40
    public static let maximumSlugLength = 80
    public static let maximumReasonLength = 500

    /// Checks a title: trimmed, 3 to 200 characters, on one line.
    @discardableResult
    public static func title(_ value: String?, checks: inout Checks) -> String? {
        guard let title = checks.text(value, field: "title", max: titleLength.upperBound) else { return nil }
        guard !title.contains(where: \.isNewline) else {
            checks.add("title", "must be on one line")
            return nil
        }
        guard title.count >= titleLength.lowerBound else {
            checks.add("title", "must be at least \(titleLength.lowerBound) characters (got \(title.count))")
            return nil
        }
        return title
    }

    /// Checks a body: present, at most 20,000 characters. Inner line breaks are kept; only the ends are trimmed.
    @discardableResult
    public static func body(_ value: String?, checks: inout Checks) -> String? {
        checks.text(value, field: "body", max: maximumBodyLength)
    }

    /// Checks tags: each trimmed, with runs of spaces made one, at most 40 characters and without
    /// commas or line breaks (a form takes them as a comma-separated list); empty ones and repeats
    /// (ignoring case) are left out; at most 20 remain. Problems name the tag's position as sent.
    @discardableResult
    public static func tags(_ values: [String], checks: inout Checks) -> [String]? {
        var tags: [String] = []
        var seen = Set<String>()
        var valid = true
        for (index, raw) in values.enumerated() {
            let tag = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if tag.isEmpty { continue }
            if tag.contains(",") || tag.contains(where: \.isNewline) {
                checks.add("tags[\(index)]", "must not contain a comma or a line break")
                valid = false
            } else if tag.count > maximumTagLength {
                checks.add("tags[\(index)]", "must be at most \(maximumTagLength) characters (got \(tag.count))")
                valid = false
            } else if seen.insert(tag.lowercased()).inserted {
                tags.append(tag)
            }
        }
        if tags.count > maximumTags {
            checks.add("tags", "must be at most \(maximumTags) tags (got \(tags.count))")
            valid = false
        }
        return valid ? tags : nil
    }

    /// Splits a form's comma-separated tags: "return, send back" gives ["return", "send back"].
    public static func tagList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0.isNewline }).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// Checks a slug chosen by hand: lower-case letters and digits in words joined by single hyphens.
    @discardableResult
    public static func slug(_ value: String?, checks: inout Checks) -> String? {
        guard let slug = checks.text(value, field: "slug", max: maximumSlugLength) else { return nil }
        guard isSlug(slug) else {
            checks.add("slug", "must be lower-case letters and digits joined by single hyphens, like returns-policy")
            return nil
        }
        return slug
    }

    /// Checks the reason given for a change: optional, at most 500 characters.
    public static func reason(_ value: String?, checks: inout Checks) -> String? {
        checks.text(value, field: "reason", max: maximumReasonLength, required: false)
    }

    /// Whether `text` is a well-formed slug.
    public static func isSlug(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= maximumSlugLength else { return false }
        return text.split(separator: "-", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }
    }

    /// The slug a title gives: accents dropped, lower-cased, anything but letters and digits turned
    /// into single hyphens, cut at a word to 80 characters: "Returning an item (UK)" gives
    /// "returning-an-item-uk". A title with no such characters gives "article".
    public static func slug(forTitle title: String, maximumLength: Int = maximumSlugLength) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var words: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? word : slug + "-" + word
            if next.count > maximumLength {
                if slug.isEmpty { slug = String(word.prefix(maximumLength)) }
                break
            }
            slug = next
        }
        return slug.isEmpty ? "article" : slug
    }

    /// The `n`th choice of slug for a title whose plain slug is taken: "returning-an-item-2", still
    /// at most 80 characters.
    public static func slug(forTitle title: String, attempt: Int) -> String {
        guard attempt > 1 else { return slug(forTitle: title) }
        let suffix = "-\(attempt)"
        return slug(forTitle: title, maximumLength: maximumSlugLength - suffix.count) + suffix
    }
}
