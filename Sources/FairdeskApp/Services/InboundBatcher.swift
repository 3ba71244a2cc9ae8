import FairdeskCore
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Writes inbound messages many to a transaction ("group commit").
///
/// Messages that arrive while a batch is being written wait for the next one, so under load each
/// transaction carries many messages and its fixed costs (taking the SQLite write turn, BEGIN,
/// COMMIT) are shared; a lone message is written at once. Within the transaction the new rows of
/// many messages are written with one statement per table (see ``Rounds`` and ``DeferredWrites``).
/// If a batch fails, its messages are written again one by one, so one bad message never takes
/// others down with it.
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
    /// Messages received and not yet answered (waiting for a batch or being written), and when the
    /// last batch ended.
    private let activity = NIOLockedValueBox(Activity())

    private struct Activity {
        var unwritten = 0
        var lastEnded: ContinuousClock.Instant?
    }

    /// How long after a batch the batcher still counts as busy: under a flood the next messages come
    /// within a millisecond or two of the last answers, so a gap this short is not the flood's end.
    static let quietAfter: Duration = .milliseconds(10)

    init(app: Application) { self.app = app }

    /// Whether customers' messages are being stored: some wait or are being written, or a batch ended
    /// less than ``quietAfter`` ago. The bot's desk gives way to them (``BotDesk``): storing what
    /// customers send comes before the bot's answers.
    nonisolated var isBusy: Bool {
        activity.withLockedValue { activity in
            if activity.unwritten > 0 { return true }
            guard let ended = activity.lastEnded else { return false }
            return ContinuousClock.now - ended < Self.quietAfter
        }
    }

    func receive(_ message: InboundService.Message, with service: InboundService) async throws
        -> InboundService.Outcome
    {
        try await withCheckedThrowingContinuation { reply in
            activity.withLockedValue { $0.unwritten += 1 }
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
        defer {
            activity.withLockedValue {
                $0.unwritten -= batch.count
                $0.lastEnded = ContinuousClock.now
            }
        }
        do {
            let results = try await Self.write(batch.map { ($0.message, $0.service) }, app: app)
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

extension InboundBatcher {
    /// Writes `work` in one transaction, in the order ``Rounds`` plans; the outcomes in the order given.
    static func write(_ work: [(InboundService.Message, InboundService)], app: Application) async throws
        -> [InboundService.Outcome]
    {
        try await app.write { db in
            let queue = try await CaseWork.defaultQueue(on: db, config: work[0].1.config)
            let plan = try await Rounds.plan(work.map(\.0), on: db)
            var results = [InboundService.Outcome?](repeating: nil, count: work.count)
            let deferred = DeferredWrites()
            for round in plan.rounds {
                // Each new address opens exactly one case: its numbers are taken with one statement.
                try await deferred.reserveCaseNumbers(round.count { plan.senders[$0] == .new }, on: db)
                let outcomes = try await deferred.with(on: db) {
                    var outcomes: [InboundService.Outcome] = []
                    for index in round {
                        outcomes.append(
                            try await work[index].1.receive(
                                work[index].0, sender: plan.senders[index] ?? .unknown, defaultQueue: queue, on: db))
                    }
                    return outcomes
                }
                try await deferred.flush(on: db)
                for (index, outcome) in zip(round, outcomes) { results[index] = outcome }
            }
            for index in plan.alone {
                results[index] = try await work[index].1.receive(work[index].0, defaultQueue: queue, on: db)
            }
            return results.map { $0! }
        }
    }

    /// The order a batch is written in. Messages go in rounds whose rows are collected and written
    /// together (see ``DeferredWrites``); no round holds two messages of one customer or of one new
    /// address, since a message must see what the one before it made (the customer, the case, its
    /// clocks). A customer's messages keep their order, one round after another. Messages that name
    /// a case (by id or number), carry a network's message id (a repeat must find the first) or come
    /// from a merged customer are written one by one after the rounds.
    struct Rounds {
        var rounds: [[Int]] = []
        var alone: [Int] = []
        /// What the plan's query found out about each sender, so their messages need not ask again.
        var senders: [Int: InboundService.Sender] = [:]

        static func plan(_ messages: [InboundService.Message], on db: any Database) async throws -> Rounds {
            var plan = Rounds()
            let simple = messages.indices.filter {
                messages[$0].caseID == nil && messages[$0].caseNumber == nil && messages[$0].externalID == nil
            }
            plan.alone = messages.indices.filter { !simple.contains($0) }
            let owners = try await Self.owners(of: simple.map { messages[$0].identity }, on: db)
            var lastRound: [String: Int] = [:]
            for index in simple {
                let identity = messages[index].identity
                let key: String
                switch owners[Self.key(identity)] {
                case .some(.some(let customer)):
                    key = customer.id.uuidString
                    plan.senders[index] = .known(customer)
                case .some(.none):
                    // A merged customer's address: whose it is now takes a few reads, so it goes alone.
                    plan.alone.append(index)
                    continue
                case .none: key = Self.key(identity)
                }
                let round = (lastRound[key] ?? -1) + 1
                lastRound[key] = round
                // A new address is new in its first round; later rounds find the customer it made.
                if case .none = owners[Self.key(identity)], round == 0 { plan.senders[index] = .new }
                if round == plan.rounds.count { plan.rounds.append([]) }
                plan.rounds[round].append(index)
            }
            plan.alone.sort()
            return plan
        }

        /// Who owns each known address (by ``key(_:)``), in one query: the customer, or nil for a
        /// merged one.
        private static func owners(of identities: [Identity], on db: any Database) async throws
            -> [String: CustomerDirectory.Ref?]
        {
            guard !identities.isEmpty else { return [:] }
            struct Row: Decodable {
                var kind: String
                var value: String
                var id: UUID
                var name: String
                var tier: String
                var merged: UUID?
            }
            let kinds = Set(identities.map(\.kind.rawValue)).sorted()
            let values = Set(identities.map(\.value)).sorted()
            let rows = try await db.sql.raw(
                """
                SELECT i.kind AS kind, i.value AS value, c.id AS id, c.display_name AS name, c.tier AS tier, \
                c.merged_into_id AS merged FROM identities i \
                JOIN customers c ON c.id = i.customer_id \
                WHERE i.kind IN (\(binds: kinds)) AND i.value IN (\(binds: values))
                """
            ).all(decoding: Row.self)
            var owners: [String: CustomerDirectory.Ref?] = [:]
            for row in rows {
                owners["\(row.kind):\(row.value)"] =
                    row.merged == nil ? CustomerDirectory.Ref(id: row.id, displayName: row.name, tier: row.tier) : nil
            }
            return owners
        }

        private static func key(_ identity: Identity) -> String { "\(identity.kind.rawValue):\(identity.value)" }
    }
}
