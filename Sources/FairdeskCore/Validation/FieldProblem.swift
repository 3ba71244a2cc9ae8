/// One thing wrong with one field of a request, in words a person can act on.
///
/// `field` is the path of the field as the client sent it (`email`, `from.value`, `attachments[0]`);
/// `rule` is the rule it broke, written to be read after the field name ("must not be empty").
public struct FieldProblem: Sendable, Equatable, Codable {
    public var field: String
    public var rule: String

    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    /// The problem as one sentence: "email must be a valid email address".
    public var sentence: String { "\(field) \(rule)" }
}

/// A request that broke one or more rules. Nothing from it may be stored.
public struct ValidationFailure: Error, Sendable, Equatable {
    public var problems: [FieldProblem]

    public init(_ problems: [FieldProblem]) { self.problems = problems }

    public init(field: String, rule: String) {
        self.problems = [FieldProblem(field: field, rule: rule)]
    }

    /// All problems joined into one readable line.
    public var summary: String { problems.map(\.sentence).joined(separator: "; ") }
}
