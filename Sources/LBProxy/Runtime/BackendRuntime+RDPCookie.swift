import LBCore

extension BackendRuntime {
    /// `persist rdp-cookie`: the server the connection's RDP cookie names by address and port, when it
    /// may take the connection (ready and healthy, or `option persist`); nil otherwise.
    func serverNamedByRDPCookie(_ connection: ConnectionInfo) -> Int? {
        guard let name = plan.persistRDPCookie, let bytes = connection.content?.bytes,
              let value = RDPConnectionRequest.cookie(in: bytes, name: name),
              let named = RDPConnectionRequest.serverAddress(fromMSTS: value),
              let index = servers.firstIndex(where: { $0.address?.ipAddress == named.address && $0.address?.port == named.port })
        else { return nil }
        return servers[index].acceptsPersistentRequests || plan.persist ? index : nil
    }
}
