#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stdout`, `stderr`, `fd@N`: one line per message (for containers and systemd), written by the log
/// writer thread so a slow terminal never slows traffic; it only fills the queue.
final class DescriptorSink: LogSink {
    let counters: SinkCounterBox
    let framing = SinkFraming.lines
    private let descriptor: Int32
    private let onError: @Sendable (String) -> Void

    init(name: String, descriptor: Int32, onError: @escaping @Sendable (String) -> Void) {
        self.counters = SinkCounterBox(name: name)
        self.descriptor = descriptor
        self.onError = onError
    }

    func write(_ message: ArraySlice<UInt8>) {
        let complete = message.withUnsafeBytes { writeFully(descriptor, $0) }
        if complete {
            counters.written(records: 1, bytes: message.count)
            counters.recovered()
        } else {
            counters.dropped(1)
            if counters.failed("write: \(errnoDescription(errno))") { onError("log target \(counters.name): write failed") }
        }
    }

    func tick(nowNanoseconds: UInt64) {}
    func flush() {}
    func reopen() {}
    func close() {}
}

/// Writes all of `bytes`, retrying after partial writes and EINTR. False on any other error.
func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += written
    }
    return true
}
