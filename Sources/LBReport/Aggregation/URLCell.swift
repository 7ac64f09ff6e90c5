/// Everything the report keeps about one URL, in one 64-byte cache line: counters, the maximum, the key
/// (inline up to 24 bytes) and the Ta distribution. Most URLs of a real log are seen a handful of times,
/// so their distribution is just the list of their bucket indexes (up to 12, in the cell); a URL seen
/// more often moves to a dense block of 128 16-bit counters outside the cell (`URLTable.dense`).
/// Buckets are `LogHistogram` precision 3 (exact to 15 ms, then 8 per octave), the last one open-ended.
struct URLCell {
    /// High half of the key's hash (the low half picks the slot).
    var tag: UInt32 = 0
    /// Key length, saturated at `UInt16.max` (then `key.1` has the true length).
    var keyLength: UInt16 = 0
    var state: State = .empty
    /// Values in `list` while `state == .list`.
    var listCount: UInt8 = 0
    /// Σ Ta over requests that have one.
    var totalTime: UInt64 = 0
    var requests: UInt32 = 0
    var errors: UInt32 = 0
    /// Largest Ta, -1 = none.
    var maximum: Int32 = -1
    /// `.list`: up to 12 bucket indexes, one byte each. `.dense`: `list.0` is the dense block.
    var list: (UInt32, UInt32, UInt32) = (0, 0, 0)
    /// The key's bytes when they fit (zero-padded); else `(arena offset, full length, 0)`.
    var key: (UInt64, UInt64, UInt64) = (0, 0, 0)

    enum State: UInt8 {
        case empty = 0, list, dense
    }

    static let listCapacity = 12
    /// Where `key` starts (checked when a table is allocated).
    static let keyOffset = 40
    static let inlineKeyCapacity = 24
    /// Dense blocks: this many 16-bit counters each.
    static let buckets = 128
    static let precision = 3

    @inline(__always)
    static func bucket(_ value: Int) -> Int {
        Swift.min(LogHistogram.index(of: value, precisionBits: precision), buckets - 1)
    }

    var isInline: Bool { Int(keyLength) <= Self.inlineKeyCapacity }

    @inline(__always)
    func listBucket(_ k: Int) -> Int {
        withUnsafeBytes(of: list) { Int($0[k]) }
    }

    @inline(__always)
    mutating func appendToList(_ bucket: Int) {
        let k = Int(listCount)
        withUnsafeMutableBytes(of: &list) { $0[k] = UInt8(truncatingIfNeeded: bucket) }
        listCount += 1
    }

    var denseBlock: Int { Int(list.0) }
}
