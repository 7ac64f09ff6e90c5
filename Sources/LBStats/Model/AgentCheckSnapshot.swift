/// A server's agent check as the stats show it (`agent_status`, `agent_code`, `agent_duration`,
/// `agent_desc`, `last_agt`, `agent_rise`, `agent_fall`, `agent_health`).
public struct AgentCheckSnapshot: Sendable, Equatable {
    /// `L7OK`, `L7STS`, `CHECKED`, `L4CON`...; nil before the first answer.
    public var status: String?
    public var code: Int?
    /// Milliseconds the last agent check took.
    public var duration: Int?
    /// What the status means ("Layer7 check passed", "No status change"...).
    public var description: String?
    /// The agent's own words or the error that kept it from answering ("via agent : down (disk full)").
    public var info: String?
    /// 1 while the agent lets the server up, 0 after it said down; an agent's rise and fall are both 1.
    public var health: Int

    public init(status: String?, code: Int?, duration: Int?, description: String?, info: String?, health: Int) {
        self.status = status
        self.code = code
        self.duration = duration
        self.description = description
        self.info = info
        self.health = health
    }
}
