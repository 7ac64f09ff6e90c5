import LBConfig

/// Kernel settings that quietly undo a configuration, checked once at start and reported as warnings
/// (lb starts anyway: the operator may know better). docs/tuning.md explains each one.
public enum KernelChecks {
    /// The listen backlog lb asks for on every listening socket: how many established connections may
    /// wait for lb to accept them. The kernel silently cuts it to `net.core.somaxconn`.
    public static let listenBacklog = 1024

    public static func warnings(binds: [BindAddress], backlog: Int = listenBacklog, kernel: KernelSettings) -> [String] {
        var warnings: [String] = []
        if let somaxconn = kernel.integer("net.core.somaxconn"), somaxconn < backlog {
            warnings.append("net.core.somaxconn is \(somaxconn), below the listen backlog lb asks for (\(backlog)): the kernel "
                + "keeps at most \(somaxconn) connections waiting to be accepted and drops the rest in a burst. "
                + "Raise it: sysctl -w net.core.somaxconn=\(backlog).")
        }
        warnings += nonlocalBindWarnings(binds, kernel: kernel)
        return warnings
    }

    /// A bind on an address the host does not have (a keepalived VIP on the backup node) fails unless
    /// `ip_nonlocal_bind` allows it.
    static func nonlocalBindWarnings(_ binds: [BindAddress], kernel: KernelSettings) -> [String] {
        var local: Set<IPAddress>?
        var warned = Set<IPAddress>()
        var warnings: [String] = []
        for bind in binds where bind.descriptor == nil {
            guard let host = bind.host, let address = IPAddress(host), address != .v4(0), address != .v6(0), !warned.contains(address) else { continue }
            let setting = address.isV4 ? "net.ipv4.ip_nonlocal_bind" : "net.ipv6.ip_nonlocal_bind"
            guard kernel.integer(setting) == 0 else { continue }
            if local == nil { local = kernel.localAddresses() }
            guard local?.contains(address) == false else { continue }
            warned.insert(address)
            warnings.append("\(bind.location): \(host) is not an address of this host and \(setting) is 0, so the bind "
                + "fails until the address arrives (a keepalived VIP on the backup node). Set \(setting)=1 "
                + "to let lb start and listen before it holds the address.")
        }
        return warnings
    }
}
