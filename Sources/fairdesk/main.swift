import FairdeskApp
import FairdeskCore
import Foundation
import Vapor

// The `fairdesk` executable: serve (default), migrate, seed, audit verify.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
do {
    let config = try FairdeskConfig.fromEnvironment()
    try await configure(app, config: config)
    let command = env.arguments.dropFirst().first
    if command == nil || command == "serve" {
        try await EmbeddedStart.prepare(app)
    }
    try await app.execute()
} catch {
    app.logger.critical("\(error)")
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
