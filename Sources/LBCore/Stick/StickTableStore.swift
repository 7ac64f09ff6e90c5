import LBConfig

/// The entries of one stick table: key → server index, each forgotten `expire` after its last use, and
/// the least recently used one evicted when the table is full (unless `nopurge`).
///
/// Every entry shares the same `expire`, so least recently used is also soonest to expire: one
/// intrusive recency list (slots in arrays, no per-entry allocation) serves both eviction and expiry.
/// Not thread-safe: the data plane keeps each table behind a lock held for one call.
public struct StickTableStore: Sendable {
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var server: Int
        /// Milliseconds (on the caller's clock) when the entry expires; nil when it never does.
        public var expiresAt: Int64?
    }

    public let capacity: Int
    public let expire: Int?
    public let noPurge: Bool
    private let keyType: StickTableDeclaration.KeyType
    private let keyLength: Int

    private var slots: [String: Int] = [:]
    private var entries: [Entry] = []
    /// Recency list over `entries` indexes: head is the most recently used.
    private var newer: [Int] = []
    private var older: [Int] = []
    private var head = -1
    private var tail = -1
    private var freeSlots: [Int] = []

    public init(_ declaration: StickTableDeclaration) {
        capacity = declaration.size
        expire = declaration.expire
        noPurge = declaration.noPurge
        keyType = declaration.type
        keyLength = declaration.keyLength
    }

    public var count: Int { slots.count }

    /// The key as the table stores it: string and binary keys are cut to the table's `len`.
    public func normalize(_ key: String) -> String {
        switch keyType {
        case .string, .binary:
            key.utf8.count <= keyLength ? key : String(decoding: key.utf8.prefix(keyLength), as: UTF8.self)
        default:
            key
        }
    }

    /// The server stored for `key`, refreshing its expiry; nil when absent or expired.
    public mutating func lookup(_ key: String, now: Int64) -> Int? {
        purgeExpired(now: now)
        guard let slot = slots[normalize(key)] else { return nil }
        touch(slot, now: now)
        return entries[slot].server
    }

    /// Remembers `key` → `server` (replacing what the key pointed at). When the table is full the
    /// least recently used entry makes room, or with `nopurge` the key is not stored.
    public mutating func store(_ key: String, server: Int, now: Int64) {
        purgeExpired(now: now)
        let key = normalize(key)
        if let slot = slots[key] {
            entries[slot].server = server
            touch(slot, now: now)
            return
        }
        if slots.count >= capacity {
            guard !noPurge, tail >= 0 else { return }
            remove(tail)
        }
        let entry = Entry(key: key, server: server, expiresAt: expire.map { now + Int64($0) })
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            entries[slot] = entry
        } else {
            slot = entries.count
            entries.append(entry)
            newer.append(-1)
            older.append(-1)
        }
        slots[key] = slot
        linkAtHead(slot)
    }

    /// Every live entry, most recently used first (for `show table`).
    public mutating func snapshot(now: Int64) -> [Entry] {
        purgeExpired(now: now)
        var result: [Entry] = []
        result.reserveCapacity(slots.count)
        var slot = head
        while slot >= 0 {
            result.append(entries[slot])
            slot = older[slot]
        }
        return result
    }

    /// Forgets every entry pointing at `server` (or all entries when nil).
    public mutating func clear(server: Int? = nil) {
        var slot = head
        while slot >= 0 {
            let next = older[slot]
            if server == nil || entries[slot].server == server { remove(slot) }
            slot = next
        }
    }

    private mutating func purgeExpired(now: Int64) {
        while tail >= 0, let expiresAt = entries[tail].expiresAt, expiresAt <= now { remove(tail) }
    }

    private mutating func touch(_ slot: Int, now: Int64) {
        entries[slot].expiresAt = expire.map { now + Int64($0) }
        guard slot != head else { return }
        unlink(slot)
        linkAtHead(slot)
    }

    private mutating func remove(_ slot: Int) {
        unlink(slot)
        slots[entries[slot].key] = nil
        entries[slot].key = ""
        freeSlots.append(slot)
    }

    private mutating func linkAtHead(_ slot: Int) {
        newer[slot] = -1
        older[slot] = head
        if head >= 0 { newer[head] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let before = newer[slot], after = older[slot]
        if before >= 0 { older[before] = after } else { head = after }
        if after >= 0 { newer[after] = before } else { tail = before }
        newer[slot] = -1
        older[slot] = -1
    }
}
