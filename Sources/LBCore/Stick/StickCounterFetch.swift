import LBConfig

/// A `sc_*`, `scN_*` or `src_*` fetch: which entry it reads and what it does with it.
struct StickCounterFetch: Sendable, Hashable {
    enum Entry: Sendable, Hashable {
        /// The entry tracked in this slot.
        case tracked(Int)
        /// The client address's entry in this table.
        case source(table: Int)
    }

    var entry: Entry
    var operation: StickCounterOperation

    func value(in context: SampleContext) -> SampleValue? {
        guard let access = context.stickCounters else {
            return operation == .isTracked ? .boolean(false) : nil
        }
        let result: Int?
        switch entry {
        case .tracked(let slot):
            result = access.tracked(slot, operation)
            if operation == .isTracked { return .boolean(result != nil) }
        case .source(let table):
            guard let source = context.connection.source else { return nil }
            result = access.keyed(String(SampleValue.address(source).text), table: table, operation)
        }
        return result.map { .integer($0) }
    }

    /// Resolves `sc_X(N[,table])`, `scN_X([table])` and `src_X([table])`; nil when `name` is not such a
    /// fetch. The table argument is read for `src_*`; for tracked entries the tracker's own table is used.
    static func resolve(_ name: String, arguments: [String], environment: CompileEnvironment) throws(SampleCompileError) -> StickCounterFetch? {
        let entry: Entry
        let suffix: String
        var tableArgument: String?
        let arguments = arguments.filter { !$0.isEmpty }
        if name.hasPrefix("sc_") {
            guard let first = arguments.first, let slot = Int(first), (0...2).contains(slot) else {
                throw SampleCompileError("fetch '\(name)' needs a tracking slot 0, 1 or 2 as first argument")
            }
            entry = .tracked(slot)
            suffix = String(name.dropFirst(3))
        } else if name.count > 4, name.hasPrefix("sc"), let slot = Int(String(name.dropFirst(2).prefix(1))), (0...2).contains(slot),
                  name.dropFirst(3).hasPrefix("_") {
            entry = .tracked(slot)
            suffix = String(name.dropFirst(4))
        } else if name.hasPrefix("src_") {
            suffix = String(name.dropFirst(4))
            tableArgument = arguments.first
            guard let table = try tableIndex(tableArgument, for: name, environment: environment) else { return nil }
            entry = .source(table: table)
        } else {
            return nil
        }
        guard let operation = StickCounterOperation.named(suffix) else { return nil }
        if case .source = entry, operation == .isTracked { return nil }
        return StickCounterFetch(entry: entry, operation: operation)
    }

    /// The table a fetch or converter names, or the current proxy's own.
    static func tableIndex(_ name: String?, for what: String, environment: CompileEnvironment) throws(SampleCompileError) -> Int? {
        if let name {
            guard let index = environment.tableIndexes[name] else {
                throw SampleCompileError("\(what): no stick-table in a proxy named '\(name)'")
            }
            return index
        }
        guard let own = environment.currentTable else {
            throw SampleCompileError("\(what): this proxy has no stick-table", hint: "name one: \(what)(TABLE)")
        }
        return own
    }
}
