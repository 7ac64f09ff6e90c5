import LBLog

/// Maps byte strings (names, paths, addresses) to dense small integers, without building a `String` per
/// lookup: open addressing over a byte arena. One per worker thread; worker tables are reconciled by
/// name when results merge.
public struct ByteInterner: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    /// Slot → id + 1 (0 = empty). Size is a power of two, kept under 50 % full.
    private var slots: [Int32] = Array(repeating: 0, count: 64)

    public init() {}

    public var count: Int { offsets.count }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>?, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        guard let p else { return h }
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ v) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// The id of these bytes, adding them if new.
    @inline(__always)
    public mutating func intern(_ s: ByteSlice) -> Int32 {
        let h = Self.hash(s.base, s.count)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let id = Int(entry - 1)
            if hashes[id] == h, Int(lengths[id]) == s.count, equalBytes(id, s) { return Int32(id) }
            slot = (slot + 1) & mask
        }
        let id = offsets.count
        offsets.append(arena.count)
        lengths.append(Int32(s.count))
        hashes.append(h)
        if s.count > 0 { arena.append(contentsOf: s.buffer) }
        slots[slot] = Int32(id + 1)
        if offsets.count * 2 > slots.count { rehash() }
        return Int32(id)
    }

    public mutating func intern(_ text: String) -> Int32 {
        var copy = text
        return copy.withUTF8 { intern(ByteSlice(base: $0.baseAddress, count: $0.count)) }
    }

    @inline(__always)
    private func equalBytes(_ id: Int, _ s: ByteSlice) -> Bool {
        if s.count == 0 { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + offsets[id], s.base!, s.count) == 0 }
    }

    private mutating func rehash() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for id in 0..<offsets.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = Int32(id + 1)
        }
        slots = bigger
    }

    public func name(_ id: Int32) -> String {
        let start = offsets[Int(id)]
        return String(decoding: arena[start..<(start + Int(lengths[Int(id)]))], as: UTF8.self)
    }

    public var names: [String] { (0..<count).map { name(Int32($0)) } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
