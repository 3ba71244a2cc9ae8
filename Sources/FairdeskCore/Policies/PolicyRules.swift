import Foundation

/// The rules for publishing and applying policy versions: notice before a change applies, and no
/// change ever applied to an event that happened before it took effect.
public enum PolicyRules {
    /// Checks a version about to be published at `now`: at least one clause with unique numbers,
    /// a summary, an effective date not in the past, and at least `noticeDays` of notice unless
    /// the change is marked favourable. The notice problem names the earliest allowed date.
    public static func checkPublication(
        _ version: PolicyVersion, now: Date, noticeDays: Int
    ) throws(ValidationFailure) {
        var problems: [FieldProblem] = []
        if version.summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(FieldProblem(field: "summary", rule: "must say what changed"))
        }
        if version.clauses.isEmpty {
            problems.append(FieldProblem(field: "clauses", rule: "must hold at least one numbered clause"))
        }
        var seen = Set<String>()
        for (index, clause) in version.clauses.enumerated() {
            let number = clause.number.trimmingCharacters(in: .whitespaces)
            if number.isEmpty || !number.allSatisfy({ $0.isNumber || $0 == "." }) {
                problems.append(
                    FieldProblem(field: "clauses[\(index)].number", rule: "must be a number like 4 or 4.2"))
            } else if !seen.insert(number).inserted {
                problems.append(
                    FieldProblem(
                        field: "clauses[\(index)].number", rule: "must differ from the other clauses' (\(number))"))
            }
        }
        if version.effectiveAt < now {
            problems.append(FieldProblem(field: "effectiveAt", rule: "must not be in the past"))
        } else if !version.favourable {
            let earliest = earliestEffectiveDate(publishedAt: now, noticeDays: noticeDays)
            if version.effectiveAt < earliest {
                problems.append(
                    FieldProblem(
                        field: "effectiveAt",
                        rule:
                            "must give at least \(noticeDays) \(noticeDays == 1 ? "day's" : "days'") notice: the earliest allowed is "
                            + ISO8601DateFormatter().string(from: earliest)))
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }

    /// The first instant a version published at `publishedAt` may take effect.
    public static func earliestEffectiveDate(publishedAt: Date, noticeDays: Int) -> Date {
        publishedAt.addingTimeInterval(TimeInterval(max(0, noticeDays)) * 86_400)
    }

    /// The version in force at `instant`: the latest not-withdrawn version that took effect at or
    /// before it. Code that judges an event asks with the event's time, never with "now", so a
    /// later change never reaches back.
    public static func inForce(at instant: Date, among versions: [PolicyVersion]) -> PolicyVersion? {
        versions.filter { $0.withdrawnAt == nil && $0.effectiveAt <= instant }
            .max { ($0.effectiveAt, $0.number) < ($1.effectiveAt, $1.number) }
    }

    /// Versions published but not yet in force at `now`, soonest first.
    public static func upcoming(at now: Date, among versions: [PolicyVersion]) -> [PolicyVersion] {
        versions.filter { $0.withdrawnAt == nil && $0.effectiveAt > now }.sorted { $0.effectiveAt < $1.effectiveAt }
    }

    /// Whether a version may still be withdrawn: only before it takes effect.
    public static func canWithdraw(_ version: PolicyVersion, at now: Date) -> Bool {
        version.withdrawnAt == nil && version.effectiveAt > now
    }
}

/// How one clause differs between two versions.
public struct ClauseChange: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case added, removed, changed, unchanged
    }
    public var number: String
    public var kind: Kind
    public var before: PolicyClause?
    public var after: PolicyClause?
}

extension PolicyRules {
    /// Two versions compared clause by clause, in the order of the newer version with removed
    /// clauses after it, so a reader sees exactly what changed.
    public static func compare(_ old: PolicyVersion, _ new: PolicyVersion) -> [ClauseChange] {
        var changes: [ClauseChange] = new.clauses.map { clause in
            guard let before = old.clause(clause.number) else {
                return ClauseChange(number: clause.number, kind: .added, before: nil, after: clause)
            }
            let kind: ClauseChange.Kind = before == clause ? .unchanged : .changed
            return ClauseChange(number: clause.number, kind: kind, before: before, after: clause)
        }
        for clause in old.clauses where new.clause(clause.number) == nil {
            changes.append(ClauseChange(number: clause.number, kind: .removed, before: clause, after: nil))
        }
        return changes
    }
}
