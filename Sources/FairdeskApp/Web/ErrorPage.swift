import Vapor

/// The HTML page for an error on a web page: what went wrong, in words, and where to go next.
struct ErrorPage: Encodable {
    var layout: LayoutContext
    var status: Int
    var heading: String
    var reason: String

    static func render(_ error: ApiError, for req: Request) async throws -> Response {
        let heading =
            switch error.status {
            case .notFound: "We could not find that"
            case .forbidden: "This page is not for your role"
            case .unauthorized: "Please log in"
            case .payloadTooLarge: "That was too large"
            default: error.status.code >= 500 ? "Something went wrong on our side" : "That did not work"
            }
        let page = ErrorPage(
            layout: LayoutContext(req, title: heading), status: Int(error.status.code), heading: heading,
            reason: error.reason)
        let response = try await req.view.render("error", page).encodeResponse(for: req)
        response.status = error.status
        return response
    }
}
