/// One server's line of a server state file (format version 1, HAProxy's `show servers state`).
public struct ServerStateLine: Sendable, Hashable {
    public var backendID: Int
    public var backendName: String
    public var serverID: Int
    public var serverName: String
    public var address: String
    /// `srv_op_state`: 0 stopped, 1 starting, 2 running, 3 stopping.
    public var operationalState: Int
    /// `srv_admin_state`: the `ServerStateFile.Admin` bits.
    public var adminState: Int
    /// `srv_uweight` (the runtime weight) and `srv_iweight` (the configured one).
    public var userWeight: Int
    public var initialWeight: Int
    public var secondsSinceLastChange: Int
    public var checkStatus: Int
    public var checkResult: Int
    public var checkHealth: Int
    /// `srv_check_state`: the `ServerStateFile.Check` bits.
    public var checkState: Int

    public init(backendID: Int, backendName: String, serverID: Int, serverName: String, address: String,
                operationalState: Int, adminState: Int, userWeight: Int, initialWeight: Int,
                secondsSinceLastChange: Int = 0, checkStatus: Int = 0, checkResult: Int = 0, checkHealth: Int = 0,
                checkState: Int = 0) {
        self.backendID = backendID
        self.backendName = backendName
        self.serverID = serverID
        self.serverName = serverName
        self.address = address
        self.operationalState = operationalState
        self.adminState = adminState
        self.userWeight = userWeight
        self.initialWeight = initialWeight
        self.secondsSinceLastChange = secondsSinceLastChange
        self.checkStatus = checkStatus
        self.checkResult = checkResult
        self.checkHealth = checkHealth
        self.checkState = checkState
    }
}
