/// Tests decided together: every `str`, `beg` or `end` test on the same fetch (and the same case
/// handling) is answered by looking the value (or its prefixes, or its suffixes, one per distinct pattern
/// length) up in one hash table of all their patterns. With many ACLs on the same header or path, a
/// handful of lookups replaces comparing the value with every pattern of every ACL.
///
/// `sub` tests (patterns of two bytes or more) are decided together too: one pass over the value checks
/// each pair of adjacent bytes against a bitmap of the patterns' first two bytes, and only at those
/// positions compares the patterns starting with that pair (the table then maps pairs to candidates).
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
        /// For `sub`: the bitmap of first byte pairs (1024 words of `bigramBits`).
        var bigrams: Range<Int> = 0..<0
    }

    /// For a `sub` batch: a pattern and the test it belongs to.
    struct SubCandidate: Sendable {
        var pattern: Range<Int>
        var test: Int
    }

    /// One distinct pattern of a batch and the tests it belongs to; in a `sub` batch, one distinct pair
    /// of first bytes and the patterns that start with it.
    struct BatchEntry: Sendable {
        /// Indexes into `patternBytes`.
        var pattern: Range<Int>
        /// Indexes into `entryTests`; in a `sub` batch, into `subCandidates`.
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
            switch test.method {
            case .str, .beg, .end: break
            case .sub: guard test.patterns.allSatisfy({ patterns[$0].count >= 2 }) else { continue }
            default: continue
            }
            let key = BatchKey(fetch: test.fetch, method: test.method, folded: test.folded)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        for key in order {
            guard let members = groups[key], members.count > 1 else { continue }
            if key.method == .sub { addSubBatch(members: members) } else { addBatch(method: key.method, members: members) }
        }
    }

    /// Points each term whose ACL is one batched test at that test.
    mutating func linkBatchedTerms() {
        for index in terms.indices {
            let testRange = acls[terms[index].acl].tests
            if testRange.count == 1, tests[testRange.lowerBound].batch >= 0 { terms[index].batchedTest = testRange.lowerBound }
        }
    }

    private mutating func addSubBatch(members: [Int]) {
        // Patterns grouped by their first two bytes, in first-seen order.
        var candidatesByPair: [[UInt8]: [SelectionProgram.SubCandidate]] = [:]
        var pairOrder: [[UInt8]] = []
        for testIndex in members {
            for patternIndex in tests[testIndex].patterns {
                let range = patterns[patternIndex]
                let pair = Array(patternBytes[range.lowerBound..<range.lowerBound + 2])
                if candidatesByPair[pair] == nil { pairOrder.append(pair) }
                candidatesByPair[pair, default: []].append(SelectionProgram.SubCandidate(pattern: range, test: testIndex))
            }
        }
        let firstWord = bigramBits.count
        bigramBits += Array(repeating: 0, count: 1024)
        var keys: [[UInt8]] = []
        var entryRanges: [Range<Int>] = []
        for pair in pairOrder {
            let bigram = Int(pair[0]) << 8 | Int(pair[1])
            bigramBits[firstWord + bigram >> 6] |= 1 << UInt64(bigram & 63)
            let first = subCandidates.count
            subCandidates += candidatesByPair[pair]!
            keys.append(pair)
            entryRanges.append(first..<subCandidates.count)
        }
        addTable(method: .sub, keys: keys, entryRanges: entryRanges, members: members, bigrams: firstWord..<bigramBits.count)
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
        var entryRanges: [Range<Int>] = []
        for pattern in patternOrder {
            let first = entryTests.count
            entryTests += testsByPattern[pattern]!
            entryRanges.append(first..<entryTests.count)
        }
        addTable(method: method, keys: patternOrder, entryRanges: entryRanges, members: members, bigrams: 0..<0)
    }

    /// Adds a batch whose hash table maps each of `keys` to the matching range of `entryRanges`.
    private mutating func addTable(method: MatchMethod, keys: [[UInt8]], entryRanges: [Range<Int>], members: [Int],
                                   bigrams: Range<Int>) {
        let batchIndex = batches.count
        let firstLength = batchLengths.count
        batchLengths += Set(keys.map(\.count)).sorted()
        var slotCount = 4
        while slotCount < keys.count * 2 { slotCount *= 2 }
        let firstSlot = batchSlots.count
        batchSlots += Array(repeating: -1, count: slotCount)
        for (key, entryRange) in zip(keys, entryRanges) {
            let start = patternBytes.count
            patternBytes += key
            batchEntries.append(SelectionProgram.BatchEntry(pattern: start..<patternBytes.count, tests: entryRange))
            var slot = key.withUnsafeBufferPointer(SelectionProgram.hash) & (slotCount - 1)
            while batchSlots[firstSlot + slot] >= 0 { slot = (slot + 1) & (slotCount - 1) }
            batchSlots[firstSlot + slot] = batchEntries.count - 1
        }
        let firstTest = batchTests.count
        batchTests += members
        for testIndex in members { tests[testIndex].batch = batchIndex }
        batches.append(SelectionProgram.Batch(method: method, lengths: firstLength..<batchLengths.count,
                                              slots: firstSlot..<batchSlots.count, tests: firstTest..<batchTests.count,
                                              bigrams: bigrams))
    }
}
