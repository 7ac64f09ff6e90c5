/// Reads configuration sources in order and keeps track of the current section. Each source starts outside
/// any section (as each `-f` file does in HAProxy); defaults sections carry over from one source to the next.
struct ConfigurationParser {
    static let sectionKeywords: Set<String> = ["global", "defaults", "frontend", "backend", "listen", "userlist", "peers"]
    /// Sections HAProxy has and lb does not.
    static let unsupportedSections: Set<String> = [
        "resolvers", "ring", "mailers", "cache", "http-errors", "program", "log-forward", "fcgi-app",
        "crt-store", "traces", "acme", "dynamic-update", "namespace_list",
    ]

    private enum Section {
        case none, global, defaults, proxy(Int), userlist(Int), peers(Int), unsupported
    }

    var context: ParseContext
    private var global = GlobalSettings()
    private var proxies: [ProxyBuilder] = []
    /// Indexes in `proxies` by name (a frontend and a backend may share one), so that a new section's
    /// name is checked with a lookup rather than a pass over every proxy declared before it.
    private var proxyIndexes: [String: [Int]] = [:]
    private var userlists: [UserlistBuilder] = []
    private var userlistIndexes: [String: Int] = [:]
    private var peersSections: [PeersSectionBuilder] = []
    private var section: Section = .none
    /// The defaults section being read, while in one.
    private var editingDefaults: ProxyBuilder?
    /// The defaults that apply to the next proxy without `from`.
    private var lastDefaults: ProxyBuilder?
    private var namedDefaults: [String: ProxyBuilder] = [:]
    /// Set by `.alert`, or by a conditional block that cannot be read: the rest of the configuration is not
    /// read, since which of its lines apply is no longer known (or its author asked lb not to start).
    var aborted = false

    init(environment: [String: String], isRoot: Bool) {
        context = ParseContext(environment: environment, isRoot: isRoot)
    }

    mutating func parse(_ text: String, file: String) {
        guard !aborted else { return }
        section = .none
        var lineNumber = 0
        var blocks = ConditionalBlocks()
        // Split on the byte: as Characters, "\r\n" is one grapheme that is not "\n", so a CRLF file would be
        // one long line, and walking graphemes costs more than the lexing itself. Each line's "\r" is a
        // blank to the lexer.
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let before = context.diagnostics.count
            guard let words = Lexer.words(in: Substring(line), file: file, lineNumber: lineNumber, environment: context.environment,
                                          diagnostics: &context.diagnostics), !words.isEmpty else { continue }
            let directive = Directive(words: words, file: file, line: lineNumber)
            if handleBlockDirective(directive, blocks: &blocks, diagnosticsBefore: before) {
                if aborted { return }
                continue
            }
            guard blocks.isActive else {
                // A skipped line's unset variables are expected (`.if defined(PORT)` guards `bind :${PORT}`);
                // its syntax errors are still reported, as HAProxy reports them.
                dropWarnings(since: before)
                continue
            }
            if handleMessageDirective(directive) {
                if aborted { return }
                continue
            }
            let keyword = directive.keyword
            if !words[0].quoted, Self.sectionKeywords.contains(keyword) || Self.unsupportedSections.contains(keyword) {
                closeSection()
                openSection(directive)
                continue
            }
            switch section {
            case .none:
                context.error("'\(keyword)' is outside of any section", at: directive.location,
                              hint: "start a section first: global, defaults, frontend, backend, listen, userlist or peers")
            case .global:
                GlobalSectionParser.parse(directive, into: &global, context: &context)
            case .defaults:
                if editingDefaults != nil { ProxySectionParser.parse(directive, into: &editingDefaults!, context: &context) }
            case .proxy(let index):
                ProxySectionParser.parse(directive, into: &proxies[index], context: &context)
            case .userlist(let index):
                userlists[index].parse(directive, context: &context)
            case .peers(let index):
                peersSections[index].parse(directive, context: &context)
            case .unsupported:
                continue
            }
        }
        if let opened = blocks.innermostOpening {
            context.error("this '.if' is not closed by '.endif' before the end of the file", at: opened,
                          hint: "every '.if' needs its '.endif' in the same file")
            aborted = true
        }
        closeSection()
    }

    /// Ends the current section: a finished defaults section becomes the one later proxies inherit.
    private mutating func closeSection() {
        if case .defaults = section, let defaults = editingDefaults {
            ConditionParser.checkReferences(defaults.aclReferences, declared: [], context: &context)
            var finished = defaults
            finished.aclReferences = []
            lastDefaults = finished
            if !finished.proxy.name.isEmpty { namedDefaults[finished.proxy.name] = finished }
            editingDefaults = nil
        }
        section = .none
    }

    private static func validName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }
    }

    private mutating func openSection(_ directive: Directive) {
        let keyword = directive.keyword
        let location = directive.location
        if Self.unsupportedSections.contains(keyword) {
            context.error("section '\(keyword)' is not supported", at: location,
                          hint: "lb does not implement '\(keyword)' sections; remove the section and the keywords that refer to it")
            section = .unsupported
            return
        }
        switch keyword {
        case "global":
            context.noExtraArguments(directive, after: 1, "global")
            section = .global
        case "userlist":
            guard let name = directive.text(1), Self.validName(name) else {
                context.error("'userlist' expects a name", at: location)
                section = .unsupported
                return
            }
            context.noExtraArguments(directive, after: 2, "userlist \(name)")
            if let previous = userlistIndexes[name] {
                context.error("userlist '\(name)' is already declared at \(userlists[previous].list.location.fileAndLine)", at: location)
            } else {
                userlistIndexes[name] = userlists.count
            }
            userlists.append(UserlistBuilder(name: name, location: location))
            section = .userlist(userlists.count - 1)
        case "peers":
            guard let name = directive.text(1), Self.validName(name) else {
                context.error("'peers' expects a name", at: location, hint: "for example: peers mypeers")
                section = .unsupported
                return
            }
            context.noExtraArguments(directive, after: 2, "peers \(name)")
            if let previous = peersSections.first(where: { $0.section.name == name }) {
                context.error("peers section '\(name)' has the same name as another peers section declared at \(previous.section.location.fileAndLine)",
                              at: location)
            }
            peersSections.append(PeersSectionBuilder(name: name, localPeerName: PeersSectionBuilder.localPeerName(environment: context.environment),
                                                     location: location))
            section = .peers(peersSections.count - 1)
        case "defaults":
            var name = ""
            var index = 1
            if let first = directive.text(1), first != "from" {
                name = first
                index = 2
            }
            if !name.isEmpty, !Self.validName(name) {
                context.error("invalid defaults name '\(name)'", at: directive.location(of: 1),
                              hint: "names use letters, digits and - _ . :")
            }
            if !name.isEmpty, let previous = namedDefaults[name] {
                context.error("defaults section '\(name)' is already declared at \(previous.proxy.location.fileAndLine)", at: location)
            }
            let parent = fromClause(directive, at: index, explicitOnly: true)
            editingDefaults = ProxyBuilder.inheriting(from: parent, name: name, kind: .defaults, location: location)
            section = .defaults
        default:
            let kind: SectionKind = keyword == "frontend" ? .frontend : keyword == "backend" ? .backend : .listen
            guard let name = directive.text(1), name != "from" else {
                context.error("'\(keyword)' expects a name", at: location, hint: "for example: \(keyword) web")
                section = .unsupported
                return
            }
            if !Self.validName(name) {
                context.error("invalid \(keyword) name '\(name)'", at: directive.location(of: 1),
                              hint: "names use letters, digits and - _ . :")
            }
            let sameName = proxyIndexes[name, default: []]
            if let other = sameName.first(where: { !proxies[$0].kind.capabilities.isDisjoint(with: kind.capabilities) }) {
                let other = proxies[other]
                context.error("\(kind.name) '\(name)' has the same name as \(other.kind.name) '\(name)' declared at \(other.proxy.location.fileAndLine)",
                              at: location, hint: "proxy names must be unique among frontends and among backends")
            }
            let parent = fromClause(directive, at: 2, explicitOnly: false)
            proxyIndexes[name, default: []].append(proxies.count)
            proxies.append(ProxyBuilder.inheriting(from: parent, name: name, kind: kind, location: location))
            section = .proxy(proxies.count - 1)
        }
    }

    /// Reads an optional `from NAME` at word `index` and returns the defaults to inherit. Without `from`,
    /// proxies take the last defaults section, and a defaults section starts from nothing.
    private mutating func fromClause(_ directive: Directive, at index: Int, explicitOnly: Bool) -> ProxyBuilder? {
        guard let word = directive.text(index) else { return explicitOnly ? nil : lastDefaults }
        guard word == "from", let name = directive.text(index + 1) else {
            context.error("unexpected argument '\(word)' in section header", at: directive.location(of: index),
                          hint: "a section header is KEYWORD NAME [from DEFAULTS]")
            return explicitOnly ? nil : lastDefaults
        }
        context.noExtraArguments(directive, after: index + 2, "\(directive.keyword) ... from \(name)")
        if let defaults = namedDefaults[name] { return defaults }
        if proxyIndexes[name] != nil {
            context.error("'\(name)' is not a defaults section", at: directive.location(of: index + 1),
                          hint: "'from' names a 'defaults NAME' section declared above")
        } else {
            context.error("unknown defaults section '\(name)'", at: directive.location(of: index + 1),
                          hint: context.nameHint(for: name, among: namedDefaults.keys) ?? "declare 'defaults \(name)' above this line")
        }
        return explicitOnly ? nil : lastDefaults
    }

    /// Checks the whole configuration and builds the result.
    mutating func finish() -> ConfigurationLoader.Result {
        closeSection()
        // After an abort, what was read is a fragment: checking it whole would only add misleading errors.
        if !aborted {
            for builder in proxies {
                ConditionParser.checkReferences(builder.aclReferences, declared: Set(builder.proxy.acls.map(\.name)), context: &context)
            }
            Validation.run(&proxies, context: &context)
            InheritedSocketCheck.run(proxies, statsSockets: global.statsSockets, context: &context)
            ServerTLSValidation.run(proxies, global: global, context: &context)
            PeersValidation.run(proxies.map(\.proxy), peers: peersSections.map(\.section), context: &context)
        }
        var lists: [Userlist] = []
        for index in userlists.indices { lists.append(userlists[index].finish(context: &context)) }

        var seen = Set<Diagnostic>()
        let diagnostics = context.diagnostics.filter { seen.insert($0).inserted }
        let configuration = Configuration(global: global, proxies: proxies.map(\.proxy), userlists: lists,
                                          peers: peersSections.map(\.section))
        return ConfigurationLoader.Result(configuration: diagnostics.hasErrors ? nil : configuration, diagnostics: diagnostics)
    }
}
