import LBCore
import NIOPosix

/// The ClientHello the TLS handler on this thread is reading right now, for the certificate choice.
///
/// swift-nio-ssl asks for a certificate with only the SNI in hand, but which of a name's certificates to
/// serve (ECDSA or RSA) depends on what the client accepts, which its ClientHello says. The question is
/// asked synchronously, on the event loop's thread, while the TLS handler reads the bytes that complete
/// the ClientHello; the sniffer in front of it has parsed those very bytes and publishes the hello for
/// the duration of that read.
enum ClientHelloInFlight {
    /// Touched only by its own thread.
    final class Slot: @unchecked Sendable {
        var hello: TLSHello?
    }

    private static let slot = ThreadSpecificVariable<Slot>()

    /// Runs `body` with `hello` published to this thread.
    static func publishing<Result>(_ hello: TLSHello, _ body: () -> Result) -> Result {
        let current: Slot
        if let existing = slot.currentValue {
            current = existing
        } else {
            current = Slot()
            slot.currentValue = current
        }
        current.hello = hello
        defer { current.hello = nil }
        return body()
    }

    /// The hello being read on this thread, if any.
    static var hello: TLSHello? { slot.currentValue?.hello }
}
