import LBCore
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

extension PeersState {
    /// `show peers` for this section in HAProxy's layout: a head line for the section, then each peer
    /// (the local one first) with its state, counters, session and shared tables. lb has no object
    /// addresses to print: the `0x...` numbers are stable identifiers of the same things.
    func show(dictionaries: Bool = false) -> String {
        let now = NIODeadline.now()
        var text = "\(Self.identifier(self)): [\(Self.date(lastChange))] id=\(section.name) disabled=\(section.disabled ? 1 : 0)"
        text += " flags=0x\(String(flags, radix: 16)) resync_timeout=\(resync.isFinished ? "<PAST>" : Self.human(milliseconds: max(0, resync.deadline - ProxyRuntime.stickClock())))"
        text += " task_calls=\(taskCalls)\n"
        let listen = section.listenAddress
        text += "  \(Self.identifier(section.localPeerName)): id=\(section.localPeerName)(local,inactive) addr=\(listen?.host ?? "0.0.0.0"):\(listen?.port ?? 0)"
        text += " last_status=NONE last_hdshk=<NEVER>\n"
        text += "        reconnect=<NEVER> heartbeat=<NEVER> confirm=0 tx_hbt=0 rx_hbt=0 no_hbt=0 new_conn=0 proto_err=0 coll=0\n"
        text += "        flags=0x0"
        text += sharedTables(nil, dictionaries: dictionaries)
        text += "\n"
        for remote in remotes {
            let connection = remote.connection
            text += "  \(Self.identifier(remote)): id=\(remote.name)(remote,\(connection == nil ? "inactive" : "active")) addr=\(remote.addressText)"
            text += " last_status=\(Self.status(remote.statusCode)) last_hdshk=\(remote.lastHandshake.map { Self.elapsed(since: $0, now) } ?? "<NEVER>")\n"
            text += "        reconnect=\(Self.remaining(remote.reconnectAt, now))"
            let heartbeat = connection.flatMap { $0.isEstablished ? $0.lastSent + Self.heartbeatInterval : nil }
            text += " heartbeat=\(heartbeat.map { Self.remaining($0, now) } ?? "<NEVER>")"
            text += " confirm=0 tx_hbt=\(remote.sentHeartbeats) rx_hbt=\(remote.receivedHeartbeats) no_hbt=\(remote.missedHeartbeats)"
            text += " new_conn=\(remote.newConnections) proto_err=\(remote.protocolErrors) coll=\(remote.collisions)\n"
            let learning = resync.isLearning(from: remote.name), behind = resync.notUpToDate.contains(remote.name)
            text += "        flags=0x\(String(learning ? 0x100 : behind ? 0x200 : 0, radix: 16))"
            if let connection {
                text += " appctx:\(Self.identifier(connection)) st0=\(connection.isEstablished ? 7 : 6) st1=0 task_calls=\(taskCalls)"
                text += " state=\(connection.isEstablished ? "EST" : "CON")"
                text += "\n        xprt=RAW"
                // As HAProxy prints them: the connection's source and destination, whichever side dialled.
                let (source, destination) = connection.accepted ? (connection.peerAddress, connection.localAddress)
                    : (connection.localAddress, connection.peerAddress)
                if let source, let port = source.port { text += " src=\(source.ipAddress.map { "\($0)" } ?? "?"):\(port)" }
                if let destination, let port = destination.port { text += " addr=\(destination.ipAddress.map { "\($0)" } ?? "?"):\(port)" }
                if let current = connection.session.currentRemote {
                    text += "\n        remote_table:\(Self.identifier(tables[current.index].binding.name)) id=\(tables[current.index].binding.name)"
                    text += " local_id=\(tables[current.index].id) remote_id=\(current.definition.id)"
                }
                if let last = connection.session.lastTable {
                    text += "\n        last_local_table:\(Self.identifier(tables[last].binding.name)) id=\(tables[last].binding.name)"
                    text += " local_id=\(tables[last].id) remote_id=\(remoteID(of: last, in: connection))"
                }
            }
            text += sharedTables(remote, dictionaries: dictionaries)
            text += "\n"
        }
        return text
    }

    /// HAProxy's resync flags: learning from a local process is never needed (lb hands over differently),
    /// then remote resync assigned, requested, finished.
    private var flags: Int {
        switch resync.state {
        case .needed: 0x1
        case .learning: 0x1 | 0x4 | 0x8 | 0x2000
        case .finished: 0x1 | 0x2
        }
    }

    private func remoteID(of table: Int, in connection: PeerConnection) -> UInt64 {
        connection.session.remoteTables.first { $0.value.index == table }?.key ?? 0
    }

    private func sharedTables(_ remote: RemotePeer?, dictionaries: Bool) -> String {
        guard !tables.isEmpty else { return "" }
        var text = "\n        shared tables:"
        for (index, table) in tables.enumerated() {
            let localUpdate = table.lock.withLock { $0.localUpdate }
            let connection = remote?.connection
            let peerTableID = connection.map { remoteID(of: index, in: $0) } ?? 0
            let definition = connection?.session.remoteTables[peerTableID]?.definition
            text += "\n          \(Self.identifier("\(remote?.name ?? "")/\(table.binding.name)")) local_id=\(table.id) remote_id=\(peerTableID)"
            text += " flags=0x0 remote_data=0x\(String(definition?.dataTypes ?? 0, radix: 16))"
            let acked = remote.map { UInt32(truncatingIfNeeded: $0.acknowledged[index]) } ?? 0
            let pushed = connection.map { UInt32(truncatingIfNeeded: $0.lastPushed[index]) } ?? 0
            let got = connection?.session.lastGet[peerTableID] ?? 0
            // As haproxy: last_acked is what this side acknowledged of the peer's updates, update what
            // the peer acknowledged of this side's.
            let ackedToPeer = connection?.session.lastAcked[peerTableID] ?? 0
            text += "\n              last_acked=\(ackedToPeer) last_pushed=\(pushed) last_get=\(got) teaching_origin=\(pushed) update=\(acked)"
            text += "\n              table:\(Self.identifier(table.binding.name)) id=\(table.binding.name) update=\(UInt32(truncatingIfNeeded: localUpdate))"
            text += " localupdate=\(UInt32(truncatingIfNeeded: localUpdate)) commitupdate=\(pushed) refcnt=1"
            text += dictionaries ? Self.dictionaries(remote?.connection?.session) : "\n        Dictionary cache not dumped (use \"show peers dict\")"
        }
        return text
    }

    /// The session's dictionary caches as HAProxy prints them: the used sending slots, then every
    /// receiving slot, four to a line.
    static func dictionaries(_ session: PeerSession?) -> String {
        var text = "\n        TX dictionary cache:"
        let sent = session?.sentDictionary.values ?? Array(repeating: nil, count: PeerDictionaryCache.size)
        for (slot, value) in sent.enumerated() {
            guard let value else { break }
            if slot % 4 == 0 { text += "\n        " }
            text += "  \(padded(slot)) -> \(value)"
        }
        text += "\n        RX dictionary cache:"
        let received = session?.receivedDictionary.values ?? Array(repeating: nil, count: PeerDictionaryCache.size)
        for (slot, value) in received.enumerated() {
            if slot % 4 == 0 { text += "\n        " }
            text += "  \(padded(slot)) -> \(value ?? "-")"
        }
        return text
    }

    private static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: " ", count: max(0, 3 - digits.count)) + digits
    }

    static func status(_ code: Int) -> String {
        switch code {
        case 100: "CONN"
        case 110: "HSHK"
        case 200: "ESTA"
        case 300: "RETR"
        case 501: "PROT"
        case 502: "VERS"
        case 503: "NAME"
        case 504: "UNKN"
        default: "NONE"
        }
    }

    /// HAProxy's human-readable duration: days, hours, minutes and seconds, leading zero parts left out.
    static func human(milliseconds: Int64) -> String {
        var seconds = max(0, milliseconds) / 1000
        var text = ""
        let days = seconds / 86_400
        if days > 0 { text += "\(days)d" }
        seconds %= 86_400
        let hours = seconds / 3600
        if !text.isEmpty || hours > 0 { text += "\(hours)h" }
        seconds %= 3600
        let minutes = seconds / 60
        if !text.isEmpty || minutes > 0 { text += "\(minutes)m" }
        return text + "\(seconds % 60)s"
    }

    static func remaining(_ deadline: NIODeadline, _ now: NIODeadline) -> String {
        deadline <= now ? "<PAST>" : human(milliseconds: (deadline - now).nanoseconds / 1_000_000)
    }

    static func elapsed(since start: NIODeadline, _ now: NIODeadline) -> String {
        human(milliseconds: (now - start).nanoseconds / 1_000_000)
    }

    static func identifier(_ object: AnyObject) -> String {
        "0x" + String(UInt(bitPattern: ObjectIdentifier(object).hashValue), radix: 16)
    }

    static func identifier(_ name: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "0x" + String(hash & 0xffff_ffff_ffff, radix: 16)
    }

    static func date(_ time: time_t) -> String {
        var seconds = time
        var parts = tm()
        localtime_r(&seconds, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_mday))/\(months[Int(parts.tm_mon)])/\(parts.tm_year + 1900):\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
