import LBConfig
import LBCore

extension RuntimeAPI {
    /// `set table NAME key K [data.TYPE VALUE]...`: creates K's entry if needed and sets the counters
    /// named (a rate restarts with VALUE events in its current period). Needs `operator`, as in HAProxy.
    func setTable(_ args: [String]) -> String {
        guard let name = args.first else { return "Optional argument only supports \"data.<store_data_type>\" <operator> <value> and key <key>\n" }
        guard let table = tableViews.first(where: { $0.name == name }) else { return "No such table\n" }
        // Without `key`, HAProxy answers nothing.
        guard args.count > 1 else { return "" }
        guard args.count > 2, args[1] == "key" else { return "Key value expected\n" }
        guard level >= .operator else { return "Permission denied\n" }
        let key: String
        switch table.declaration.type {
        case .ip, .ipv6:
            // Like HAProxy, an address that does not parse names the all-zero address.
            let address = IPAddress(args[2]) ?? (table.declaration.type == .ip ? .v4(0) : .v6(0))
            key = (table.declaration.type == .ip ? address.unmapped : address).description
        case .integer:
            guard let value = UInt32(args[2]) else { return "Invalid key\n" }
            key = String(value)
        case .string:
            key = args[2]
        case .binary:
            return "Setting keys in tables of type other than ip, ipv6, string and integer is not supported\n"
        }
        var updates: [(StickDataType, Int)] = []
        var position = 3
        while position < args.count {
            let word = args[position]
            guard word.hasPrefix("data."), Self.tableDataTypes.contains(String(word.dropFirst(5))) else {
                return "Unknown data type\n"
            }
            guard let type = StickDataType(name: String(word.dropFirst(5))), type != .serverID, type != .serverKey,
                  table.declaration.stored.stores(type) else { return "Data type not stored in this table\n" }
            guard position + 1 < args.count, let value = Int(args[position + 1]) else { return "Require a valid integer value to store\n" }
            updates.append((type, value))
            position += 2
        }
        let now = ProxyRuntime.stickClock()
        let stored = table.declaration.stored
        let found = table.lock.withLock { store in
            store.withCounters(key, now: now, create: true) { counters, _ -> Bool in
                for (type, value) in updates { _ = counters.set(type, to: value, stored, now: now) }
                return true
            }
        }
        return found == nil ? "Unable to allocate a new entry\n" : ""
    }
}
