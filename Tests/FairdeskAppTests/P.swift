import Testing
import VaporTesting
import Yams

@testable import FairdeskApp

@Test func placeholder2() { #expect(true) }
