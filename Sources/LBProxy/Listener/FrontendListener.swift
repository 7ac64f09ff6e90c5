import NIOCore

/// One listening socket of a frontend: which of its `bind` lines it serves, on which port (the one the
/// kernel chose for a port-0 bind), so that `enable frontend` binds the same address again.
struct FrontendListener: Sendable {
    let bind: Int
    let port: Int
    let channel: Channel
}
