/// `if|unless COND`: OR-groups of AND-ed terms, each naming an ACL (or holding an anonymous one in braces),
/// possibly negated with `!`. HAProxy has no parentheses, so this shape is complete.
public struct Condition: Sendable, Hashable {
    public enum Polarity: Sendable, Hashable {
        case `if`
        case unless
    }
    public struct Term: Sendable, Hashable {
        public var negated: Bool
        public var acl: ACLReference
        public init(negated: Bool, acl: ACLReference) {
            self.negated = negated
            self.acl = acl
        }
    }
    public var polarity: Polarity
    /// Terms inside one group are AND-ed; groups are OR-ed.
    public var groups: [[Term]]
    public var location: SourceLocation

    public init(polarity: Polarity, groups: [[Term]], location: SourceLocation) {
        self.polarity = polarity
        self.groups = groups
        self.location = location
    }
}

public enum ACLReference: Sendable, Hashable {
    /// A name declared with `acl` in the same proxy, or a predefined one (TRUE, LOCALHOST, METH_GET...).
    case named(String)
    /// `{ fetch [flags] [operator] values... }`
    case anonymous(ACLCriterion)
}

/// `acl NAME CRITERION` — the name and its test.
public struct ACLDeclaration: Sendable, Hashable {
    public var name: String
    public var criterion: ACLCriterion
    public init(name: String, criterion: ACLCriterion) {
        self.name = name
        self.criterion = criterion
    }
}

/// The test itself, as written: `fetch[(args)][,converter...] [flags] [operator] [patterns...]`.
public struct ACLCriterion: Sendable, Hashable {
    /// The fetch word with its arguments and converters, e.g. `path_end`, `hdr(host)`, `req.hdr(host),lower`.
    public var fetch: String
    /// Flags in order, e.g. `["-i"]`, `["-m", "beg"]`, `["-f", "/etc/lb/list"]`.
    public var flags: [String]
    /// The remaining words: an optional integer operator (`eq ge gt le lt`) then the patterns.
    public var patterns: [String]
    public var location: SourceLocation
    public init(fetch: String, flags: [String] = [], patterns: [String] = [], location: SourceLocation) {
        self.fetch = fetch
        self.flags = flags
        self.patterns = patterns
        self.location = location
    }
}
