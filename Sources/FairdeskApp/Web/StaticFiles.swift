import Crypto
import Foundation
import Vapor

/// Serves Fairdesk's own stylesheet and scripts from the resource bundle. They are few and small,
/// so they are read once at start, kept in memory, and sent with an ETag so browsers revalidate
/// cheaply. Nothing is fetched from anywhere else.
///
/// It runs before the session middleware: a stylesheet request never loads or saves the session,
/// so it cannot write back a stale copy over what the page's own request (a login, a form post)
/// just stored.
struct StaticFiles: AsyncMiddleware {
    struct Asset: Sendable {
        var body: Data
        var contentType: String
        var etag: String
    }

    let assets: [String: Asset]

    /// Loads `files` (path on the site → file under `Resources/Public`).
    init(publicDirectory: URL) throws {
        let files: [(SitePath, String, String)] = [
            (.stylesheet, "static/fairdesk.css", "text/css; charset=utf-8"),
            (.script, "static/fairdesk.js", "text/javascript; charset=utf-8"),
            (.widgetScript, "widget.js", "text/javascript; charset=utf-8"),
        ]
        var assets: [String: Asset] = [:]
        for (path, file, type) in files {
            let body = try Data(contentsOf: publicDirectory.appendingPathComponent(file))
            let digest = String(Digest.sha256(body).prefix(16))
            assets[path.path] = Asset(body: body, contentType: type, etag: "\"\(digest)\"")
        }
        self.assets = assets
    }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.method == .GET || req.method == .HEAD else { return try await next.respond(to: req) }
        if req.url.path == "/favicon.ico" { return Response(status: .notFound) }
        guard let asset = assets[req.url.path] else { return try await next.respond(to: req) }
        if req.headers.first(name: .ifNoneMatch) == asset.etag { return Response(status: .notModified) }
        let response = Response(status: .ok, body: .init(data: asset.body))
        response.headers.replaceOrAdd(name: .contentType, value: asset.contentType)
        response.headers.replaceOrAdd(name: .eTag, value: asset.etag)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        // The widget script is loaded by other sites' pages.
        response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        return response
    }
}
