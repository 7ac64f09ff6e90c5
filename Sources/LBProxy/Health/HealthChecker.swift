import LBConfig
import LBCore
import NIOCore
import NIOPosix

/// Periodic health checks of one server (placeholder until the health-check work lands: servers stay UP).
final class HealthChecker: Sendable {
    let server: ServerRuntime
    let backend: BackendRuntime
    let eventLoop: EventLoop

    init(server: ServerRuntime, backend: BackendRuntime, eventLoop: EventLoop) {
        self.server = server
        self.backend = backend
        self.eventLoop = eventLoop
    }

    func start() {}
    func stop() {}
}
