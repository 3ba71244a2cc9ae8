import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Writes inbound messages many to a transaction ("group commit").
///
/// Messages that arrive while a batch is being written wait for the next one, so under load each
/// transaction carries many messages and its fixed costs (taking the SQLite write turn, BEGIN,
/// COMMIT) are shared; a lone message is written at once. If a batch fails, its messages are
/// written again one by one, so one bad message never takes others down with it.
actor InboundBatcher {
    struct Item {
        var message: InboundService.Message
        var service: InboundService
        var reply: CheckedContinuation<InboundService.Outcome, any Error>
    }

    /// Most messages one transaction carries.
    static let batchLimit = 64

    private let app: Application
    private var pending: [Item] = []
    private var draining = false

    init(app: Application) { self.app = app }

    func receive(_ message: InboundService.Message, with service: InboundService) async throws
        -> InboundService.Outcome
    {
        try await withCheckedThrowingContinuation { reply in
            pending.append(Item(message: message, service: service, reply: reply))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.batchLimit))
            pending.removeFirst(batch.count)
            await write(batch)
        }
        draining = false
    }

    private func write(_ batch: [Item]) async {
        let work = batch.map { ($0.message, $0.service) }
        do {
            let results = try await app.write { db in
                let queue = try await CaseWork.defaultQueue(on: db, config: batch[0].service.config)
                var results: [InboundService.Outcome] = []
                for (message, service) in work {
                    results.append(try await service.receive(message, defaultQueue: queue, on: db))
                }
                return results
            }
            for (item, result) in zip(batch, results) { item.reply.resume(returning: result) }
        } catch {
            for item in batch {
                do {
                    item.reply.resume(returning: try await item.service.receiveAlone(item.message, app: app))
                } catch {
                    item.reply.resume(throwing: error)
                }
            }
        }
    }
}
