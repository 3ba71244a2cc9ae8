import Testing

@testable import FairdeskCore

@Suite("Text differences")
struct TextDiffTests {
    @Test("unchanged lines once, and a changed line as its removal before its replacement, in reading order")
    func readingOrder() {
        let old = "Scan every parcel.\nPhoto at the door.\nCall if nobody answers."
        let new = "Scan every parcel.\nPhoto at the door, showing the number.\nCall if nobody answers.\nWait 5 minutes."
        #expect(
            TextDiff.lines(from: old, to: new) == [
                .same("Scan every parcel."),
                .removed("Photo at the door."),
                .added("Photo at the door, showing the number."),
                .same("Call if nobody answers."),
                .added("Wait 5 minutes."),
            ])
    }

    @Test("lines removed at the start and added at the end; identical texts are all the same")
    func edges() {
        #expect(TextDiff.lines(from: "a\nb\nc", to: "b\nc\nd") == [.removed("a"), .same("b"), .same("c"), .added("d")])
        #expect(TextDiff.lines(from: "a\nb\n", to: "a\nb") == [.same("a"), .same("b")])
        #expect(TextDiff.lines(from: "", to: "a") == [.added("a")])
        #expect(TextDiff.lines(from: "a", to: "") == [.removed("a")])
        #expect(TextDiff.lines(from: "", to: "").isEmpty)
    }

    @Test("several lines replaced together: all removals first, then all additions")
    func block() {
        #expect(
            TextDiff.lines(from: "keep\nold 1\nold 2\nend", to: "keep\nnew 1\nnew 2\nend") == [
                .same("keep"), .removed("old 1"), .removed("old 2"), .added("new 1"), .added("new 2"), .same("end"),
            ])
    }
}
