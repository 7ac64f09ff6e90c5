/// Deadlines filed by tick in a ring of slots, one slot per tick (a hashed timing wheel): filing and
/// taking out an entry are O(1) whatever the number of entries, and finding the next tick that holds
/// one is a scan of a bitmap of occupied slots.
///
/// Every entry lies in the ticks after `processedThrough` and at most `slotCount` of them ahead, so a
/// slot names exactly one tick. A tick further ahead is filed at the last tick the wheel covers, and
/// comes out there (`LoopTimers` files it again until its deadline).
///
/// Pure bookkeeping: ticks are numbers, the caller reads the clock (`LoopTimers`).
struct TimerWheel {
    let slotCount: Int
    private let mask: Int
    private var slots: [[any TimerWheelEntry]]
    private var occupied: [UInt64]
    /// Entries filed and not yet taken out.
    private(set) var count = 0
    /// The last tick whose entries were handed out; entries are filed after it.
    private(set) var processedThrough: UInt64

    /// A wheel of `slotCount` ticks (a power of two, at least 64) whose ticks up to `tick` are past.
    init(slotCount: Int = 4096, processedThrough tick: UInt64) {
        precondition(slotCount >= 64 && slotCount & (slotCount - 1) == 0, "slotCount must be a power of two, at least 64")
        self.slotCount = slotCount
        self.mask = slotCount - 1
        self.slots = Array(repeating: [], count: slotCount)
        self.occupied = Array(repeating: 0, count: slotCount / 64)
        self.processedThrough = tick
    }

    /// Moves an empty wheel's present to `tick`, so that a deadline after a long quiet spell is filed
    /// where it belongs rather than at the end of the old reach.
    mutating func restart(at tick: UInt64) {
        precondition(count == 0, "only an empty wheel can be moved")
        processedThrough = max(processedThrough, tick)
    }

    /// Files `entry` under `tick`, or the nearest tick the wheel covers, and returns the tick used.
    @discardableResult
    mutating func insert(_ entry: any TimerWheelEntry, at tick: UInt64) -> UInt64 {
        precondition(!entry.wheelPosition.isArmed, "an entry is filed once")
        let filed = min(max(tick, processedThrough &+ 1), processedThrough &+ UInt64(slotCount))
        let slot = Int(filed & UInt64(mask))
        entry.wheelPosition.slot = Int32(slot)
        entry.wheelPosition.index = Int32(slots[slot].count)
        slots[slot].append(entry)
        occupied[slot >> 6] |= 1 << UInt64(slot & 63)
        count += 1
        return filed
    }

    /// Takes `entry` out; nothing happens to an entry not filed. An entry taken out while its tick is
    /// being handed out (firing) is marked unarmed, so that it is not told.
    mutating func remove(_ entry: any TimerWheelEntry) {
        let position = entry.wheelPosition
        guard position.isArmed else {
            if position.isFiring { entry.wheelPosition.markUnarmed() }
            return
        }
        let slot = Int(position.slot), index = Int(position.index)
        let last = slots[slot].count - 1
        if index != last {
            let moved = slots[slot][last]
            slots[slot][index] = moved
            moved.wheelPosition.index = Int32(index)
        }
        slots[slot].removeLast()
        if slots[slot].isEmpty { occupied[slot >> 6] &= ~(1 << UInt64(slot & 63)) }
        count -= 1
        entry.wheelPosition.markUnarmed()
    }

    /// The earliest tick that holds an entry.
    func nextTick() -> UInt64? {
        guard count > 0 else { return nil }
        let start = Int((processedThrough &+ 1) & UInt64(mask))
        let words = occupied.count
        var wordIndex = start >> 6
        // Slots before `start` in its word belong to the end of the reach: they are looked at last,
        // when the scan comes round to this word again.
        var word = occupied[wordIndex] & (~0 << UInt64(start & 63))
        for _ in 0...words {
            if word != 0 {
                let slot = (wordIndex << 6) + word.trailingZeroBitCount
                return processedThrough &+ 1 &+ UInt64((slot - start) & mask)
            }
            wordIndex = (wordIndex + 1) % words
            word = occupied[wordIndex]
        }
        return nil
    }

    /// Takes out every entry filed at `tick` or before, appends them to `due` marked firing, and
    /// makes `tick` the last one handed out.
    mutating func takeDue(through tick: UInt64, into due: inout [any TimerWheelEntry]) {
        while let next = nextTick(), next <= tick {
            let slot = Int(next & UInt64(mask))
            for entry in slots[slot] {
                entry.wheelPosition.markFiring()
                due.append(entry)
            }
            count -= slots[slot].count
            slots[slot].removeAll(keepingCapacity: true)
            occupied[slot >> 6] &= ~(1 << UInt64(slot & 63))
            processedThrough = next
        }
        processedThrough = max(processedThrough, tick)
    }
}
