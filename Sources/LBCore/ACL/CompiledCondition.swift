import LBConfig

/// A compiled `if|unless` condition: OR of AND-groups of possibly negated ACLs.
public struct CompiledCondition: Sendable {
    struct Term: Sendable {
        var negated: Bool
        var acl: CompiledACL
    }
    var isUnless: Bool
    var groups: [[Term]]

    /// Evaluates the condition for an HTTP request.
    public func matches(_ head: HTTPRequestHead, connection: ConnectionInfo, serverCounts: (any UsableServerCounts)? = nil) -> Bool {
        matches(SampleContext(head: head, connection: connection, serverCounts: serverCounts))
    }

    /// Evaluates the condition for a TCP connection: only layer-4 fetches can match.
    public func matches(connection: ConnectionInfo, serverCounts: (any UsableServerCounts)? = nil) -> Bool {
        matches(SampleContext(head: nil, connection: connection, serverCounts: serverCounts))
    }

    /// A condition whose ACLs could not all be evaluated (HTTP data on a TCP connection) is false whatever
    /// its polarity: lb never acts on data it does not have.
    func matches(_ context: SampleContext) -> Bool {
        var sawMiss = false
        for group in groups {
            var groupResult = ACLResult.pass
            for term in group {
                var result = term.acl.evaluate(context)
                if term.negated { result = result.negated }
                if result == .fail { groupResult = .fail; break }
                if result == .miss { groupResult = .miss }
            }
            switch groupResult {
            case .pass: return !isUnless
            case .miss: sawMiss = true
            case .fail: break
            }
        }
        if sawMiss { return false }
        return isUnless
    }

    /// Compiles `condition` against the proxy's declared ACLs; nil (with errors recorded) when a name is
    /// unknown or an anonymous ACL is invalid.
    static func compile(_ condition: Condition, acls: [String: CompiledACL], environment: inout CompileEnvironment) -> CompiledCondition? {
        var groups: [[Term]] = []
        var valid = true
        for group in condition.groups {
            var terms: [Term] = []
            for term in group {
                switch term.acl {
                case .named(let name):
                    if let acl = acls[name] ?? PredefinedACLs.lookup(name) {
                        terms.append(Term(negated: term.negated, acl: acl))
                    } else {
                        environment.error("no ACL named '\(name)'", at: condition.location,
                                          hint: "declare it with 'acl \(name) ...' in this section")
                        valid = false
                    }
                case .anonymous(let criterion):
                    if let test = ACLCompiler.compile(criterion, environment: &environment) {
                        terms.append(Term(negated: term.negated, acl: CompiledACL(tests: [test])))
                    } else {
                        valid = false
                    }
                }
            }
            groups.append(terms)
        }
        guard valid else { return nil }
        return CompiledCondition(isUnless: condition.polarity == .unless, groups: groups)
    }

    /// Compiles a proxy's `acl` lines; a name declared twice ORs its tests.
    static func compileDeclarations(_ declarations: [ACLDeclaration], environment: inout CompileEnvironment) -> [String: CompiledACL] {
        var table: [String: CompiledACL] = [:]
        for declaration in declarations {
            // An invalid line still declares the name, so conditions using it do not report it twice.
            let test = ACLCompiler.compile(declaration.criterion, environment: &environment)
            let slot = table[declaration.name]?.slot ?? table.count
            table[declaration.name, default: CompiledACL(tests: [], slot: slot)].tests.append(contentsOf: test.map { [$0] } ?? [])
        }
        return table
    }
}
