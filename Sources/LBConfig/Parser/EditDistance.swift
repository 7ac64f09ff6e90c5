/// Suggestions for misspelt keywords: the closest candidate within an edit distance of 2.
///
/// A word can be as long as its line (a mangled 1 MB token), so no step here costs more than the
/// candidates' length: the word is read only as far as the longest candidate plus the distance, and the
/// distance itself is computed in a band of width 2 around the diagonal.
enum Spelling {
    static let maximumDistance = 2

    static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        let candidates = candidates.map { ($0, Array($0)) }
        guard let longest = candidates.map(\.1.count).max() else { return nil }
        let target = Array(word.prefix(longest + maximumDistance + 1))
        guard target.count <= longest + maximumDistance else { return nil }
        var best: (String, Int)?
        for (candidate, characters) in candidates {
            let limit = min(maximumDistance, (best?.1 ?? Int.max) - 1)
            guard limit >= 0 else { break }
            if let distance = editDistance(target, characters, limit: limit) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// A hint sentence for `suggestion(for:among:)`, or nil.
    static func hint(for word: String, among candidates: some Sequence<String>) -> String? {
        suggestion(for: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        return editDistance(a, b, limit: max(a.count, b.count)) ?? max(a.count, b.count)
    }

    /// Levenshtein distance when it is at most `limit`, nil otherwise. Only cells within `limit` of the
    /// diagonal can hold such a distance, so the cost is O(a.count × limit) rather than O(a.count × b.count).
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int? {
        guard abs(a.count - b.count) <= limit else { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let over = limit + 1
        // Cells outside the band stay at `over`: each row's band ends one column further right than the
        // previous row's, so the column just past it was never written.
        var previous = (0...b.count).map { min($0, over) }
        var current = Array(repeating: over, count: b.count + 1)
        for i in 1...a.count {
            let low = max(1, i - limit), high = min(b.count, i + limit)
            current[0] = min(i, over)
            current[low - 1] = low == 1 ? current[0] : over
            var rowMinimum = low == 1 ? current[0] : over
            for j in low...high {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost, over)
                rowMinimum = min(rowMinimum, current[j])
            }
            guard rowMinimum <= limit else { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }
}
