import CEpollShim
import Glibc

// Usage: RelayFloor LISTEN_PORT SERVER_PORT (both on 127.0.0.1).
let arguments = CommandLine.arguments
guard arguments.count == 3, let listenPort = UInt16(arguments[1]), let serverPort = UInt16(arguments[2]) else {
    complain("usage: RelayFloor LISTEN_PORT SERVER_PORT")
    exit(2)
}
Relay(listenPort: listenPort, serverPort: serverPort).run()

/// A line on standard error (the C `stderr` global is shared mutable state to Swift 6).
func complain(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
