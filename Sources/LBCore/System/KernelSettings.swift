import LBConfig

/// What the kernel says about itself that lb checks at start: sysctl values (`/proc/sys`) and the
/// addresses of the host's interfaces. A value, not a global, so that the checks are tested with made-up
/// kernels; `LBProxy` provides the one that reads the real /proc.
public struct KernelSettings: Sendable {
    /// A sysctl's text by its dotted name (`net.core.somaxconn`); nil when this kernel has no such setting.
    public var read: @Sendable (_ name: String) -> String?
    /// The addresses assigned to the host's interfaces (in the namespace lb runs in).
    public var localAddresses: @Sendable () -> Set<IPAddress>

    public init(read: @escaping @Sendable (_ name: String) -> String?, localAddresses: @escaping @Sendable () -> Set<IPAddress>) {
        self.read = read
        self.localAddresses = localAddresses
    }

    /// A sysctl holding one integer.
    public func integer(_ name: String) -> Int? {
        read(name).flatMap { Int($0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first ?? "") }
    }

    /// The file of a sysctl under /proc/sys: dots become slashes (`net/core/somaxconn`).
    public static func path(of name: String) -> String {
        "/proc/sys/" + String(name.map { $0 == "." ? "/" : $0 })
    }
}
