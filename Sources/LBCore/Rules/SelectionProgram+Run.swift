extension SelectionProgram {
    /// The result of the first rule whose condition holds and for which `resolve` (given the rule's index)
    /// returns a backend; nil when none does.
    func firstResolvedRule(in context: SampleContext, _ resolve: (Int) -> Int?) -> Int? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(acls.count, 1)) { results in
            results.initialize(repeating: 0)
            return withUnsafeTemporaryAllocation(of: FetchValues.self, capacity: max(fetches.count, 1)) { values in
                values.initialize(repeating: FetchValues())
                var run = SelectionRun(program: self, context: context, results: results, values: values)
                for index in rules.indices where run.matches(rule: index) {
                    if let backend = resolve(index) { return backend }
                }
                return nil
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
struct SelectionRun {
    let program: SelectionProgram
    let context: SampleContext
    /// `context.head`, copied out once (each copy retains its strings).
    let head: HTTPRequestHead?
    /// Per ACL: 0 not evaluated yet, else `ACLResult.runValue`.
    let results: UnsafeMutableBufferPointer<UInt8>
    let values: UnsafeMutableBufferPointer<FetchValues>
    /// The fetched values' bytes (and lowercase copies), back to back; `ranges` slices it.
    var bytes: [UInt8] = []
    var ranges: [Range<Int>] = []

    init(program: SelectionProgram, context: SampleContext, results: UnsafeMutableBufferPointer<UInt8>,
         values: UnsafeMutableBufferPointer<FetchValues>) {
        self.program = program
        self.context = context
        head = context.head
        self.results = results
        self.values = values
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
                var result = evaluate(acl: term.acl)
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
            let outcome = evaluate(test: program.tests[testIndex])
            if outcome == .pass { result = .pass; break }
            if outcome == .miss { result = .miss }
        }
        results[index] = result.runValue
        return result
    }

    private mutating func evaluate(test: SelectionProgram.Test) -> ACLResult {
        switch test.kind {
        case .generic:
            return program.generic[test.generic].evaluate(context)
        case .sourceAddress:
            guard let source = context.connection.source else { return .fail }
            return program.generic[test.generic].matcher.networks.contains { $0.contains(source) } ? .pass : .fail
        case .bytes, .regex:
            break
        }
        var fetched = values[test.fetch]
        if !fetched.isComputed {
            guard head != nil else { return .miss }
            fetched = computeValues(of: test.fetch)
        }
        let valueRanges = test.folded ? fetched.folded : fetched.raw
        if test.kind == .regex { return matchesRegex(program.generic[test.generic].matcher, valueRanges) ? .pass : .fail }
        if test.method == .found { return valueRanges.isEmpty ? .fail : .pass }
        let patternBytes = program.patternBytes
        let matched = bytes.withUnsafeBufferPointer { bytes in
            for rangeIndex in valueRanges {
                let value = UnsafeBufferPointer(rebasing: bytes[ranges[rangeIndex]])
                for patternIndex in test.patterns {
                    let pattern = UnsafeBufferPointer(rebasing: patternBytes[program.patterns[patternIndex]])
                    // Folded values meet patterns lowered at load time: plain comparison.
                    if ByteMatching.matches(test.method, value, pattern, foldCase: false) { return true }
                }
            }
            return false
        }
        return matched ? .pass : .fail
    }

    /// `-m reg` on fetched values: a regex whose required prefix a value lacks is not run on it.
    private func matchesRegex(_ matcher: Matcher, _ valueRanges: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            for rangeIndex in valueRanges {
                let value = UnsafeBufferPointer(rebasing: bytes[ranges[rangeIndex]])
                var text: Substring?
                for box in matcher.regexes {
                    let regex = box.regex
                    if !regex.requiredPrefix.isEmpty, !regex.requiredPrefix.withUnsafeBufferPointer({
                        ByteMatching.equal(value, at: 0, $0, foldCase: regex.ignoreCase)
                    }) {
                        continue
                    }
                    if text == nil { text = Substring(decoding: value, as: UTF8.self) }
                    if regex.matches(text!) { return true }
                }
            }
            return false
        }
    }

    /// Computes a fetch's values (and their lowercase copies when a test needs them) on first use.
    private mutating func computeValues(of fetchIndex: Int) -> FetchValues {
        guard let head else { return FetchValues() }
        var fetched = FetchValues(isComputed: true)
        let firstRaw = ranges.count
        program.fetches[fetchIndex].forEachValue(in: head) { value in
            let start = bytes.count
            bytes.append(contentsOf: value)
            ranges.append(start..<bytes.count)
        }
        fetched.raw = firstRaw..<ranges.count
        if program.fetchIsFolded[fetchIndex] {
            let firstFolded = ranges.count
            for rangeIndex in fetched.raw {
                let start = bytes.count
                for offset in ranges[rangeIndex] { bytes.append(ByteMatching.fold(bytes[offset])) }
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
