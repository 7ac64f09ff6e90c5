import NIOCore

extension Error {
    /// The connect attempt ran out of `timeout connect` (as opposed to being refused or unreachable):
    /// the difference between the termination states sC and SC, and L4TOUT and L4CON.
    var isConnectTimeout: Bool {
        if let error = self as? ChannelError, case .connectTimeout = error { return true }
        return false
    }
}
