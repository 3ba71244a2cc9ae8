import FairdeskCore
import Fluent
import Foundation
import Leaf
import LeafKit
import Vapor

/// Builds a Fairdesk application. `fairdesk` and the tests both call this one function.
public func configure(_ app: Application, config: FairdeskConfig, clock: any WallClock = SystemClock()) async throws {
    FairdeskMetrics.bootstrap()
    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = ByteCount(value: config.maximumJSONBytes)
    app.passwords.use(.bcrypt(cost: config.bcryptCost))

    try DatabaseSetup.register(config.storage, dataDirectory: config.dataDirectory, on: app)
    app.fairdesk = AppServices(
        config: config, clock: clock,
        attachments: FileAttachmentStore(root: config.dataDirectory + "/attachments"),
        writeGate: config.storage.isSQLite ? WriteGate() : nil, metrics: FairdeskMetrics.registry,
        live: LiveHub(), inbound: InboundBatcher(app: app), logins: LoginCache())
    app.fairdesk.jobs = BackgroundWork.handlers()
    app.lifecycle.use(BotDeskShutdown())
    app.fairdesk.mail = config.smtp.map { SMTPClient(settings: $0, group: app.eventLoopGroup) }
    app.migrations.add(FairdeskMigrations.all(clock: clock, timeZone: config.timeZone))
    if case .sqlite(let path?) = config.storage {
        try await DatabaseSetup.tuneSQLite(app.db)
        try await DatabaseSetup.tuneSQLiteConnections(app)
        app.logger.debug("SQLite file \(path) uses write-ahead logging")
    }

    // Fluent's session table, written key by key so overlapping requests keep each other's changes.
    app.sessions.use { _ in MergingSessions() }
    app.sessions.configuration.cookieName = "fairdesk_session"
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(
            string: id.string, maxAge: config.sessionLifetimeSeconds, path: "/", isSecure: false, isHTTPOnly: true,
            sameSite: .lax)
    }
    // Views, styles and scripts ship inside the binary's resource bundle, so Fairdesk runs from any folder.
    let resources = Bundle.module.bundleURL.appendingPathComponent("Resources")
    let views = resources.appendingPathComponent("Views").path + "/"
    app.views.use(.leaf)
    // The bundle sits under `.build/`; Leaf's default refuses paths with hidden folders, so the
    // views folder is named explicitly and only `.leaf` files inside it are read.
    app.leaf.configuration = LeafConfiguration(rootDirectory: views)
    app.leaf.sources = .singleSource(
        NIOLeafFiles(
            fileio: app.fileio, limits: [.requireExtensions, .toSandbox], sandboxDirectory: views, viewDirectory: views,
            defaultExtension: "leaf"))

    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(FairdeskErrorMiddleware())
    app.middleware.use(try StaticFiles(publicDirectory: resources.appendingPathComponent("Public")))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(SessionGuard())

    try routes(app)
    app.asyncCommands.use(SeedCommand(), as: "seed")
    // Its own name: under `seed`, ConsoleKit would take `seed --cases` for a subcommand.
    app.asyncCommands.use(DriverSeed(), as: "seed-drivers")
    app.asyncCommands.use(DriverCommands(), as: "drivers")
    app.asyncCommands.use(AuditCommands(), as: "audit")
    app.asyncCommands.use(ReportCommands(), as: "reports")
    app.asyncCommands.use(WorkerCommand(), as: "worker")
    app.asyncCommands.use(BenchCommands(), as: "bench")
    app.asyncCommands.use(IngestMailCommand(), as: "ingest-mail")
    app.asyncCommands.use(BotEvalCommand(), as: "bot-eval")
    app.asyncCommands.use(ReparseCommand(), as: "reparse")
}

/// Every route of Fairdesk.
func routes(_ app: Application) throws {
    try app.register(collection: SystemController())
    let api = app.grouped("api", "v1").grouped(TokenAuthenticator())
    try api.register(collection: AuthController())
    try api.register(collection: AdminController())
    try api.register(collection: CustomerController())
    try api.register(collection: CaseController())
    try api.register(collection: InboundController(maximumMailBytes: app.fairdesk.config.mailMaximumBytes))
    try api.register(collection: JobsController())
    try api.register(collection: ServiceLevelController())
    try api.register(collection: PolicyController())
    try api.register(collection: PromiseController())
    try api.register(collection: SurveyController())
    try api.register(collection: WebhookController())
    try api.register(collection: KnowledgeController())
    try api.register(collection: OrderController())
    try api.register(collection: BotController())
    try api.register(collection: ReportController())
    try api.register(collection: ScorecardController())
    try api.register(collection: PlanController())
    try api.register(collection: DriverController())
    try api.register(collection: AppealController())
    try api.register(collection: DisputeController())

    try app.register(collection: AuthPages())
    try app.register(collection: AgentPages())
    try app.register(collection: CustomerPages())
    try app.register(collection: AdminPages())
    try app.register(collection: ServiceLevelPages())
    try app.register(collection: PolicyPages())
    try app.register(collection: PromisePages())
    try app.register(collection: BotPages())
    try app.register(collection: ReportPages())
    try app.register(collection: ScorecardPages())
    try app.register(collection: PlanPages())
    try app.register(collection: SurveyPages())
    try app.register(collection: WebhookPages())
    try app.register(collection: KnowledgePages())
    try app.register(collection: DriverPages())
    try app.register(collection: DriverStaffForms())
    try app.register(collection: AppealPages())
    try app.register(collection: DisputePages())
    try app.register(collection: MailPages())
    try app.register(collection: LiveRoutes())
    try app.register(collection: WidgetRoutes())
    app.get("widget", "demo") { req async throws -> View in
        struct DemoPage: Encodable {
            var scriptURL: String
            var scriptPath: String
        }
        let host = req.headers.first(name: .host) ?? "localhost"
        return try await req.view.render(
            "widget-demo",
            DemoPage(scriptURL: "http://\(host)\(SitePath.widgetScript.path)", scriptPath: SitePath.widgetScript.path))
    }
}
