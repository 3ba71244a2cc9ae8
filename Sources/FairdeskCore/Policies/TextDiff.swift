import Foundation

/// Line-by-line difference between two texts, for comparing a clause across versions.
public enum TextDiff {
    /// One line of the comparison: kept, added in the new text, or removed from the old.
    public enum Line: Sendable, Equatable {
        /// In both texts.
        case same(String)
        /// Only in the new text.
        case added(String)
        /// Only in the old text.
        case removed(String)
    }

    /// The lines of both texts in reading order: unchanged lines once, and where lines changed, the
    /// removed ones before the added ones that took their place. An empty text has no lines, and a
    /// final line break does not make an empty last line.
    public static func lines(from old: String, to new: String) -> [Line] {
        let oldLines = split(old)
        let newLines = split(new)
        let difference = newLines.difference(from: oldLines)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var result: [Line] = []
        var oldIndex = 0
        var newIndex = 0
        while oldIndex < oldLines.count || newIndex < newLines.count {
            if oldIndex < oldLines.count, removed.contains(oldIndex) {
                result.append(.removed(oldLines[oldIndex]))
                oldIndex += 1
            } else if newIndex < newLines.count, inserted.contains(newIndex) {
                result.append(.added(newLines[newIndex]))
                newIndex += 1
            } else if oldIndex < oldLines.count, newIndex < newLines.count {
                // Neither removed nor inserted: the same line, kept in both.
                result.append(.same(newLines[newIndex]))
                oldIndex += 1
                newIndex += 1
            } else {
                break
            }
        }
        return result
    }

    private static func split(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        if lines.count > 1, lines.last == "" { lines.removeLast() }
        return lines
    }
}
