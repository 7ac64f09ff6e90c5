import LBLog

/// Maps byte strings (names, paths, addresses) to dense small integers, without building a `String` per
/// lookup: open addressing over a byte arena. One per worker thread; worker tables are reconciled by
/// name when results merge.
public struct ByteInterner: Sendable {
    /// One probe reads one slot: the hash, the id and where the bytes are, so a lookup costs one cache
    /// miss for the slot and one for the bytes (it matters with 100 000 URLs).
    struct Slot: Sendable {
        var hash: UInt32 = 0
        /// id + 1; 0 = empty.
        var idPlusOne: UInt32 = 0
        var offset: UInt32 = 0
        var length: UInt32 = 0
    }

    private var arena: [UInt8] = []
    private var offsets: [UInt32] = []
    private var lengths: [UInt32] = []
    /// Size is a power of two, kept under 50 % full.
    private var slots = [Slot](repeating: Slot(), count: 64)

    public init() {}

    public var count: Int { offsets.count }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>?, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        // An empty key hashes the same with or without a base address: `ByteSlice.empty` and an empty
        // slice of a line (or of the arena, when a table grows) are the same key.
        guard let p, n > 0 else { return (h &* 0xC4CE_B9FE_1A85_EC53) ^ ((h &* 0xC4CE_B9FE_1A85_EC53) >> 29) }
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ v) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        if i < n, n >= 8 {
            // The last 1...7 bytes with one load of the last 8 (overlapping bytes already hashed),
            // shifted down: the same value as gathering them one at a time below.
            tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64(8 * (8 - (n - i)))
        } else {
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// The id of these bytes, adding them if new.
    @inline(__always)
    public mutating func intern(_ s: ByteSlice) -> Int32 {
        intern(s, hash: Self.hash(s.base, s.count))
    }

    @inline(__always)
    mutating func intern(_ s: ByteSlice, hash h: UInt64) -> Int32 {
        let tag = UInt32(truncatingIfNeeded: h >> 32)
        let length = UInt32(s.count)
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: h) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { table in
            arena.withUnsafeBufferPointer { bytes in
                while true {
                    let slot = table[index]
                    if slot.idPlusOne == 0 { return nil }
                    if slot.hash == tag, slot.length == length,
                       length == 0 || Self.same(UnsafeRawPointer(bytes.baseAddress! + Int(slot.offset)), UnsafeRawPointer(s.base!), s.count) {
                        return Int32(slot.idPlusOne - 1)
                    }
                    index = (index + 1) & mask
                }
            }
        }
        if let found { return found }
        let id = offsets.count
        let offset = UInt32(arena.count)
        offsets.append(offset)
        lengths.append(length)
        if s.count > 0 { arena.append(contentsOf: s.buffer) }
        slots[index] = Slot(hash: tag, idPlusOne: UInt32(id + 1), offset: offset, length: length)
        if offsets.count * 2 > slots.count { rehash() }
        return Int32(id)
    }

    public mutating func intern(_ text: String) -> Int32 {
        var copy = text
        return copy.withUTF8 { intern(ByteSlice(base: $0.baseAddress, count: $0.count)) }
    }

    private mutating func rehash() {
        var bigger = [Slot](repeating: Slot(), count: slots.count * 2)
        let mask = bigger.count - 1
        arena.withUnsafeBufferPointer { bytes in
            for slot in slots where slot.idPlusOne != 0 {
                let h = Self.hash(bytes.baseAddress.map { $0 + Int(slot.offset) }, Int(slot.length))
                var index = Int(truncatingIfNeeded: h) & mask
                while bigger[index].idPlusOne != 0 { index = (index + 1) & mask }
                bigger[index] = slot
            }
        }
        slots = bigger
    }

    public func name(_ id: Int32) -> String {
        let start = Int(offsets[Int(id)])
        return String(decoding: arena[start..<(start + Int(lengths[Int(id)]))], as: UTF8.self)
    }

    public var names: [String] { (0..<count).map { name(Int32($0)) } }

    /// Byte equality without a libc call: names and paths are short.
    @inline(__always)
    static func same(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        if i < n, n >= 8 {
            // The rest within the last 8 bytes, compared in one load each.
            return a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
