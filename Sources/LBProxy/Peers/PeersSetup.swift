import LBConfig
import LBCore
import NIOCore

/// Builds a service per `peers` section that has the local peer, with the tables that name it.
enum PeersSetup {
    static func services(plan: ProxyPlan, backends: [BackendRuntime], stickTables: [StickTableLock], loop: EventLoop?) -> [PeersService] {
        guard let loop else { return [] }
        var services: [PeersService] = []
        for section in plan.peers where !section.disabled && section.localPeer != nil {
            var tables: [SharedTable] = []
            for (index, table) in plan.stickTables.enumerated() where table.declaration.peers == section.name {
                let lock = stickTables[index]
                lock.withLock { $0.shareWithPeers() }
                // Entries name servers of the backend whose `stick` rules use the table (its own by default).
                var serverNames: [String] = []
                var keepsServer = false
                if let own = table.backend {
                    let storing = backends.first { $0.plan.stickRules.contains { $0.table == own } }
                    keepsServer = storing != nil
                    serverNames = (storing ?? backends[own]).servers.map(\.plan.name)
                }
                let binding = PeerTableBinding(name: table.name, declaration: table.declaration, serverNames: serverNames,
                                               keepsServer: keepsServer)
                tables.append(SharedTable(id: UInt64(tables.count + 1), binding: binding, lock: lock))
            }
            services.append(PeersService(section: section, tables: tables, loop: loop))
        }
        return services
    }
}
