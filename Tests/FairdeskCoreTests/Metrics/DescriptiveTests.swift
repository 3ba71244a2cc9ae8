import Foundation
import Testing

@testable import FairdeskCore

@Suite("Averages and percentiles")
struct DescriptiveTests {
    // Expected values: NumPy `np.mean`, `np.median`, `np.percentile(v, 90)` (default method "linear").
    let handleTimes: [Double] = [12, 3, 7, 45, 20, 9, 31, 5, 60, 14]

    @Test("median, average and 90th percentile of handle times match NumPy")
    func matchNumPy() throws {
        #expect(try #require(Descriptive.mean(handleTimes)) == 20.6)
        #expect(try #require(Descriptive.median(handleTimes)) == 13)
        #expect(abs(try #require(Descriptive.percentile(handleTimes, 0.9)) - 46.5) < 1e-9)
        #expect(abs(try #require(Descriptive.percentile([300, 420, 185, 960, 240], 0.9)) - 744) < 1e-9)
        #expect(abs(try #require(Descriptive.percentile([4, 8], 0.9)) - 7.6) < 1e-12)
    }

    @Test("an odd count's median is its middle value and the ends are the minimum and maximum")
    func middleAndEnds() {
        #expect(Descriptive.median([300, 420, 185, 960, 240]) == 300)
        #expect(Descriptive.percentile(handleTimes, 0) == 3)
        #expect(Descriptive.percentile(handleTimes, 1) == 60)
        #expect(Descriptive.percentile([42], 0.9) == 42)
    }

    @Test("no values, or a percentile outside 0–1, give no figure rather than zero")
    func empty() {
        #expect(Descriptive.mean([]) == nil)
        #expect(Descriptive.median([]) == nil)
        #expect(Descriptive.percentile(handleTimes, 1.1) == nil)
    }
}
