import LBConfig

/// A proxy's `use_backend` conditions compiled into flat arrays of plain values.
///
/// Evaluated as a tree of classes and arrays (`CompiledCondition` → `CompiledACL` → `ACLTest` →
/// `Matcher`), 50 rules over 100 ACLs cost about 15 µs a request, most of it retaining and releasing the
/// objects visited and recomputing the same fetch for each ACL. The program holds indexes, byte ranges
/// and one buffer of pattern bytes instead. While one request runs through it, each ACL is evaluated at
/// most once (rules often share ACLs) and each fetch (`CachedFetch`) is computed at most once, and
/// lowercased at most once for `-i` matches. Tests the program cannot run on bytes (regexes, integers,
/// addresses, converters...) keep their `ACLTest` and run through it, with the same results.
///
/// The tables are allocated once, filled at load time and never written again, so the program is shared
/// by every event loop (hence `@unchecked Sendable`); reading them through unsafe buffers costs no
/// reference counting and no bounds checks in release builds.
final class SelectionProgram: @unchecked Sendable {
    struct Rule: Sendable {
        var groups: Range<Int>
        var isUnless: Bool
        var hasCondition: Bool
    }
    /// AND of terms; a rule's condition is the OR of its groups.
    struct Group: Sendable {
        var terms: Range<Int>
    }
    struct Term: Sendable {
        var acl: Int
        var negated: Bool
        /// When the ACL is a single test decided by a batch: that test, whose result the term reads
        /// directly (no per-ACL bookkeeping); else -1.
        var batchedTest = -1
    }
    /// OR of tests.
    struct ACL: Sendable {
        var tests: Range<Int>
    }
    struct Test: Sendable {
        enum Kind: Sendable {
            /// A string match (or `-m found`) on the values of `fetches[fetch]`.
            case bytes
            /// `src` against the networks `patterns` (indexes into `networks`).
            case sourceAddress
            /// A regex match on the values of `fetches[fetch]` with the regexes of `generic[generic]`'s
            /// matcher: each regex's required prefix is checked on the bytes before the engine runs.
            case regex
            /// Anything else: `generic[generic].evaluate`.
            case generic
        }
        var kind: Kind
        var fetch: Int
        var generic: Int
        var method: MatchMethod
        /// Compares the fetch's lowercase bytes (the test has `-i`; its patterns are lowercase already).
        var folded: Bool
        /// Indexes into `patterns`.
        var patterns: Range<Int>
        /// Index into `batches` when the test is decided together with others on the same fetch, else -1.
        var batch = -1
        /// For `.regex`: the regexes' required prefixes (`patterns`, one per regex, possibly empty) are
        /// compared without case.
        var prefixIgnoresCase = false
    }

    let rules: UnsafeBufferPointer<Rule>
    let groups: UnsafeBufferPointer<Group>
    let terms: UnsafeBufferPointer<Term>
    let acls: UnsafeBufferPointer<ACL>
    let tests: UnsafeBufferPointer<Test>
    /// Every byte pattern, back to back; `patterns` slices it.
    let patternBytes: UnsafeBufferPointer<UInt8>
    let patterns: UnsafeBufferPointer<Range<Int>>
    /// Per fetch: some test reads its lowercase bytes.
    let fetchIsFolded: UnsafeBufferPointer<Bool>
    let fetches: [CachedFetch]
    let generic: [ACLTest]
    let batches: UnsafeBufferPointer<Batch>
    let batchLengths: UnsafeBufferPointer<Int>
    let batchSlots: UnsafeBufferPointer<Int>
    let batchEntries: UnsafeBufferPointer<BatchEntry>
    let entryTests: UnsafeBufferPointer<Int>
    let batchTests: UnsafeBufferPointer<Int>
    let subCandidates: UnsafeBufferPointer<SubCandidate>
    /// The networks of `src` tests.
    let networks: UnsafeBufferPointer<IPNetwork>
    let bigramBits: UnsafeBufferPointer<UInt64>

    /// Every table's memory, freed together.
    private let allocations: [UnsafeMutableRawPointer]

    init(_ selectionRules: [BackendSelectionRule]) {
        var builder = SelectionProgramBuilder()
        builder.add(selectionRules)
        builder.makeBatches()
        builder.linkBatchedTerms()
        var owned: [UnsafeMutableRawPointer] = []
        rules = Self.freeze(builder.rules, &owned)
        groups = Self.freeze(builder.groups, &owned)
        terms = Self.freeze(builder.terms, &owned)
        acls = Self.freeze(builder.acls, &owned)
        tests = Self.freeze(builder.tests, &owned)
        patternBytes = Self.freeze(builder.patternBytes, &owned)
        patterns = Self.freeze(builder.patterns, &owned)
        fetchIsFolded = Self.freeze(builder.fetchIsFolded, &owned)
        batches = Self.freeze(builder.batches, &owned)
        batchLengths = Self.freeze(builder.batchLengths, &owned)
        batchSlots = Self.freeze(builder.batchSlots, &owned)
        batchEntries = Self.freeze(builder.batchEntries, &owned)
        entryTests = Self.freeze(builder.entryTests, &owned)
        batchTests = Self.freeze(builder.batchTests, &owned)
        subCandidates = Self.freeze(builder.subCandidates, &owned)
        networks = Self.freeze(builder.networks, &owned)
        bigramBits = Self.freeze(builder.bigramBits, &owned)
        fetches = builder.fetches
        generic = builder.generic
        allocations = owned
    }

    deinit {
        for allocation in allocations { allocation.deallocate() }
    }

    /// A copy of `array` in memory the program owns (the element types are plain values: nothing to
    /// deinitialize); its allocation is added to `owned`.
    private static func freeze<Element>(_ array: [Element], _ owned: inout [UnsafeMutableRawPointer]) -> UnsafeBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        owned.append(UnsafeMutableRawPointer(buffer.baseAddress!))
        return UnsafeBufferPointer(rebasing: buffer[0..<array.count])
    }
}

/// Compiles the rules into the arrays a `SelectionProgram` freezes.
struct SelectionProgramBuilder {
    typealias Rule = SelectionProgram.Rule
    typealias Group = SelectionProgram.Group
    typealias Term = SelectionProgram.Term
    typealias ACL = SelectionProgram.ACL
    typealias Test = SelectionProgram.Test

    var rules: [Rule] = []
    var groups: [Group] = []
    var terms: [Term] = []
    var acls: [ACL] = []
    var tests: [Test] = []
    var patternBytes: [UInt8] = []
    var patterns: [Range<Int>] = []
    var fetches: [CachedFetch] = []
    var fetchIsFolded: [Bool] = []
    var generic: [ACLTest] = []
    var batches: [SelectionProgram.Batch] = []
    var batchLengths: [Int] = []
    var batchSlots: [Int] = []
    var batchEntries: [SelectionProgram.BatchEntry] = []
    var entryTests: [Int] = []
    var batchTests: [Int] = []
    var subCandidates: [SelectionProgram.SubCandidate] = []
    var networks: [IPNetwork] = []
    var bigramBits: [UInt64] = []

    mutating func add(_ selectionRules: [BackendSelectionRule]) {
        var namedACLs: [Int: Int] = [:]  // CompiledACL.slot → index in `acls`
        var fetchIndexes: [CachedFetch: Int] = [:]
        for rule in selectionRules {
            guard let condition = rule.condition else {
                rules.append(Rule(groups: groups.count..<groups.count, isUnless: false, hasCondition: false))
                continue
            }
            let firstGroup = groups.count
            for group in condition.groups {
                let firstTerm = terms.count
                for term in group {
                    let index: Int
                    if let slot = term.acl.slot, let known = namedACLs[slot] {
                        index = known
                    } else {
                        index = add(term.acl, fetchIndexes: &fetchIndexes)
                        if let slot = term.acl.slot { namedACLs[slot] = index }
                    }
                    terms.append(Term(acl: index, negated: term.negated))
                }
                groups.append(Group(terms: firstTerm..<terms.count))
            }
            rules.append(Rule(groups: firstGroup..<groups.count, isUnless: condition.isUnless, hasCondition: true))
        }
    }

    private mutating func add(_ acl: CompiledACL, fetchIndexes: inout [CachedFetch: Int]) -> Int {
        let firstTest = tests.count
        for test in acl.tests {
            tests.append(compile(test, fetchIndexes: &fetchIndexes))
        }
        acls.append(ACL(tests: firstTest..<tests.count))
        return acls.count - 1
    }

    private mutating func compile(_ test: ACLTest, fetchIndexes: inout [CachedFetch: Int]) -> Test {
        let matcher = test.matcher
        let plainFetch = test.isSample && test.expression.converters.isEmpty
        if plainFetch, test.expression.fetch == .source, matcher.method == .ip {
            let first = networks.count
            networks += matcher.networks
            return Test(kind: .sourceAddress, fetch: -1, generic: -1, method: .ip, folded: false, patterns: first..<networks.count)
        }
        guard plainFetch, let fetch = CachedFetch(test.expression.fetch),
              Self.runsOnBytes(matcher.method) || matcher.method == .reg else {
            generic.append(test)
            return Test(kind: .generic, fetch: -1, generic: generic.count - 1, method: .found, folded: false, patterns: 0..<0)
        }
        let fetchIndex = index(of: fetch, fetchIndexes: &fetchIndexes)
        if matcher.method == .reg {
            generic.append(test)
            let firstPattern = patterns.count
            for box in matcher.regexes {
                patterns.append(patternBytes.count..<patternBytes.count + box.regex.requiredPrefix.count)
                patternBytes.append(contentsOf: box.regex.requiredPrefix)
            }
            return Test(kind: .regex, fetch: fetchIndex, generic: generic.count - 1, method: .reg, folded: false,
                        patterns: firstPattern..<patterns.count, prefixIgnoresCase: matcher.ignoreCase)
        }
        let folded = matcher.ignoreCase && matcher.method != .found
        if folded { fetchIsFolded[fetchIndex] = true }
        let firstPattern = patterns.count
        for pattern in matcher.strings {
            patterns.append(patternBytes.count..<patternBytes.count + pattern.count)
            patternBytes.append(contentsOf: pattern)
        }
        return Test(kind: .bytes, fetch: fetchIndex, generic: -1, method: matcher.method, folded: folded,
                    patterns: firstPattern..<patterns.count)
    }

    private mutating func index(of fetch: CachedFetch, fetchIndexes: inout [CachedFetch: Int]) -> Int {
        let fetchIndex: Int
        if let known = fetchIndexes[fetch] {
            fetchIndex = known
        } else {
            fetches.append(fetch)
            fetchIsFolded.append(false)
            fetchIndex = fetches.count - 1
            fetchIndexes[fetch] = fetchIndex
        }
        return fetchIndex
    }

    /// The match methods the program runs on the fetch's bytes; the others go through `ACLTest`.
    private static func runsOnBytes(_ method: MatchMethod) -> Bool {
        switch method {
        case .found, .str, .sub, .beg, .end, .dir, .dom: true
        case .bool, .int, .len, .ip, .reg: false
        }
    }
}
