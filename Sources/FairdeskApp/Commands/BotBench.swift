import FairdeskCore
import Foundation
import Vapor

/// `fairdesk bench bot`: the time the bot takes to answer one message, with a knowledge base of
/// 10,000 articles (issue 9: under 5 ms at the 99th percentile). The demo articles are joined by
/// generated ones that share their words, so searches meet many near-matches, as in a real help
/// centre. Messages come from the labelled evaluation set, each once alone and once as the second
/// turn of a conversation (so the repeat check has history to compare).
struct BotBench: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "articles", help: "Articles in the knowledge base (default 10000)")
        var articles: Int?
        @Option(name: "file", help: "Messages to answer, as the evaluation set's TSV (default: its messages.tsv)")
        var file: String?
    }
    var help: String { "Times the bot's reply with a large knowledge base" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let count = signature.articles ?? 10_000
        let path = signature.file ?? "\(BotEvalCommand.folder)/messages.tsv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BotEvalProblem(
                description: "\(path) cannot be read: run from the repository's folder, or give --file")
        }
        let messages = try BotEvaluation.parse(tsv: text).map(\.message)
        let articles = Self.articles(count)
        let clock = ContinuousClock()
        var began = clock.now
        let engine = BotEngine(articles: articles)
        let build = BenchCommands.seconds(began.duration(to: clock.now))
        context.console.print("Built the bot over \(articles.count) articles in \(String(format: "%.2f", build)) s.")
        let at = Date(timeIntervalSince1970: 1_795_428_000)
        var times: [Double] = []
        var handedOver = 0
        for round in 0..<3 {
            for (index, message) in messages.enumerated() {
                let history: [BotTurn] =
                    round == 1 ? [BotTurn.customer(messages[(index + 1) % messages.count], at: at - 60)] : []
                began = clock.now
                let step = engine.respond(to: message, history: history, at: at)
                times.append(BenchCommands.seconds(began.duration(to: clock.now)) * 1e3)
                if case .handOver = step.reply { handedOver += 1 }
            }
        }
        times.sort()
        func percentile(_ p: Double) -> Double { times[min(times.count - 1, Int(Double(times.count) * p))] }
        context.console.print(
            "Answered \(times.count) messages (\(handedOver) handed over) from \(articles.count) articles.")
        BenchCommands.result("bot_build_seconds", build, "s")
        BenchCommands.result("bot_reply_p50_ms", percentile(0.5), "ms")
        BenchCommands.result("bot_reply_p99_ms", percentile(0.99), "ms")
        BenchCommands.result("bot_reply_max_ms", times.last ?? 0, "ms")
    }

    /// The demo articles and generated ones in their words, `count` in all.
    static func articles(_ count: Int) -> [KnowledgeArticle] {
        var articles = DemoKnowledgeBase.articles
        var vocabulary = Set<String>()
        for article in articles {
            let text = (article.title + " " + article.body).lowercased()
            for word in text.split(whereSeparator: { !$0.isLetter }) where word.count > 3 {
                vocabulary.insert(String(word))
            }
        }
        let words = vocabulary.sorted()
        let products = [
            "kettle", "blender", "lamp", "sofa", "mattress", "bicycle", "printer", "headphones", "jacket", "boots",
            "toaster", "desk", "chair", "camera", "phone case", "rug", "mirror", "speaker", "tent", "suitcase",
        ]
        var random = SeededRandom(seed: 9)
        var index = 0
        while articles.count < count {
            let product = products[index % products.count]
            let topic = words[Int(random.next() % UInt64(words.count))]
            let sentences = (0..<6).map { _ in
                (0..<12).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ") + "."
            }
            articles.append(
                KnowledgeArticle(
                    id: "generated-\(index)", title: "\(product.capitalized) \(topic) guide \(index)",
                    body: "How the \(product) \(topic) works. " + sentences.joined(separator: " "),
                    tags: [product, topic]))
            index += 1
        }
        return articles
    }
}
