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
    exit(1)
}
try await app.asyncShutdown()
