/// One stick table's occupancy, for `haproxy_sticktable_size` and `haproxy_sticktable_used`.
public struct StickTableSnapshot: Sendable, Hashable {
    public var name: String
    /// The key type as declared: `ip`, `ipv6`, `integer`, `string`, `binary`.
    public var type: String
    public var size: Int
    public var used: Int

    public init(name: String, type: String, size: Int, used: Int) {
        self.name = name
        self.type = type
        self.size = size
        self.used = used
    }
}
