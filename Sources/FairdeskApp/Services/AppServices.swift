import FairdeskCore
import Fluent
import Foundation
import Prometheus
import Vapor

/// The services Fairdesk keeps on the application, swapped in tests.
struct AppServices: Sendable {
    var config: FairdeskConfig
    var clock: any WallClock
    var attachments: any AttachmentStore
    /// Set on SQLite only.
    var writeGate: WriteGate?
    var metrics: PrometheusCollectorRegistry
    /// Live updates for open pages and chat widgets.
    var live: LiveHub
    /// Inbound messages, written in groups.
    var inbound: InboundBatcher
    /// Recently checked bearer tokens.
    var logins: LoginCache
    /// What each kind of background job does.
    var jobs: JobHandlers = JobHandlers()
    /// Tiers, calendars, SLA targets and service settings, kept for a few seconds.
    var catalog = CatalogCache()
    /// Where outgoing mail goes; nil when no mail server is configured (mail is then held).
    var mail: (any MailTransport)?
    /// The bot's engine, rebuilt when the knowledge base changes.
    var bot = BotBrain()
    /// Customer messages the bot answers once they are stored.
    var botDesk = BotDesk()
}

extension Application {
    private struct ServicesKey: StorageKey {
        typealias Value = AppServices
    }

    /// Fairdesk's configuration, clock and side-effect services.
    var fairdesk: AppServices {
        get {
            guard let services = storage[ServicesKey.self] else {
                fatalError("configure(_:config:) has not run on this application")
            }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Application {
    /// The catalog of service levels, as `db` (or the cache) has it now.
    func serviceCatalog(on db: any Database) async throws -> ServiceCatalog {
        try await fairdesk.catalog.catalog(on: db, now: fairdesk.clock.now)
    }

    /// Case changes made by `actor` inside the transaction `db`, at the clock's now.
    func caseWork(on db: any Database, actor: Actor) async throws -> CaseWork {
        CaseWork(
            db: db, now: fairdesk.clock.now, actor: actor, config: fairdesk.config,
            catalog: try await serviceCatalog(on: db))
    }
}

extension Request {
    var fairdesk: AppServices { application.fairdesk }
    /// Now, from the injected clock.
    var now: Date { application.fairdesk.clock.now }
}
