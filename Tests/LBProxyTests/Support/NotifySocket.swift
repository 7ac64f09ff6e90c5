import Foundation
import NIOConcurrencyHelpers

/// A unix datagram socket standing in for systemd's NOTIFY_SOCKET: gathers every message lb sends.
final class NotifySocket: Sendable {
    let path: String
    private let descriptor: Int32
    private let received = NIOLockedValueBox<[String]>([])

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("lb-notify-\(getpid()).sock").path
        unlink(path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw RawClient.Failure(description: "bind \(path): errno \(errno)") }
        let received = self.received
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return }
                received.withLockedValue { $0.append(String(decoding: buffer[..<count], as: UTF8.self)) }
            }
        }
    }

    var messages: [String] { received.withLockedValue { $0 } }

    /// Ends the receiving thread (shutdown wakes its recv) and removes the path.
    func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        unlink(path)
    }
}
