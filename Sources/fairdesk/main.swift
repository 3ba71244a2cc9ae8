import FairdeskApp
import FairdeskCore
import Foundation
import Vapor

// The `fairdesk` executable: serve (default), migrate, seed, worker, audit verify.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
do {
    let config = try FairdeskConfig.fromEnvironment()
    try await configure(app, config: config)
    let command = env.arguments.dropFirst().first
    switch command {
    case nil, "serve":
        try await EmbeddedStart.prepare(app)
        app.runJobsWithServer()
    case "seed", "audit", "worker", "bench", "ingest-mail", "reparse": try await EmbeddedStart.requireCurrentSchema(app)
    default: break
    }
    try await app.execute()
} catch {
    app.logger.critical("\(String(reflecting: error))")
    try? await app.asyncShutdown()
    // A mail server's pipe transport keeps the message and tries again on 75 (EX_TEMPFAIL); any other
    // failure would bounce the customer's email back to them.
    let pipedMail = env.arguments.dropFirst().first == "ingest-mail" && !env.arguments.contains { $0.hasPrefix("--m") }
    exit(pipedMail ? 75 : 1)
}
try await app.asyncShutdown()
