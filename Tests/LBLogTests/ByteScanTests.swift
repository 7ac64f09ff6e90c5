import Testing
@testable import LBLog

/// The word-at-a-time scanners against byte-at-a-time references, over every start and end of buffers
/// built so that matches, digits and non-digits fall at every offset of the eight-byte words.
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

    /// What `DecimalScan.digits` must return: the digit run's length and its value, wrapping like the
    /// byte-at-a-time loop.
    static func reference(_ b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> (Int64, Int) {
        var v: Int64 = 0
        var i = from
        while i < end, b[i] >= 48, b[i] <= 57 {
            v = v &* 10 &+ Int64(b[i] - 48)
            i += 1
        }
        return (v, i - from)
    }

    @Test func digitsAgreeWithTheByteLoopForEveryRange() {
        // Digits, the bytes either side of '0'...'9' and bytes whose low nibble looks like a digit.
        let alphabet = Array("0123456789/:0123456789 -+".utf8) + [0x00, 0x2F, 0x3A, 0x40, 0x7F, 0x80, 0xB5, 0xF9, 0xFA, 0xFF]
        for seed in 1...60 {
            let buffer = Self.bytes(32, seed: UInt64(seed), from: alphabet)
            buffer.withUnsafeBufferPointer { b in
                for from in 0...b.count {
                    for end in from...b.count {
                        let got = DecimalScan.digits(b.baseAddress!, from: from, end: end)
                        let want = Self.reference(b, from: from, end: end)
                        #expect(got.value == want.0 && got.count == want.1, "\(from)..<\(end) of seed \(seed)")
                    }
                }
            }
        }
    }

    @Test(arguments: ["0", "7", "42", "200", "1234567", "12345678", "123456789", "99999999999", "9223372036854775807"])
    func digitsReadsNumbersOfEveryLength(_ text: String) {
        for suffix in ["", " ", "/5", "x", " trailing bytes after the number"] {
            let line = Array((text + suffix).utf8)
            line.withUnsafeBufferPointer { b in
                let got = DecimalScan.digits(b.baseAddress!, from: 0, end: b.count)
                #expect(got.count == text.utf8.count)
                #expect(got.value == Int64(text)!)
            }
        }
    }
}
