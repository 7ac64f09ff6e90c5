import Testing
@testable import LBConfig

/// "Did you mean" suggestions: the banded edit distance agrees with the full one, and the cost of a
/// suggestion does not grow with the length of the word or, past a budget, with the number of names.
@Suite struct SpellingTests {
    /// Levenshtein distance with the whole table, to compare against.
    static func reference(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        var table = (0...a.count).map { i in (0...b.count).map { j in i == 0 ? j : j == 0 ? i : 0 } }
        for i in a.indices.map({ $0 + 1 }) {
            for j in b.indices.map({ $0 + 1 }) {
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
        }
        return table[a.count][b.count]
    }

    static let words = ["", "a", "ab", "ba", "abc", "maxconn", "maxcon", "mxacon", "maxconns", "nbthread", "kitten",
                        "sitting", "timeout", "timeuot", "balance", "blanace", "aaaa", "aaab", "baaa", "abab", "é", "ée"]

    @Test(arguments: [0, 1, 2, 3])
    func bandedDistanceAgreesWithTheFullTable(limit: Int) {
        for lhs in Self.words {
            for rhs in Self.words {
                let distance = Self.reference(lhs, rhs)
                #expect(Spelling.editDistance(Array(lhs), Array(rhs), limit: limit) == (distance <= limit ? distance : nil),
                        "\(lhs) / \(rhs)")
            }
        }
    }

    @Test func unboundedDistance() {
        #expect(Spelling.editDistance("kitten", "sitting") == 3)
        #expect(Spelling.editDistance("", "abc") == 3)
        #expect(Spelling.editDistance("abcdef", "ghijkl") == 6)
    }

    @Test(arguments: [
        (LongText("maxcon"), "maxconn"),
        (LongText("mxaconn"), "maxconn"),
        (LongText("nbthraed"), "nbthread"),
        (LongText("maxconnxxx"), nil),
        (LongText("m"), nil),
        (LongText(String(repeating: "x", count: 1 << 20)), nil),
        (LongText("maxconn" + String(repeating: "x", count: 1 << 20)), nil),
    ] as [(LongText, String?)])
    func suggestion(word: LongText, expected: String?) {
        #expect(Spelling.suggestion(for: word.text, among: ["maxconn", "nbthread", "log"]) == expected)
    }

    @Test func theCloserCandidateWins() {
        #expect(Spelling.suggestion(for: "timeot", among: ["timer", "timeout"]) == "timeout")
        #expect(Spelling.suggestion(for: "log", among: ["loggg", "logs", "log"]) == "log")
    }

    @Test func nameHintsStopOnceTheBudgetIsSpent() {
        var context = ParseContext(environment: [:], isRoot: false)
        context.nameComparisonsLeft = 5
        #expect(context.nameHint(for: "bakend", among: ["backend", "api"]) == "did you mean 'backend'?")
        #expect(context.nameComparisonsLeft == 3)
        #expect(context.nameHint(for: "bakend", among: ["backend", "api", "web", "static"]) == nil)
        #expect(context.nameHint(for: "ap", among: ["api", "web", "static"]) == "did you mean 'api'?")
        #expect(context.nameComparisonsLeft == 0)
    }
}
