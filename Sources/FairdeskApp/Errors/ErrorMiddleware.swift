import FairdeskCore
import Vapor

/// Turns every error into a JSON body that names the field and the rule, with the right status.
/// Unexpected errors are logged in full and shown only as a generic message.
struct FairdeskErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let apiError = Self.translate(error, maximumBody: request.fairdesk.config.maximumJSONBytes)
            if apiError.status == .internalServerError {
                request.logger.report(error: error)
            }
            if Self.wantsHTML(request) {
                return try await ErrorPage.render(apiError, for: request)
            }
            let body = ErrorBody(error: apiError.code, reason: apiError.reason, problems: apiError.problems)
            let response = Response(status: apiError.status)
            try response.content.encode(body, as: .json)
            return response
        }
    }

    /// Web pages get an HTML error page; the API, health and metrics always get JSON.
    static func wantsHTML(_ request: Request) -> Bool {
        let path = request.url.path
        if path.hasPrefix("/api/") || path == SitePath.health.path || path == SitePath.metrics.path { return false }
        return request.headers[.accept].contains { $0.contains("text/html") }
    }

    static func translate(_ error: any Error, maximumBody: Int) -> ApiError {
        switch error {
        case let error as ApiError:
            return error
        case let error as ValidationFailure:
            return .invalid(error)
        case let error as CaseStatusError:
            return .invalid(field: "status", rule: error.description)
        case let error as DecodingError:
            return decoding(error)
        case let error as any AbortError:
            switch error.status {
            case .payloadTooLarge:
                return ApiError(
                    status: .payloadTooLarge, code: "too_large",
                    reason: "the request body is too large",
                    problems: [FieldProblem(field: "body", rule: "must be smaller than the limit for this route")])
            case .unsupportedMediaType:
                return ApiError(
                    status: .unsupportedMediaType, code: "unsupported_media_type",
                    reason: "Content-Type must be application/json (or multipart/form-data when sending files)",
                    problems: [
                        FieldProblem(field: "Content-Type", rule: "must be application/json or multipart/form-data")
                    ])
            case .notFound:
                return ApiError(status: .notFound, code: "not_found", reason: error.reason)
            case .unauthorized:
                return .unauthenticated
            default:
                let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
                return ApiError(status: error.status, code: code, reason: error.reason)
            }
        default:
            return ApiError(
                status: .internalServerError, code: "internal",
                reason: "something went wrong on our side; it has been logged")
        }
    }

    /// Names the field from the decoder's coding path: `from.value`, `attachments[0].filename`.
    static func decoding(_ error: DecodingError) -> ApiError {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .malformed(field: path(context.codingPath + [key]), rule: "is required")
        case .valueNotFound(_, let context):
            return .malformed(field: path(context.codingPath), rule: "must not be null")
        case .typeMismatch(let type, let context):
            return .malformed(field: path(context.codingPath), rule: "must be \(describe(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .malformed(field: "body", rule: "must be valid JSON")
            }
            return .malformed(field: path(context.codingPath), rule: "is not valid: \(context.debugDescription)")
        @unknown default:
            return .malformed(field: "body", rule: "could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is UUID.Type: "an id (UUID)"
        default: type is any Collection.Type ? "a list" : "an object"
        }
    }
}
