import FairdeskCore
import Vapor

/// An error the client can act on: an HTTP status, a code for programs, a sentence for people,
/// and, for bad input, the fields and rules that were broken.
struct ApiError: Error, Sendable {
    var status: HTTPResponseStatus
    var code: String
    var reason: String
    var problems: [FieldProblem] = []

    static func notFound(_ what: String) -> Self {
        ApiError(status: .notFound, code: "not_found", reason: "\(what) not found")
    }

    static func forbidden(_ reason: String) -> Self {
        ApiError(status: .forbidden, code: "forbidden", reason: reason)
    }

    static let unauthenticated = ApiError(
        status: .unauthorized, code: "unauthenticated",
        reason: "log in first: send Authorization: Bearer <token>, or a session cookie from /api/v1/auth/session")

    static func conflict(_ reason: String, field: String? = nil) -> Self {
        ApiError(
            status: .conflict, code: "conflict", reason: reason,
            problems: field.map { [FieldProblem(field: $0, rule: reason)] } ?? [])
    }

    static func invalid(_ failure: ValidationFailure) -> Self {
        ApiError(status: .unprocessableEntity, code: "invalid", reason: failure.summary, problems: failure.problems)
    }

    static func invalid(field: String, rule: String) -> Self {
        invalid(ValidationFailure(field: field, rule: rule))
    }

    /// A request whose body could not be read as the route's JSON.
    static func malformed(field: String, rule: String) -> Self {
        ApiError(
            status: .badRequest, code: "malformed", reason: "\(field) \(rule)",
            problems: [FieldProblem(field: field, rule: rule)])
    }
}

/// The JSON body of every error response.
struct ErrorBody: Content {
    var error: String
    var reason: String
    var problems: [FieldProblem]
}
