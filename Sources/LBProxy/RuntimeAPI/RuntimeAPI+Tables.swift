import LBConfig
import LBCore

/// `show table`, `clear table` and `set table` over every stick table (a backend's, or a frontend's that
/// only tracks counters), with HAProxy's output and messages. `show` and `clear` are open to every level,
/// as in HAProxy: below `operator` a table's contents are not dumped, `clear table NAME` silently does
/// nothing and a `key` lookup is refused.
extension RuntimeAPI {
    static let tableCommands: [RuntimeCommand] = [
        RuntimeCommand(words: ["show", "table"], arguments: "[<table> [key <k> | data.<type> <op> <v>]]",
                       help: "report table usage stats or dump this table's contents", level: .user) { args, api in
            api.table(.show, args)
        },
        RuntimeCommand(words: ["clear", "table"], arguments: "<table> [key <k> | data.<type> <op> <v>]",
                       help: "remove entries from a table (all, one key, or by data)", level: .user) { args, api in
            api.table(.clear, args)
        },
        RuntimeCommand(words: ["set", "table"], arguments: "<table> key <k> [data.<type> <v>]*",
                       help: "update or create a table entry's data", level: .user) { args, api in
            api.setTable(args)
        },
    ]

    /// One stick table as these commands see it: its name and declaration, its store, and the backend
    /// that declares it (nil for a frontend's table, whose entries name no server).
    struct TableView {
        let name: String
        let declaration: StickTableDeclaration
        let lock: StickTableLock
        let backend: BackendRuntime?
    }

    /// Every table, in the order of the sections that declare them.
    var tableViews: [TableView] {
        zip(runtime.plan.stickTables, runtime.stickTables).map { plan, lock in
            TableView(name: plan.name, declaration: plan.declaration, lock: lock,
                      backend: plan.backend.flatMap { $0 < runtime.backends.count ? runtime.backends[$0] : nil })
        }
    }

    enum TableAction { case show, clear }

    /// HAProxy's stored-data types: lb's tables hold `server_id` and `server_key`, the others are known
    /// names that no lb table stores.
    static let tableDataTypes: Set<String> = [
        "server_id", "gpt0", "gpc0", "gpc0_rate", "gpc1", "gpc1_rate", "conn_cnt", "conn_rate", "conn_cur",
        "sess_cnt", "sess_rate", "http_req_cnt", "http_req_rate", "http_err_cnt", "http_err_rate", "bytes_in_cnt",
        "bytes_in_rate", "bytes_out_cnt", "bytes_out_rate", "server_key", "http_fail_cnt", "http_fail_rate",
        "gpt", "gpc", "gpc_rate",
    ]

    static let clearUsage = "Required arguments: <table> \"data.<store_data_type>\" <operator> <value> or <table> key <key>\n"

    func table(_ action: TableAction, _ args: [String]) -> String {
        guard let name = args.first else {
            guard action == .show else { return Self.clearUsage }
            return tableViews.map { tableHead($0, count: Self.entries($0).count) }.joined()
        }
        guard let table = tableViews.first(where: { $0.name == name }) else { return "No such table\n" }
        var filter: @Sendable (StickTableStore.Entry) -> Bool = { _ in true }
        if args.count > 1 {
            if args[1] == "key" { return tableKey(action, table, args.count > 2 ? args[2] : nil) }
            guard args[1].hasPrefix("data.") else {
                return action == .show ? "Optional argument only supports \"data.<store_data_type>\" <operator> <value> and key <key>\n" : Self.clearUsage
            }
            switch dataFilter(Array(args.dropFirst()), stored: table.declaration.stored) {
            case .success(let predicate): filter = predicate
            case .failure(let error): return error.message
            }
        }
        let privileged = level >= .operator
        switch action {
        case .show:
            let entries = Self.entries(table)
            var text = tableHead(table, count: entries.count)
            guard privileged else { return text + "# contents not dumped due to insufficient privileges\n" }
            let now = ProxyRuntime.stickClock()
            for entry in Self.keyOrder(entries, table.declaration.type) where filter(entry) {
                text += tableEntry(table, entry, now: now)
            }
            return text
        case .clear:
            if privileged { Self.remove(from: table, where: filter) }
            return ""
        }
    }

    /// `key <k>`: one entry, found by the key as the table stores it.
    func tableKey(_ action: TableAction, _ table: TableView, _ key: String?) -> String {
        guard let key else { return "Key value expected\n" }
        let matches: @Sendable (String) -> Bool
        let declaration = table.declaration
        switch declaration.type {
        case .ip, .ipv6:
            // Like HAProxy, an address that does not parse looks up the all-zero address.
            let wanted = (IPAddress(key) ?? (declaration.type == .ip ? .v4(0) : .v6(0))).unmapped
            matches = { IPAddress($0)?.unmapped == wanted }
        case .integer:
            guard let value = UInt32(key) else { return "Invalid key\n" }
            matches = { UInt32($0) == value }
        case .string:
            let wanted = table.lock.withLock { $0.normalize(key) }
            matches = { $0 == wanted }
        case .binary:
            return action == .show
                ? "Showing keys from tables of type other than ip, ipv6, string and integer is not supported\n"
                : "Removing keys from tables of type other than ip, ipv6, string and integer is not supported\n"
        }
        guard level >= .operator else { return "Permission denied\n" }
        switch action {
        case .show:
            let entries = Self.entries(table)
            guard let entry = entries.first(where: { matches($0.key) }) else { return "" }
            return tableHead(table, count: entries.count) + tableEntry(table, entry, now: ProxyRuntime.stickClock())
        case .clear:
            Self.remove(from: table) { matches($0.key) }
            return ""
        }
    }

    struct TableError: Error {
        let message: String
    }

    /// Up to four `data.<type> <op> <value>` filters, all of which an entry must pass (HAProxy reads a
    /// `server_key` as 0 in such comparisons). `args` starts at the first filter.
    func dataFilter(_ args: [String], stored: StickStoredData) -> Result<@Sendable (StickTableStore.Entry) -> Bool, TableError> {
        var filters: [@Sendable (StickTableStore.Entry) -> Bool] = []
        var position = 0
        while filters.count < 4, position < args.count {
            switch Self.singleDataFilter(Array(args[position...].prefix(3)), stored: stored) {
            case .success(let filter): filters.append(filter)
            case .failure(let error): return .failure(TableError(message: "Filter entry #\(filters.count + 1): " + error.message))
            }
            position += 3
        }
        if position < args.count {
            return .failure(TableError(message: "Detected extra data in filter, 16th word of input, after '\(args[position - 1])'\n"))
        }
        let all = filters
        return .success { entry in all.allSatisfy { $0(entry) } }
    }

    /// One filter: the type (its first five characters, `data.`, are skipped), the operator, the value.
    /// Counters compare by their value at the time of the command.
    static func singleDataFilter(_ words: [String], stored: StickStoredData) -> Result<@Sendable (StickTableStore.Entry) -> Bool, TableError> {
        let type = String(words[0].dropFirst(5))
        guard tableDataTypes.contains(type) else { return .failure(TableError(message: "Unknown data type\n")) }
        let counter = StickDataType(name: type).flatMap { $0 == .serverID || $0 == .serverKey ? nil : $0 }
        if let counter, !stored.stores(counter) {
            return .failure(TableError(message: "Data type not stored in this table\n"))
        }
        guard type == "server_id" || type == "server_key" || counter != nil else {
            return .failure(TableError(message: "Data type not stored in this table\n"))
        }
        let compare: @Sendable (Int64, Int64) -> Bool
        switch words.count > 1 ? words[1] : "" {
        case "eq": compare = { $0 == $1 }
        case "ne": compare = { $0 != $1 }
        case "le": compare = { $0 <= $1 }
        case "ge": compare = { $0 >= $1 }
        case "lt": compare = { $0 < $1 }
        case "gt": compare = { $0 > $1 }
        default:
            return .failure(TableError(message: "Require and operator among \"eq\", \"ne\", \"le\", \"ge\", \"lt\", \"gt\"\n"))
        }
        guard words.count > 2, let value = Int64(words[2]) else {
            return .failure(TableError(message: "Require a valid integer value to compare against\n"))
        }
        let byID = type == "server_id"
        let now = ProxyRuntime.stickClock()
        return .success { entry in
            if let counter { return compare(Int64(entry.counters.value(counter, stored, now: now) ?? 0), value) }
            return compare(byID ? Int64(entry.server + 1) : 0, value)
        }
    }

    // MARK: Rendering

    func tableHead(_ table: TableView, count: Int) -> String {
        "# table: \(table.name), type: \(table.declaration.type.rawValue), size:\(table.declaration.size), used:\(count)\n"
    }

    /// `0x<id>: key=K use=N exp=MS [server_id=N] [counters...] [server_key=NAME]`, counters in HAProxy's
    /// order with rates as `http_req_rate(10000)=3`. `use` counts the trackers holding the entry. Entries
    /// have no address: the id is a hash of table and key, stable while the entry lives.
    func tableEntry(_ table: TableView, _ entry: StickTableStore.Entry, now: Int64) -> String {
        let declaration = table.declaration
        let key: String
        switch declaration.type {
        case .string: key = Self.escapedKey(entry.key)
        case .binary: key = Self.hexKey(entry.key, length: declaration.keyLength)
        default: key = entry.key
        }
        let expires = entry.expiresAt.map { max(0, $0 - now) } ?? 0
        let servers = table.backend.map { storingBackend(forTable: $0.index).servers } ?? []
        let server = entry.server >= 0 && entry.server < servers.count ? servers[entry.server].plan : nil
        let id = server.map { $0.index + 1 } ?? entry.server + 1
        // Persistence tables store the server whether or not `store server_id` was written, as in HAProxy.
        let stored = declaration.stored
        let keepsServer = stored.stores(.serverID) || table.backend.map { backend in
            runtime.backends.contains { $0.plan.stickRules.contains { $0.table == backend.index } }
        } ?? false
        var line = "0x\(String(Self.entryID(table.name, entry.key), radix: 16)): key=\(key) use=\(entry.uses) exp=\(expires)"
        if keepsServer { line += " server_id=\(id)" }
        for type in stored.types where type != .serverID {
            guard let value = entry.counters.value(type, stored, now: now) else { continue }
            line += " " + type.name
            if type.isRate, let period = stored.period(type) { line += "(\(period))" }
            line += "=\(value)"
        }
        if keepsServer { line += " server_key=\(server?.name ?? "-")" }
        return line + "\n"
    }

    /// The backend whose servers a table's entries name: the first one with a stick rule on the table
    /// (`stick on src table T`), else the table's own backend.
    func storingBackend(forTable table: Int) -> BackendRuntime {
        runtime.backends.first { $0.plan.stickRules.contains { $0.table == table } } ?? runtime.backends[table]
    }

    /// HAProxy walks a table in key order: addresses and integers by value, strings byte by byte.
    static func keyOrder(_ entries: [StickTableStore.Entry], _ type: StickTableDeclaration.KeyType?) -> [StickTableStore.Entry] {
        func rank(_ key: String) -> (UInt128, String) {
            switch type {
            case .ip, .ipv6:
                switch IPAddress(key) {
                case .v4(let value): return (type == .ip ? UInt128(value) : 0xffff_0000_0000 | UInt128(value), key)
                case .v6(let value): return (value, key)
                case nil: return (0, key)
                }
            case .integer: return (UInt128(UInt32(key) ?? 0), key)
            default: return (0, key)
            }
        }
        return entries.sorted { rank($0.key) < rank($1.key) }
    }

    static func entryID(_ table: String, _ key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in table.utf8 + [0] + key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash & 0xffff_ffff_ffff
    }

    /// HAProxy's escaping of string keys: space, `=` and `\` and control characters escaped.
    static func escapedKey(_ key: String) -> String {
        var text = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "="), UInt8(ascii: "\\"): text += "\\" + String(UnicodeScalar(byte))
            case UInt8(ascii: "\t"): text += "\\t"
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\r"): text += "\\r"
            case 0x1b: text += "\\e"
            case 0x21...0x7e: text.append(Character(UnicodeScalar(byte)))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text
    }

    /// Binary keys print as hexadecimal over the table's whole key length.
    static func hexKey(_ key: String, length: Int) -> String {
        var bytes = Array(key.utf8.prefix(length))
        bytes += Array(repeating: 0, count: max(0, length - bytes.count))
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined()
    }

    /// The live entries of the table (expired ones are dropped on the way).
    static func entries(_ table: TableView) -> [StickTableStore.Entry] {
        table.lock.withLock { $0.snapshot(now: ProxyRuntime.stickClock()) }
    }

    // MARK: Removal

    /// Removes the entries `shouldRemove` selects, under the table's lock.
    static func remove(from table: TableView, where shouldRemove: (StickTableStore.Entry) -> Bool) {
        let now = ProxyRuntime.stickClock()
        table.lock.withLock { store in
            // Entries a tracker holds stay, as HAProxy keeps entries in use.
            for entry in store.snapshot(now: now) where shouldRemove(entry) { store.remove(key: entry.key) }
        }
    }
}
