import Foundation

/// Scores the bot against labelled customer messages: how often it reads answerable questions right,
/// how often it hands over when a person is needed (recall), and how often it hands over when it
/// should have answered (false hand-overs). `fairdesk bot-eval` prints ``Report/text``.
public enum BotEvaluation {
    /// One labelled message.
    public struct Case: Sendable, Equatable {
        /// The line in the file, for reports.
        public var line: Int
        public var message: String
        public var expected: Expected
        /// The customer's earlier messages in the conversation, oldest first; the bot answered each.
        public var context: [String]

        public init(line: Int, message: String, expected: Expected, context: [String] = []) {
            self.line = line
            self.message = message
            self.expected = expected
            self.context = context
        }
    }

    /// What the bot should do with a message.
    public enum Expected: Sendable, Equatable {
        /// Answer with this intent, and for a knowledge question from this article if one is named.
        case answer(BotIntent, articleID: String?)
        /// Hand over; the reason a person would name first.
        case handOver(HandOverDecision.Reason)

        /// Reads a label: `order_status`, `knowledge:returns-policy`, `handover:frustration`.
        public init?(label: String) {
            let parts = label.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.first == "handover" {
                guard parts.count == 2, let reason = HandOverDecision.Reason(rawValue: parts[1]) else { return nil }
                self = .handOver(reason)
            } else if let intent = BotIntent(rawValue: parts[0]), intent != .unknown {
                if parts.count == 2 && intent != .knowledge { return nil }
                self = .answer(intent, articleID: parts.count == 2 ? parts[1] : nil)
            } else {
                return nil
            }
        }

        public var label: String {
            switch self {
            case .answer(let intent, let article): article.map { "\(intent.rawValue):\($0)" } ?? intent.rawValue
            case .handOver(let reason): "handover:\(reason.rawValue)"
            }
        }
    }

    /// A line of the file that could not be read.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var problem: String
        public var description: String { "line \(line): \(problem)" }
    }

    /// Reads cases from tab-separated text: a header row, then `message`, `expected` and an optional
    /// `context` of earlier messages separated by " || ".
    public static func parse(tsv: String) throws(ParseError) -> [Case] {
        var cases: [Case] = []
        for (offset, raw) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let text = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line == 1 || text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let columns = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 2 || columns.count == 3 else {
                throw ParseError(line: line, problem: "expected 2 or 3 tab-separated columns, found \(columns.count)")
            }
            let message = columns[0].trimmingCharacters(in: .whitespaces)
            guard !message.isEmpty else { throw ParseError(line: line, problem: "the message is empty") }
            guard let expected = Expected(label: columns[1].trimmingCharacters(in: .whitespaces)) else {
                throw ParseError(line: line, problem: "unknown label \"\(columns[1])\"")
            }
            let context =
                columns.count == 3
                ? columns[2].components(separatedBy: " || ").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                : []
            cases.append(Case(line: line, message: message, expected: expected, context: context))
        }
        return cases
    }

    /// What the bot did with one case.
    public struct Outcome: Sendable, Equatable {
        public var testCase: Case
        public var intent: BotIntent
        public var confidence: Double
        public var articleID: String?
        /// The hand-over, if the bot handed over.
        public var handOver: HandOverDecision?

        /// What the bot did, in the labels' words.
        public var label: String {
            if let handOver {
                return "handover:\(handOver.reasons.map(\.rawValue).joined(separator: "+"))"
            }
            if intent == .knowledge, let articleID { return "knowledge:\(articleID)" }
            return intent.rawValue
        }
    }

    /// The figures, with every miss.
    public struct Report: Sendable {
        public var outcomes: [Outcome]

        /// Cases the bot should answer.
        public var answerable: [Outcome] {
            outcomes.filter { if case .answer = $0.testCase.expected { true } else { false } }
        }
        /// Cases that need a person.
        public var needPerson: [Outcome] {
            outcomes.filter { if case .handOver = $0.testCase.expected { true } else { false } }
        }

        /// Whether the classifier read the intent the label gives (whether or not the bot then answered).
        public static func intentRight(_ outcome: Outcome) -> Bool {
            guard case .answer(let intent, _) = outcome.testCase.expected else { return false }
            return outcome.intent == intent
        }

        /// Whether the bot answered, with the right intent and, where the label names one, the right article.
        public static func answeredRight(_ outcome: Outcome) -> Bool {
            guard case .answer(let intent, let article) = outcome.testCase.expected else { return false }
            return outcome.handOver == nil && outcome.intent == intent
                && (article == nil || outcome.articleID == article)
        }

        /// Share of answerable messages whose intent the classifier read right.
        public var intentAccuracy: Double { share(answerable, Self.intentRight) }
        /// Share of answerable messages the bot answered right, not handing over: the stricter figure.
        public var answerAccuracy: Double { share(answerable, Self.answeredRight) }
        /// Share of knowledge questions answered from the labelled article.
        public var articleAccuracy: Double {
            let labelled = answerable.filter {
                if case .answer(.knowledge, let article?) = $0.testCase.expected {
                    article.isEmpty == false
                } else {
                    false
                }
            }
            return share(labelled) {
                if case .answer(_, let article) = $0.testCase.expected { $0.articleID == article } else { false }
            }
        }
        /// Share of messages needing a person that the bot handed over, for any reason.
        public var handOverRecall: Double { share(needPerson) { $0.handOver != nil } }
        /// Share of hand-overs whose reasons include the labelled one.
        public var reasonAgreement: Double {
            share(needPerson.filter { $0.handOver != nil }) {
                if case .handOver(let reason) = $0.testCase.expected {
                    $0.handOver?.reasons.contains(reason) == true
                } else {
                    false
                }
            }
        }
        /// Share of answerable messages the bot handed over anyway.
        public var falseHandOverRate: Double { share(answerable) { $0.handOver != nil } }

        /// Answerable messages the bot got wrong (wrong intent, wrong article, or a needless hand-over),
        /// and messages needing a person that it kept.
        public var misses: [Outcome] {
            answerable.filter { !Self.answeredRight($0) } + needPerson.filter { $0.handOver == nil }
        }

        private func share(_ items: [Outcome], _ good: (Outcome) -> Bool) -> Double {
            items.isEmpty ? 0 : Double(items.filter(good).count) / Double(items.count)
        }

        /// The report as `fairdesk bot-eval` prints it.
        public var text: String {
            func percent(_ value: Double) -> String { String(format: "%.3f", value) }
            let handed = needPerson.filter { $0.handOver != nil }.count
            let falseCount = answerable.filter { $0.handOver != nil }.count
            let intentCount = answerable.filter(Self.intentRight).count
            let answeredCount = answerable.filter(Self.answeredRight).count
            let total = answerable.count
            var lines = [
                "Bot evaluation: \(outcomes.count) messages, \(total) to answer, \(needPerson.count) needing a person",
                "intent accuracy      \(percent(intentAccuracy))  (\(intentCount)/\(total))",
                "answered correctly   \(percent(answerAccuracy))  (\(answeredCount)/\(total); "
                    + "right intent and article, no hand-over)",
                "article accuracy     \(percent(articleAccuracy))",
                "hand-over recall     \(percent(handOverRecall))  (\(handed)/\(needPerson.count))",
                "reason agreement     \(percent(reasonAgreement))  (labelled reason among the bot's reasons)",
                "false hand-over rate \(percent(falseHandOverRate))  (\(falseCount)/\(total))",
            ]
            for reason in HandOverDecision.Reason.allCases {
                let labelled = needPerson.filter { $0.testCase.expected == .handOver(reason) }
                guard !labelled.isEmpty else { continue }
                let caught = labelled.filter { $0.handOver != nil }.count
                lines.append("  recall \(reason.rawValue): \(caught)/\(labelled.count)")
            }
            let misses = self.misses
            lines.append("misses: \(misses.count)")
            for miss in misses {
                let confidence = String(format: "%.2f", miss.confidence)
                let testCase = miss.testCase
                lines.append(
                    "  line \(testCase.line): \"\(testCase.message)\" expected \(testCase.expected.label), "
                        + "got \(miss.label) (confidence \(confidence))")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Runs every case through `engine`, each as a fresh conversation whose context messages the bot answered.
    public static func run(_ cases: [Case], engine: BotEngine, at start: Date) -> Report {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(cases.count)
        for testCase in cases {
            var history: [BotTurn] = []
            var now = start
            for earlier in testCase.context {
                let step = engine.respond(to: earlier, history: history, at: now)
                history.append(step.customerTurn)
                // The context was answered: the label is about the last message only.
                let reading = step.reading
                history.append(
                    BotTurn(
                        speaker: .bot, text: "(answered)", at: now, intent: reading.intent,
                        orderNumbers: reading.orderNumbers, articleID: reading.article?.article.id))
                now = now.addingTimeInterval(60)
            }
            let step = engine.respond(to: testCase.message, history: history, at: now)
            var handOver: HandOverDecision?
            if case .handOver(let decision) = step.reply { handOver = decision }
            outcomes.append(
                Outcome(
                    testCase: testCase, intent: step.reading.intent, confidence: step.reading.confidence,
                    articleID: step.reading.article?.article.id, handOver: handOver))
        }
        return Report(outcomes: outcomes)
    }
}
