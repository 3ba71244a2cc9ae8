import Foundation

/// The published articles, indexed for BM25 ranking: built once when articles change, read by every
/// bot reply.
///
/// Title and tag words count more than body words (a weighted term frequency, as BM25F does), so an
/// article is found by what it is about rather than by what it mentions in passing. Search touches only
/// the articles that share a term with the question, which keeps a reply fast with 10,000 articles.
public struct KnowledgeIndex: Sendable {
    /// One ranked article.
    public struct Match: Sendable, Equatable {
        public var article: KnowledgeArticle
        /// The BM25 score: unbounded, comparable only within one question.
        public var score: Double
        /// The share of the question's meaning (weighted by how rare each term is) the article contains, 0…1.
        public var coverage: Double
        /// How specific the shared terms are, 0…1: two rare words shared give 1, one common word ("parcel")
        /// little. A question that shares only a common word with every article is not answered by any.
        public var specificity: Double
        /// Whether the question shares a word with the article's title or tags, what the article is
        /// about, rather than only with its body ("France" in a list of countries).
        public var topical: Bool
    }

    /// A term of a question with how much it counts (terms carried over from an earlier message count less).
    public struct QueryTerm: Sendable, Equatable {
        public var term: String
        public var weight: Double
        public init(_ term: String, weight: Double = 1) {
            self.term = term
            self.weight = weight
        }
    }

    public let articles: [KnowledgeArticle]
    /// Every folded word of the articles, so the speller knows which words are real.
    public let vocabulary: Set<String>
    private let termIDs: [String: Int]
    private let postings: [[(document: Int, frequency: Double)]]
    /// Each article's BM25 length term, k1 · (1 − b + b · length / average length), worked out once.
    private let lengthNorms: [Double]
    /// Each article's title and tag terms.
    private let topicTerms: [Set<Int>]
    private let idf: [Double]
    /// What an unseen term counts for in coverage: a rare word the articles do not explain.
    private let unknownIDF: Double
    /// The weight of a term only one article has.
    private let rareIDF: Double

    static let k1 = 1.2
    static let b = 0.75
    static let titleWeight = 3.0
    static let tagWeight = 2.0

    /// Indexes the published articles of `articles`.
    public init(articles: [KnowledgeArticle]) {
        let published = articles.filter(\.published)
        self.articles = published
        var termIDs: [String: Int] = [:]
        var postings: [[(document: Int, frequency: Double)]] = []
        var lengths: [Double] = []
        var topicTerms: [Set<Int>] = []
        var vocabulary = Set<String>()
        for (document, article) in published.enumerated() {
            var frequencies: [Int: Double] = [:]
            var topic = Set<Int>()
            var length = 0.0
            func add(_ text: String, weight: Double, isTopic: Bool = false) {
                let words = BotText.words(text)
                vocabulary.formUnion(words)
                for term in BotText.terms(ofWords: words) where !KnowledgeIndex.isStopTerm(term) {
                    let id: Int
                    if let known = termIDs[term] {
                        id = known
                    } else {
                        id = postings.count
                        termIDs[term] = id
                        postings.append([])
                    }
                    frequencies[id, default: 0] += weight
                    length += weight
                    if isTopic { topic.insert(id) }
                }
            }
            add(article.title, weight: Self.titleWeight, isTopic: true)
            for tag in article.tags { add(tag, weight: Self.tagWeight, isTopic: true) }
            // A human-only article's body is written for agents ("lock the account"); its title and
            // tags name the topic, and that is all the bot needs to recognise it.
            if !article.humanOnly { add(article.body, weight: 1) }
            for (id, frequency) in frequencies.sorted(by: { $0.key < $1.key }) {
                postings[id].append((document, frequency))
            }
            lengths.append(max(length, 1))
            topicTerms.append(topic)
        }
        let count = Double(published.count)
        self.termIDs = termIDs
        self.postings = postings
        let averageLength = lengths.isEmpty ? 1 : lengths.reduce(0, +) / count
        self.lengthNorms = lengths.map { Self.k1 * (1 - Self.b + Self.b * $0 / averageLength) }
        self.topicTerms = topicTerms
        self.idf = postings.map { Self.inverseFrequency(documents: count, containing: Double($0.count)) }
        self.rareIDF = Self.inverseFrequency(documents: max(count, 2), containing: 1)
        self.unknownIDF = 0.5 * rareIDF
        self.vocabulary = vocabulary
    }

    /// Whether a posting list (sorted by document) holds `document`.
    private func contains(_ list: [(document: Int, frequency: Double)], _ document: Int) -> Bool {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].document < document { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low].document == document
    }

    static func inverseFrequency(documents: Double, containing: Double) -> Double {
        log(1 + (documents - containing + 0.5) / (containing + 0.5))
    }

    /// Whether a term is too common in any text to rank by.
    static func isStopTerm(_ term: String) -> Bool {
        stopTerms.contains(term)
    }

    static let stopTerms: Set<String> = Set(BotText.stopwords.map(BotText.term))

    /// The terms of a question worth searching for: its terms without stopwords, each once.
    public static func queryTerms(_ terms: [String], weight: Double = 1) -> [QueryTerm] {
        var seen = Set<String>()
        var result: [QueryTerm] = []
        for term in terms where !isStopTerm(term) && term != OrderNumbers.placeholder && seen.insert(term).inserted {
            if term.allSatisfy(\.isNumber) { continue }
            result.append(QueryTerm(term, weight: weight))
        }
        return result
    }

    /// The best `limit` articles for a question, best first; empty when no article shares a term with it.
    public func search(_ query: [QueryTerm], limit: Int = 3) -> [Match] {
        guard !articles.isEmpty, !query.isEmpty else { return [] }
        var scores = [Double](repeating: 0, count: articles.count)
        var touched: [Int] = []
        var known: [(id: Int, weight: Double)] = []
        var total = 0.0
        for item in query {
            guard let id = termIDs[item.term] else {
                total += item.weight * unknownIDF
                continue
            }
            known.append((id, item.weight))
            total += item.weight * idf[id]
            let factor = item.weight * idf[id] * (Self.k1 + 1)
            for posting in postings[id] {
                let tf = posting.frequency
                if scores[posting.document] == 0 { touched.append(posting.document) }
                scores[posting.document] += factor * tf / (tf + lengthNorms[posting.document])
            }
        }
        guard !touched.isEmpty else { return [] }
        // The best few by a single pass; ties go to the earlier article, so answers do not change between runs.
        var ranked: [(document: Int, score: Double)] = []
        for document in touched {
            let score = scores[document]
            if ranked.count == limit, let last = ranked.last,
                score < last.score || (score == last.score && document > last.document)
            {
                continue
            }
            let position =
                ranked.firstIndex { score > $0.score || (score == $0.score && document < $0.document) } ?? ranked.count
            ranked.insert((document, score), at: position)
            if ranked.count > limit { ranked.removeLast() }
        }
        return ranked.map { document, score in
            var covered = 0.0
            for (id, weight) in known where contains(postings[id], document) {
                covered += weight * idf[id]
            }
            return Match(
                article: articles[document], score: score, coverage: total > 0 ? covered / total : 0,
                specificity: min(1, covered / (1.5 * rareIDF)),
                topical: known.contains { topicTerms[document].contains($0.id) })
        }
    }
}
