import Testing
@testable import LBLog

/// The word-at-a-time scanner against a byte-at-a-time reference, over every start and end of buffers
/// built so that matches fall at every offset of the eight-byte words and of the last, overlapping one.
struct ByteScanTests {
    /// Deterministic pseudo-random bytes drawn from `alphabet`.
    static func bytes(_ count: Int, seed: UInt64, from alphabet: [UInt8]) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return alphabet[Int(state % UInt64(alphabet.count))]
        }
    }

    @Test func findMatchesTheFirstOccurrenceForEveryRange() {
        let alphabet = Array("ab \"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 12)
        for seed in 1...40 {
            let buffer = Self.bytes(40, seed: UInt64(seed), from: alphabet)
            buffer.withUnsafeBufferPointer { b in
                let p = b.baseAddress!
                for from in 0...b.count {
                    for end in from...b.count {
                        let expectedSpace = (from..<end).first { b[$0] == UInt8(ascii: " ") } ?? end
                        #expect(ByteScan.find(UInt8(ascii: " "), p, from: from, end: end) == expectedSpace,
                                "space in \(from)..<\(end) of seed \(seed)")
                        let expectedEither = (from..<end).first { b[$0] == UInt8(ascii: "a") || b[$0] == UInt8(ascii: "\"") } ?? end
                        #expect(ByteScan.find(UInt8(ascii: "a"), or: UInt8(ascii: "\""), p, from: from, end: end) == expectedEither,
                                "a or quote in \(from)..<\(end) of seed \(seed)")
                    }
                }
            }
        }
    }
}
