import FairdeskCore
import Foundation
import Vapor

/// How every form post ends: on success a short message and a redirect; when the input breaks a
/// rule, the same page again with each message beside its field and what was typed kept.
enum FormSubmission {
    static func handle(
        _ req: Request, form: String, values: [String: String], success: String, redirect: String,
        render: (Request, FormState, HTTPStatus) async throws -> Response, _ action: () async throws -> Void
    ) async throws -> Response {
        func again(_ problems: [FieldProblem], _ status: HTTPStatus) async throws -> Response {
            try await render(req, FormState(form: form, values: values, problems: problems), status)
        }
        do {
            try await action()
            req.flash(success)
            return req.redirect(to: redirect)
        } catch let error as ValidationFailure {
            return try await again(error.problems, .unprocessableEntity)
        } catch let error as CaseStatusError {
            return try await again([FieldProblem(field: "status", rule: error.description)], .unprocessableEntity)
        } catch let error as ApiError where !error.problems.isEmpty {
            return try await again(error.problems, error.status)
        }
    }
}

extension Checks {
    /// A whole number typed into a form field. Empty is nil, which breaks `rule` only when the
    /// field is `required`; anything else that is not a number breaks `rule`.
    mutating func typedNumber(_ text: String?, field: String, required: Bool = false, rule: String) -> Int? {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            if required { add(field, rule) }
            return nil
        }
        guard let value = Int(trimmed) else {
            add(field, rule)
            return nil
        }
        return value
    }
}
