/// Tests decided together: every `str`, `beg` or `end` test on the same fetch (and the same case
/// handling) is answered by looking the value (or its prefixes, or its suffixes, one per distinct pattern
/// length) up in one hash table of all their patterns. With many ACLs on the same header or path, a
/// handful of lookups replaces comparing the value with every pattern of every ACL.
extension SelectionProgram {
    struct Batch: Sendable {
        var method: MatchMethod
        /// The distinct pattern lengths, ascending (indexes into `batchLengths`).
        var lengths: Range<Int>
        /// The open-addressing table (indexes into `batchSlots`; a power of two long). Each slot holds an
        /// index into `batchEntries`, or -1.
        var slots: Range<Int>
        /// The tests it decides (indexes into `batchTests`).
        var tests: Range<Int>
    }

    /// One distinct pattern of a batch and the tests it belongs to.
    struct BatchEntry: Sendable {
        /// Indexes into `patternBytes`.
        var pattern: Range<Int>
        /// Indexes into `entryTests`.
        var tests: Range<Int>
    }

    /// FNV-1a over the bytes.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash)
    }

    /// The entry of `batch` whose pattern is exactly `key`, or nil.
    @inline(__always)
    func lookup(_ batch: Batch, _ key: UnsafeBufferPointer<UInt8>) -> BatchEntry? {
        let mask = batch.slots.count - 1
        var slot = Self.hash(key) & mask
        while true {
            let entryIndex = batchSlots[batch.slots.lowerBound + slot]
            if entryIndex < 0 { return nil }
            let entry = batchEntries[entryIndex]
            if ByteMatching.isEqual(key, UnsafeBufferPointer(rebasing: patternBytes[entry.pattern]), foldCase: false) {
                return entry
            }
            slot = (slot + 1) & mask
        }
    }
}

extension SelectionProgramBuilder {
    private struct BatchKey: Hashable {
        var fetch: Int
        var method: MatchMethod
        var folded: Bool
    }

    /// Groups the tests that can be decided together; a group of one stays a plain test.
    mutating func makeBatches() {
        var groups: [BatchKey: [Int]] = [:]
        var order: [BatchKey] = []
        for (index, test) in tests.enumerated() where test.kind == .bytes && !test.patterns.isEmpty {
            guard test.method == .str || test.method == .beg || test.method == .end else { continue }
            let key = BatchKey(fetch: test.fetch, method: test.method, folded: test.folded)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        for key in order {
            guard let members = groups[key], members.count > 1 else { continue }
            addBatch(method: key.method, members: members)
        }
    }

    private mutating func addBatch(method: MatchMethod, members: [Int]) {
        // Distinct patterns, in first-seen order, each with the tests that carry it.
        var testsByPattern: [[UInt8]: [Int]] = [:]
        var patternOrder: [[UInt8]] = []
        for testIndex in members {
            for patternIndex in tests[testIndex].patterns {
                let pattern = Array(patternBytes[patterns[patternIndex]])
                if testsByPattern[pattern] == nil { patternOrder.append(pattern) }
                if testsByPattern[pattern]?.last != testIndex { testsByPattern[pattern, default: []].append(testIndex) }
            }
        }
        let batchIndex = batches.count
        let firstLength = batchLengths.count
        batchLengths += Set(patternOrder.map(\.count)).sorted()
        var slotCount = 4
        while slotCount < patternOrder.count * 2 { slotCount *= 2 }
        let firstSlot = batchSlots.count
        batchSlots += Array(repeating: -1, count: slotCount)
        for pattern in patternOrder {
            let firstEntryTest = entryTests.count
            entryTests += testsByPattern[pattern]!
            let start = patternBytes.count
            patternBytes += pattern
            batchEntries.append(SelectionProgram.BatchEntry(pattern: start..<patternBytes.count,
                                                            tests: firstEntryTest..<entryTests.count))
            var slot = pattern.withUnsafeBufferPointer(SelectionProgram.hash) & (slotCount - 1)
            while batchSlots[firstSlot + slot] >= 0 { slot = (slot + 1) & (slotCount - 1) }
            batchSlots[firstSlot + slot] = batchEntries.count - 1
        }
        let firstTest = batchTests.count
        batchTests += members
        for testIndex in members { tests[testIndex].batch = batchIndex }
        batches.append(SelectionProgram.Batch(method: method, lengths: firstLength..<batchLengths.count,
                                              slots: firstSlot..<batchSlots.count, tests: firstTest..<batchTests.count))
    }
}
