import Foundation

/// Every kind of background job Fairdesk runs, and what it does.
enum BackgroundWork {
    /// How often the SLA worker looks for clocks coming due.
    static let slaInterval: TimeInterval = 10
    /// How often waiting cases are offered to free agents (also triggered at once when an agent
    /// becomes available).
    static let routingInterval: TimeInterval = 3

    static func handlers() -> JobHandlers {
        var handlers = JobHandlers()
        handlers.register(.noop) { _ in .done }
        handlers.register(.slaSweep, every: slaInterval) { context in
            let app = context.app
            while true {
                let result = try await app.write { db in
                    try await SLASweep(
                        db: db, now: app.fairdesk.clock.now, catalog: try await app.serviceCatalog(on: db),
                        config: app.fairdesk.config
                    ).run()
                }
                if result.clocks < 500 { break }
            }
            return .again(at: app.fairdesk.clock.now + slaInterval)
        }
        handlers.register(.routingAssign, every: routingInterval) { context in
            let app = context.app
            let assignments = try await RoutingService.assignAndRecord(app: app)
            if !assignments.isEmpty { await app.fairdesk.live.publishAssignments(assignments, app: app) }
            return .again(at: app.fairdesk.clock.now + routingInterval)
        }
        handlers.register(.promiseSweep, every: PromiseSweep.interval) { context in
            while try await PromiseSweep.run(app: context.app) == 200 {}
            return .again(at: context.app.fairdesk.clock.now + PromiseSweep.interval)
        }
        handlers.register(.surveySend, every: Surveys.interval) { context in
            while try await Surveys.sendDue(app: context.app) == 200 {}
            return .again(at: context.app.fairdesk.clock.now + Surveys.interval)
        }
        handlers.register(.botSweep, every: BotSweep.interval) { context in
            while try await BotSweep.run(app: context.app) == 200 {}
            return .again(at: context.app.fairdesk.clock.now + BotSweep.interval)
        }
        handlers.register(.driversSweep, every: DriverStandings.interval) { context in
            _ = try await DriverStandings.sweep(app: context.app)
            return .again(at: context.app.fairdesk.clock.now + DriverStandings.interval)
        }
        handlers.register(.appealsEscalate, every: AppealDeadlines.interval) { context in
            while try await AppealDeadlines.escalate(app: context.app) == 200 {}
            return .again(at: context.app.fairdesk.clock.now + AppealDeadlines.interval)
        }
        handlers.register(.appealsConditions, every: AppealConditions.interval) { context in
            _ = try await AppealConditions.sweep(app: context.app)
            return .again(at: context.app.fairdesk.clock.now + AppealConditions.interval)
        }
        handlers.register(.driversInterim, every: InterimSuspensions.interval) { context in
            while try await InterimSuspensions.lapse(app: context.app) == 200 {}
            return .again(at: context.app.fairdesk.clock.now + InterimSuspensions.interval)
        }
        handlers.register(.mailSend) { context in
            struct Payload: Decodable { var id: UUID }
            try await Outbox.deliver(
                try context.payload(Payload.self).id, app: context.app,
                lastAttempt: context.job.attempts >= context.job.maxAttempts, records: context.records)
            return .done
        }
        handlers.register(.webhookDeliver) { context in
            struct Payload: Decodable { var id: UUID }
            try await Webhooks.deliver(
                try context.payload(Payload.self).id, app: context.app,
                lastAttempt: context.job.attempts >= context.job.maxAttempts, records: context.records)
            return .done
        }
        return handlers
    }
}
