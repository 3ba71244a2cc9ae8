import Foundation
import Testing

@testable import FairdeskCore

@Suite("Empirical-Bayes shrinkage")
struct BetaBinomialPriorTests {
    func counts(_ pairs: [(Int, Int)]) -> [Proportion] { pairs.map { Proportion(successes: $0.0, trials: $0.1)! } }

    let team = [(45, 50), (70, 100), (18, 30), (160, 200), (8, 12), (27, 40)]

    // Expected prior: NumPy, written apart from the Swift code: P = Σk/Σn, S = Σ n(k/n − P)²,
    // rho = (S/(P(1−P)) − (m−1)) / (N − Σn²/N − (m−1)), strength = 1/rho − 1. The same Python formula
    // recovered rho = 0.0904 from 20,000 simulated agents drawn from Beta(8, 2) (true rho 1/11 = 0.0909).
    @Test("the prior fitted from a team whose agents really differ matches the method of moments")
    func methodOfMoments() throws {
        let prior = try #require(BetaBinomialPrior.fit(team: counts(team)))
        #expect(prior.method == .methodOfMoments)
        #expect(abs(prior.alpha - 21.021653666574476) < 1e-9)
        #expect(abs(prior.beta - 6.665402382084588) < 1e-9)
        #expect(abs(prior.strength - 27.687056048659063) < 1e-9)
        #expect(prior.explanation.contains("6 agents"))
    }

    // Expected: scipy `beta(k + a, n − k + b)`, `.mean()`, `.ppf(0.025)`, `.ppf(0.975)` with a, b above.
    @Test(
        "each agent's shrunk rate and 95% credible interval match scipy's beta posterior",
        arguments: [
            (45, 50, 0.8498411064157457, 0.7629573055736825, 0.9197179138634353),
            (70, 100, 0.7128494969128891, 0.6317009481350818, 0.7876832402965719),
            (18, 30, 0.6764369052506284, 0.5515029326527232, 0.7897832787178083),
            (8, 12, 0.7312624456445429, 0.5850952849491369, 0.8553800958196974),
        ])
    func posterior(successes: Int, trials: Int, mean: Double, lower: Double, upper: Double) throws {
        let prior = try #require(BetaBinomialPrior.fit(team: counts(team)))
        let shrunk = prior.shrink(Proportion(successes: successes, trials: trials)!, confidence: 0.95)
        #expect(abs(shrunk.estimate - mean) < 1e-9)
        let interval = try #require(shrunk.interval)
        #expect(abs(interval.lower - lower) < 1e-7)
        #expect(abs(interval.upper - upper) < 1e-7)
    }

    @Test("few responses move an agent less than many: 8 of 12 ends nearer the team than 70 of 100")
    func fewResponsesShrinkMore() throws {
        let prior = try #require(BetaBinomialPrior.fit(team: counts(team)))
        let small = prior.shrink(Proportion(successes: 8, trials: 12)!)
        let large = prior.shrink(Proportion(successes: 70, trials: 100)!)
        // Raw 66.7% and 70.0%; the team is 75.9%. Shrinkage moves the small sample further.
        #expect(small.estimate - 8.0 / 12 > large.estimate - 0.7)
    }

    // Expected: with equal n the estimator must reduce to the textbook rho = (n·s²/(p(1−p)) − 1)/(n − 1),
    // s² the sample variance (ddof=1) of the rates; NumPy gave these from that form.
    @Test("with equal sample sizes the fit is the textbook method of moments")
    func equalSizes() throws {
        let prior = try #require(
            BetaBinomialPrior.fit(team: counts([(12, 20), (18, 20), (15, 20), (19, 20), (10, 20)])))
        #expect(prior.method == .methodOfMoments)
        #expect(abs(prior.strength - 5.737191301142645) < 1e-9)
        #expect(abs(prior.alpha - 4.245521562845558) < 1e-9)
        #expect(abs(prior.beta - 1.4916697382970878) < 1e-9)
    }

    // Expected: fallback Beta(K + ½, N − K + ½) = Beta(144.5, 36.5); posterior of 8 of 10 from scipy
    // `beta(152.5, 38.5)`: mean 152.5/191, ppf(0.025), ppf(0.975).
    @Test("when agents differ no more than chance, everyone is pulled firmly to the team rate")
    func fallbackWhenNoRealSpread() throws {
        let prior = try #require(BetaBinomialPrior.fit(team: counts([(40, 50), (80, 100), (24, 30)])))
        #expect(prior.method == .pooledFallback)
        #expect(prior.alpha == 144.5)
        #expect(prior.beta == 36.5)
        #expect(prior.explanation.contains("no more than chance"))
        let shrunk = prior.shrink(Proportion(successes: 8, trials: 10)!)
        #expect(abs(shrunk.estimate - 0.7984293193717278) < 1e-12)
        #expect(abs(shrunk.interval!.lower - 0.7388462052635512) < 1e-7)
        #expect(abs(shrunk.interval!.upper - 0.8520962503583984) < 1e-7)
    }

    @Test("a unanimous team or a single agent still gets a usable prior, never a degenerate one")
    func degenerateTeams() throws {
        let unanimous = try #require(BetaBinomialPrior.fit(team: counts([(20, 20), (35, 35)])))
        #expect(unanimous.method == .pooledFallback)
        #expect(unanimous.beta == 0.5)
        #expect(unanimous.explanation.hasPrefix("Every response in the team was the same"))
        let alone = try #require(BetaBinomialPrior.fit(team: counts([(15, 20), (0, 0)])))
        #expect(alone.method == .pooledFallback)
        #expect(alone.explanation.hasPrefix("Fewer than two agents"))
        #expect(BetaBinomialPrior.fit(team: counts([(0, 0)])) == nil)
        #expect(BetaBinomialPrior.fit(team: []) == nil)
    }
}
