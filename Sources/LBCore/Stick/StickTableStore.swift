import LBConfig

/// The entries of one stick table: key → server index and counters, each forgotten `expire` after its
/// last use, and the least recently used one evicted when the table is full (unless `nopurge`).
///
/// Every entry shares the same `expire`, so least recently used is also soonest to expire: one
/// intrusive recency list (slots in arrays, no per-entry allocation) serves both eviction and expiry.
/// An entry a tracker holds (`use` > 0) is neither evicted nor expired: its expiry is pushed back instead,
/// as HAProxy keeps referenced entries. Trackers address an entry by `StickReference` (slot and
/// generation), so a request's updates cost no key hashing.
/// Not thread-safe: the data plane keeps each table behind a lock held for one call.
public struct StickTableStore: Sendable {
    public struct Entry: Sendable, Hashable {
        public var key: String
        /// The server index stored by `stick` rules; -1 when none (an entry created by tracking).
        public var server: Int
        /// Milliseconds (on the caller's clock) when the entry expires; nil when it never does.
        public var expiresAt: Int64?
        public var counters = StickCounters()
        /// How many trackers hold the entry.
        public var uses = 0
        /// The local change that last touched the entry (0: none, or the table is not shared with peers).
        public var updateID: UInt64 = 0
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
    /// Bumped each time a slot is freed, so a stale `StickReference` finds nothing.
    private var generations: [UInt32] = []
    /// The counters this table keeps.
    public let stored: StickStoredData
    /// Set when a `peers` section shares the table: local changes are then numbered and logged for the
    /// peers to push. Unset, a change costs one test of this flag.
    public private(set) var sharedWithPeers = false
    /// The number of the last local change.
    public private(set) var localUpdate: UInt64 = 0
    /// Local changes in order; an item is stale when its entry changed again later or went away.
    private var journal: [(id: UInt64, slot: Int, generation: UInt32)] = []

    public init(_ declaration: StickTableDeclaration) {
        stored = declaration.stored
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
            changed(slot)
            return
        }
        if let slot = insert(key, server: server, now: now) { changed(slot) }
    }

    /// Starts a tracker on `key`, creating the entry when absent: counts the connection (conn_cur,
    /// conn_cnt, conn_rate) and returns the reference later updates use. Nil when the table is full of
    /// entries in use, or full with `nopurge`.
    public mutating func track(_ key: String, now: Int64) -> StickReference? {
        purgeExpired(now: now)
        let key = normalize(key)
        let slot: Int
        if let existing = slots[key] {
            slot = existing
            touch(slot, now: now)
        } else {
            guard let created = insert(key, server: -1, now: now) else { return nil }
            slot = created
        }
        entries[slot].uses += 1
        entries[slot].counters.startTracking(stored, now: now)
        changed(slot)
        return StickReference(slot: slot, generation: generations[slot])
    }

    /// Lets go of a tracker: one current connection less, and the entry's expiry starts again from now.
    public mutating func release(_ reference: StickReference, now: Int64) {
        guard isLive(reference) else { return }
        let slot = reference.slot
        entries[slot].uses = max(0, entries[slot].uses - 1)
        entries[slot].counters.stopTracking()
        touch(slot, now: now)
        changed(slot)
    }

    /// Runs `body` on the counters of a tracked entry; nil when the entry is gone. `changes`: whether
    /// `body` may change them (the peers are then told).
    public mutating func update<Result>(_ reference: StickReference, changes: Bool = true,
                                        _ body: (inout StickCounters, StickStoredData) -> Result) -> Result? {
        guard isLive(reference) else { return nil }
        defer { if changes { changed(reference.slot) } }
        return body(&entries[reference.slot].counters, stored)
    }

    /// The key of a tracked entry (for fetches that name another table).
    public func key(of reference: StickReference) -> String? {
        isLive(reference) ? entries[reference.slot].key : nil
    }

    /// Runs `body` on the counters of `key`'s entry, creating it when `create` is set (`src_inc_gpc0`
    /// makes the entry it counts in); nil when absent.
    public mutating func withCounters<Result>(_ key: String, now: Int64, create: Bool = false,
                                              _ body: (inout StickCounters, StickStoredData) -> Result) -> Result? {
        purgeExpired(now: now)
        let key = normalize(key)
        var slot = slots[key]
        if slot == nil, create { slot = insert(key, server: -1, now: now) }
        guard let slot else { return nil }
        touch(slot, now: now)
        defer { changed(slot) }
        return body(&entries[slot].counters, stored)
    }

    /// The counters of `key`'s entry without touching it (nil when absent): reads refresh nothing.
    public mutating func counters(of key: String, now: Int64) -> StickCounters? {
        purgeExpired(now: now)
        return slots[normalize(key)].map { entries[$0].counters }
    }

    /// Forgets `key`'s entry unless a tracker holds it. True when it was removed.
    @discardableResult
    public mutating func remove(key: String) -> Bool {
        guard let slot = slots[normalize(key)], entries[slot].uses == 0 else { return false }
        remove(slot)
        return true
    }

    /// How many trackers hold the entry.
    public func usesOf(_ reference: StickReference) -> Int {
        isLive(reference) ? entries[reference.slot].uses : 0
    }

    public func uses(ofKey key: String) -> Int {
        slots[normalize(key)].map { entries[$0].uses } ?? 0
    }

    // MARK: Peers

    /// Starts numbering local changes for the peers that share the table.
    public mutating func shareWithPeers() { sharedWithPeers = true }

    /// The entries changed locally after change `after`, oldest change first, at most `limit`.
    public func localChanges(after: UInt64, limit: Int) -> [Entry] {
        guard after < localUpdate else { return [] }
        var low = 0, high = journal.count
        while low < high {
            let middle = (low + high) / 2
            if journal[middle].id <= after { low = middle + 1 } else { high = middle }
        }
        var result: [Entry] = []
        for item in journal[low...] {
            guard result.count < limit else { break }
            guard generations[item.slot] == item.generation, entries[item.slot].updateID == item.id,
                  !entries[item.slot].key.isEmpty else { continue }
            result.append(entries[item.slot])
        }
        return result
    }

    /// Stores what a peer sent for `key`: the entry is created if needed and `body` sets its server and
    /// counters. It lives `expire` milliseconds (the table's when nil). Not a local change: it is not
    /// pushed back.
    public mutating func applyRemote(_ key: String, expire: Int?, now: Int64, _ body: (inout Entry) -> Void) {
        purgeExpired(now: now)
        let key = normalize(key)
        guard let slot = slots[key] ?? insert(key, server: -1, now: now) else { return }
        touch(slot, now: now)
        body(&entries[slot])
        if let expire { entries[slot].expiresAt = now + Int64(expire) }
    }

    private mutating func changed(_ slot: Int) {
        guard sharedWithPeers else { return }
        localUpdate += 1
        entries[slot].updateID = localUpdate
        journal.append((localUpdate, slot, generations[slot]))
        if journal.count > 2 * slots.count + 1024 {
            let generations = self.generations, entries = self.entries
            journal.removeAll { generations[$0.slot] != $0.generation || entries[$0.slot].updateID != $0.id }
        }
    }

    private func isLive(_ reference: StickReference) -> Bool {
        reference.slot < generations.count && generations[reference.slot] == reference.generation
            && !entries[reference.slot].key.isEmpty
    }

    /// Stores a new entry at the head, evicting the least recently used entry no tracker holds when the
    /// table is full. Nil when nothing can make room.
    @discardableResult
    private mutating func insert(_ key: String, server: Int, now: Int64) -> Int? {
        if slots.count >= capacity {
            guard !noPurge else { return nil }
            var victim = tail
            while victim >= 0, entries[victim].uses > 0 { victim = newer[victim] }
            guard victim >= 0 else { return nil }
            remove(victim)
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
            generations.append(0)
        }
        slots[key] = slot
        linkAtHead(slot)
        return slot
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

    /// Forgets every entry pointing at `server` (or all entries when nil), except those trackers hold.
    public mutating func clear(server: Int? = nil) {
        var slot = head
        while slot >= 0 {
            let next = older[slot]
            if (server == nil || entries[slot].server == server), entries[slot].uses == 0 { remove(slot) }
            slot = next
        }
    }

    private mutating func purgeExpired(now: Int64) {
        // A held entry lives on: it moves to the head with a fresh expiry. The budget ends the walk when
        // every entry is held (with `expire 0`, touching would not move the date forward).
        var heldBudget = slots.count
        while tail >= 0, let expiresAt = entries[tail].expiresAt, expiresAt <= now {
            guard entries[tail].uses > 0 else { remove(tail); continue }
            guard heldBudget > 0 else { return }
            heldBudget -= 1
            touch(tail, now: now)
        }
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
        entries[slot].counters = StickCounters()
        entries[slot].uses = 0
        generations[slot] &+= 1
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
