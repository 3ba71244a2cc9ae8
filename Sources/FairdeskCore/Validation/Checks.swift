import Foundation

/// Collects field problems while a request is checked, so the client hears about all of them at once.
public struct Checks: Sendable {
    public private(set) var problems: [FieldProblem] = []

    public init() {}

    public mutating func add(_ field: String, _ rule: String) {
        problems.append(FieldProblem(field: field, rule: rule))
    }

    /// Adds every problem of a check that failed elsewhere.
    public mutating func add(_ failure: ValidationFailure) {
        problems += failure.problems
    }

    /// Trims `value` and checks it is present and no longer than `max` characters.
    @discardableResult
    public mutating func text(_ value: String?, field: String, max: Int, required: Bool = true) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let trimmed, !trimmed.isEmpty else {
            if required { add(field, "must not be empty") }
            return nil
        }
        if trimmed.count > max {
            add(field, "must be at most \(max) characters (got \(trimmed.count))")
            return nil
        }
        return trimmed
    }

    /// Parses `value` into one of the cases of `E`, naming the allowed values when it does not fit.
    @discardableResult
    public mutating func oneOf<E: RawRepresentable & CaseIterable>(
        _ value: String?, field: String, as type: E.Type, required: Bool = true
    ) -> E? where E.RawValue == String {
        guard let value else {
            if required { add(field, "is required") }
            return nil
        }
        if let parsed = E(rawValue: value) { return parsed }
        let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
        add(field, "must be one of: \(allowed) (got \"\(value.prefix(40))\")")
        return nil
    }

    /// Parses `value` as one of `allowed`, naming only those in the refusal: for a type some of whose
    /// values only the system sets.
    public mutating func oneOf<E: RawRepresentable & Equatable>(
        _ value: String?, field: String, in allowed: [E], required: Bool = true
    ) -> E? where E.RawValue == String {
        guard let value else {
            if required { add(field, "is required") }
            return nil
        }
        if let parsed = E(rawValue: value), allowed.contains(parsed) { return parsed }
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        add(field, "must be one of: \(names) (got \"\(value.prefix(40))\")")
        return nil
    }

    /// Checks that `value` lies within `range`.
    @discardableResult
    public mutating func integer(_ value: Int?, field: String, in range: ClosedRange<Int>, required: Bool = true)
        -> Int?
    {
        guard let value else {
            if required { add(field, "is required") }
            return nil
        }
        guard range.contains(value) else {
            add(field, "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
            return nil
        }
        return value
    }

    /// Throws a `ValidationFailure` with everything collected, if anything was.
    public func finish() throws(ValidationFailure) {
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }
}
