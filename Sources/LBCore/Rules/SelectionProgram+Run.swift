import LBConfig

extension SelectionProgram {
    /// The result of the first rule whose condition holds and for which `resolve` (given the rule's index)
    /// returns a backend; nil when none does.
    func firstResolvedRule(in context: SampleContext, _ resolve: (Int) -> Int?) -> Int? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(acls.count, 1)) { results in
            results.initialize(repeating: 0)
            return withUnsafeTemporaryAllocation(of: FetchValues.self, capacity: max(fetches.count, 1)) { values in
                values.initialize(repeating: FetchValues())
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(tests.count, 1)) { testResults in
                    testResults.initialize(repeating: 0)
                    var run = SelectionRun(program: self, context: context, results: results, values: values,
                                           testResults: testResults)
                    for index in rules.indices where run.matches(rule: index) {
                        if let backend = resolve(index) { return backend }
                    }
                    return nil
                }
            }
        }
    }
}

/// Where one fetch's values are in a `SelectionRun`'s buffers, once computed.
struct FetchValues {
    var isComputed = false
    /// Indexes into `SelectionRun.ranges` of the values' bytes, and of their lowercase copies.
    var raw: Range<Int> = 0..<0
    var folded: Range<Int> = 0..<0
}

/// One request's walk through a `SelectionProgram`: the ACL results and fetch values found so far.
struct SelectionRun: ~Copyable {
    let program: SelectionProgram
    let context: SampleContext
    /// `context.head`, copied out once (each copy retains its strings).
    let head: HTTPRequestHead?
    /// `context.connection.source`, for `src` tests.
    let source: IPAddress?
    /// Per ACL: 0 not evaluated yet, else `ACLResult.runValue`.
    let results: UnsafeMutableBufferPointer<UInt8>
    let values: UnsafeMutableBufferPointer<FetchValues>
    /// Per test: the result its batch decided (0 while the batch has not run), else `ACLResult.runValue`.
    let testResults: UnsafeMutableBufferPointer<UInt8>
    /// The fetched values' bytes (and lowercase copies), back to back; `ranges` slices it.
    var bytes = ScratchBuffer<UInt8>(capacity: 1024)
    var ranges = ScratchBuffer<Range<Int>>(capacity: 32)
    /// The request copied into `bytes` (see `copyRequest`).
    var layout = RequestLayout()
    var fields = ScratchBuffer<HeaderSpan>(capacity: 16)

    init(program: SelectionProgram, context: SampleContext, results: UnsafeMutableBufferPointer<UInt8>,
         values: UnsafeMutableBufferPointer<FetchValues>, testResults: UnsafeMutableBufferPointer<UInt8>) {
        self.program = program
        self.context = context
        head = context.head
        source = context.connection.source
        self.results = results
        self.values = values
        self.testResults = testResults
    }

    /// A rule's condition, as `CompiledCondition.matches` decides it.
    mutating func matches(rule index: Int) -> Bool {
        let rule = program.rules[index]
        guard rule.hasCondition else { return true }
        var sawMiss = false
        for groupIndex in rule.groups {
            var groupResult = ACLResult.pass
            for termIndex in program.groups[groupIndex].terms {
                let term = program.terms[termIndex]
                var result: ACLResult
                if term.batchedTest >= 0 {
                    // Decided with its batch: read the test's result (running the batch the first time).
                    let known = testResults[term.batchedTest]
                    result = known != 0 ? ACLResult(runValue: known) ?? .fail : evaluate(test: term.batchedTest)
                } else {
                    result = evaluate(acl: term.acl)
                }
                if term.negated { result = result.negated }
                if result == .fail { groupResult = .fail; break }
                if result == .miss { groupResult = .miss }
            }
            switch groupResult {
            case .pass: return !rule.isUnless
            case .miss: sawMiss = true
            case .fail: break
            }
        }
        return sawMiss ? false : rule.isUnless
    }

    /// An ACL's result, evaluated on first use: the OR of its tests, as `CompiledACL.evaluate`.
    private mutating func evaluate(acl index: Int) -> ACLResult {
        if let known = ACLResult(runValue: results[index]) { return known }
        var result = ACLResult.fail
        for testIndex in program.acls[index].tests {
            let outcome = evaluate(test: testIndex)
            if outcome == .pass { result = .pass; break }
            if outcome == .miss { result = .miss }
        }
        results[index] = result.runValue
        return result
    }

    private mutating func evaluate(test testIndex: Int) -> ACLResult {
        // Read through a pointer: copying the whole `Test` out for each evaluation showed in profiles.
        let test = program.tests.baseAddress.unsafelyUnwrapped + testIndex
        // A batch already decided this test: the commonest case, tested first and without a jump table
        // (an indirect jump on the kind mispredicted often enough to show in profiles).
        if test.pointee.batch >= 0, testResults[testIndex] != 0 {
            return ACLResult(runValue: testResults[testIndex]) ?? .fail
        }
        let kind = test.pointee.kind
        if kind == .generic {
            return program.generic[test.pointee.generic].evaluate(context)
        }
        if kind == .sourceAddress {
            guard let source else { return .fail }
            for index in test.pointee.patterns where program.networks[index].contains(source) { return .pass }
            return .fail
        }
        var fetched = values[test.pointee.fetch]
        if !fetched.isComputed {
            guard head != nil else { return .miss }
            fetched = computeValues(of: test.pointee.fetch)
        }
        let valueRanges = test.pointee.folded ? fetched.folded : fetched.raw
        if kind == .regex { return matchesRegex(test, valueRanges) ? .pass : .fail }
        if test.pointee.method == .found { return valueRanges.isEmpty ? .fail : .pass }
        if test.pointee.batch >= 0 {
            if testResults[testIndex] == 0 { run(batch: program.batches[test.pointee.batch], on: valueRanges) }
            return ACLResult(runValue: testResults[testIndex]) ?? .fail
        }
        let patternBytes = program.patternBytes
        for rangeIndex in valueRanges {
            let value = bytes.elements(ranges[rangeIndex])
            for patternIndex in test.pointee.patterns {
                let pattern = UnsafeBufferPointer(rebasing: patternBytes[program.patterns[patternIndex]])
                // Folded values meet patterns lowered at load time: plain comparison.
                if ByteMatching.matches(test.pointee.method, value, pattern, foldCase: false) { return .pass }
            }
        }
        return .fail
    }

    /// Decides every test of `batch` at once: fail, unless a value (whole, or one of its prefixes or
    /// suffixes of a pattern's length) is one of the batch's patterns.
    private func run(batch: SelectionProgram.Batch, on valueRanges: Range<Int>) {
        for member in batch.tests { testResults[program.batchTests[member]] = ACLResult.fail.runValue }
        if batch.method == .sub {
            runSubstrings(batch, on: valueRanges)
            return
        }
        for rangeIndex in valueRanges {
            let value = bytes.elements(ranges[rangeIndex])
            if batch.method == .str {
                if let entry = program.lookup(batch, value) { markPassed(entry) }
                continue
            }
            for lengthIndex in batch.lengths {
                let length = program.batchLengths[lengthIndex]
                if length > value.count { break }
                let key = batch.method == .beg ? value[0..<length] : value[(value.count - length)...]
                if let entry = program.lookup(batch, UnsafeBufferPointer(rebasing: key)) { markPassed(entry) }
            }
        }
    }

    /// A `sub` batch: at each position whose two bytes start some pattern, the patterns starting with them.
    private func runSubstrings(_ batch: SelectionProgram.Batch, on valueRanges: Range<Int>) {
        let bits = program.bigramBits.baseAddress.unsafelyUnwrapped + batch.bigrams.lowerBound
        for rangeIndex in valueRanges {
            let value = bytes.elements(ranges[rangeIndex])
            guard value.count >= 2, let base = value.baseAddress else { continue }
            for position in 0..<(value.count - 1) {
                let bigram = Int(base[position]) << 8 | Int(base[position + 1])
                guard bits[bigram >> 6] & (1 << UInt64(bigram & 63)) != 0,
                      let entry = program.lookup(batch, UnsafeBufferPointer(start: base + position, count: 2)) else { continue }
                for candidateIndex in entry.tests {
                    let candidate = program.subCandidates[candidateIndex]
                    if testResults[candidate.test] == ACLResult.pass.runValue { continue }
                    let pattern = UnsafeBufferPointer(rebasing: program.patternBytes[candidate.pattern])
                    if ByteMatching.equal(value, at: position, pattern, foldCase: false) {
                        testResults[candidate.test] = ACLResult.pass.runValue
                    }
                }
            }
        }
    }

    @inline(__always)
    private func markPassed(_ entry: SelectionProgram.BatchEntry) {
        for index in entry.tests { testResults[program.entryTests[index]] = ACLResult.pass.runValue }
    }

    /// `-m reg` on fetched values: a regex whose required prefix a value lacks is not run on it.
    private func matchesRegex(_ test: UnsafePointer<SelectionProgram.Test>, _ valueRanges: Range<Int>) -> Bool {
        let prefixes = test.pointee.patterns
        for rangeIndex in valueRanges {
            let value = bytes.elements(ranges[rangeIndex])
            var text: Substring?
            for (number, patternIndex) in prefixes.enumerated() {
                let prefix = UnsafeBufferPointer(rebasing: program.patternBytes[program.patterns[patternIndex]])
                if !prefix.isEmpty, !ByteMatching.equal(value, at: 0, prefix, foldCase: test.pointee.prefixIgnoresCase) {
                    continue
                }
                if text == nil { text = Substring(decoding: value, as: UTF8.self) }
                if program.generic[test.pointee.generic].matcher.regexes[number].regex.matches(text!) { return true }
            }
        }
        return false
    }

    /// Computes a fetch's values (and their lowercase copies when a test needs them) on first use.
    private mutating func computeValues(of fetchIndex: Int) -> FetchValues {
        guard let head else { return FetchValues() }
        if !layout.isCopied { copyRequest(head) }
        var fetched = FetchValues(isComputed: true)
        let firstRaw = ranges.count
        appendValues(of: program.fetches[fetchIndex])
        fetched.raw = firstRaw..<ranges.count
        if program.fetchIsFolded[fetchIndex] {
            let firstFolded = ranges.count
            for rangeIndex in fetched.raw {
                let source = ranges[rangeIndex]
                let start = bytes.count
                let target = bytes.appendUninitialized(count: source.count)
                let from = bytes.base + source.lowerBound  // read after growing: the buffer may have moved
                for offset in 0..<source.count { (target + offset).initialize(to: ByteMatching.fold(from[offset])) }
                ranges.append(start..<bytes.count)
            }
            fetched.folded = firstFolded..<ranges.count
        }
        values[fetchIndex] = fetched
        return fetched
    }
}

extension ACLResult {
    /// The result as a `SelectionRun` keeps it (0 means not evaluated yet).
    var runValue: UInt8 {
        switch self {
        case .pass: 1
        case .fail: 2
        case .miss: 3
        }
    }

    init?(runValue: UInt8) {
        switch runValue {
        case 1: self = .pass
        case 2: self = .fail
        case 3: self = .miss
        default: return nil
        }
    }
}
