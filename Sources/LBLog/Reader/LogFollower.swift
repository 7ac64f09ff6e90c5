#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows one log file by name, as `tail -F` does, for `lblog tail` and `lblog serve`: each `poll`
/// reads what was added since the last one and hands out the complete lines, each exactly once, in order.
///
/// - Plain or gzip is decided by the file's first bytes. gzip text is handed out a whole member at a
///   time (see ``GzipMemberSplitter``): a member still being written waits for its last byte.
/// - A line is handed out only once its newline is there, so a record is never cut in two.
/// - Rotation: when the name points to another file (renamed away and recreated), the old file is read
///   to its end first, then the new one from its start. lb closes a file before renaming it, so nothing
///   is written to the old file after that. An unfinished last line or member left in the old file is
///   discarded and counted.
/// - A file that shrinks in place was truncated (`copytruncate`) and is read again from its start; a
///   gzip file cut back only within the member being written (lb cuts off a member whose write failed)
///   just forgets the bytes that were cut.
/// - Without `fromStart`, reading starts at the current end (a partial line there is skipped up to its
///   newline). A file that does not exist yet is waited for and read from its start once it appears.
///
/// Not thread-safe: one follower belongs to one polling thread.
public final class LogFollower {
    /// What one `poll` (or, in ``total``, every poll so far) did.
    public struct Progress: Sendable, Equatable {
        public var lines = 0
        /// The name pointed to a new file (a rotation), read from its start.
        public var reopened = 0
        /// The file shrank below what had been read and was read again from its start.
        public var truncated = 0
        /// gzip bytes that were not part of a valid member (damage, or a start in mid-member).
        public var skippedBytes = 0
        /// An unfinished last line or gzip member left behind by a rotation or a truncation.
        public var discardedBytes = 0

        public init() {}

        mutating func add(_ other: Progress) {
            lines += other.lines
            reopened += other.reopened
            truncated += other.truncated
            skippedBytes += other.skippedBytes
            discardedBytes += other.discardedBytes
        }
    }

    enum Mode { case undecided, plain, gzip }

    public let path: String
    /// A line that grows past this without a newline is handed out as it is (it will not parse, and
    /// is counted as such) rather than held in memory forever.
    public let maximumLine: Int
    public private(set) var total = Progress()
    private var descriptor: Int32 = -1
    private var identity: (device: UInt64, inode: UInt64) = (0, 0)
    /// Bytes of the current file read so far.
    private var offset = 0
    private var mode = Mode.undecided
    private var skipToNewline = false
    /// Text after the last newline handed out.
    private var text: [UInt8] = []
    private var inflated: [UInt8] = []
    private let gzip = GzipMemberSplitter()
    private let block: UnsafeMutableRawBufferPointer

    public init(path: String, fromStart: Bool, maximumLine: Int = 1 << 20, blockSize: Int = 1 << 20) {
        self.path = path
        self.maximumLine = maximumLine
        block = .allocate(byteCount: blockSize, alignment: 16)
        openFile(atEnd: !fromStart)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        block.deallocate()
    }

    /// Reads what was added since the last call and calls `line` with each new complete line (newline
    /// excluded), in order. A line's bytes are valid during its call only.
    @discardableResult
    public func poll(_ line: (UnsafePointer<UInt8>, Int) -> Void) throws -> Progress {
        var progress = Progress()
        defer { total.add(progress) }
        if descriptor < 0 {
            openFile(atEnd: false)
            guard descriptor >= 0 else { return progress }
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, Int(status.st_size) < offset {
            shrink(to: Int(status.st_size), &progress)
        }
        try readToEnd(line, &progress)
        var named = stat()
        if stat(path, &named) == 0, Self.identity(named) != identity {
            try readToEnd(line, &progress)
            progress.discardedBytes += forgetUnfinished()
            close(descriptor)
            descriptor = -1
            progress.reopened += 1
            openFile(atEnd: false)
            if descriptor >= 0 { try readToEnd(line, &progress) }
        }
        return progress
    }

    static func identity(_ status: stat) -> (device: UInt64, inode: UInt64) {
        (UInt64(truncatingIfNeeded: status.st_dev), UInt64(truncatingIfNeeded: status.st_ino))
    }

    private func openFile(atEnd: Bool) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            close(fd)
            return
        }
        descriptor = fd
        identity = Self.identity(status)
        mode = .undecided
        offset = 0
        skipToNewline = false
        if atEnd, status.st_size > 0 {
            offset = Int(status.st_size)
            mode = decideMode() ?? .undecided
            if mode == .plain {
                // Skip the rest of a line that was being written when we arrived.
                var last: UInt8 = 0
                skipToNewline = pread(fd, &last, 1, off_t(offset - 1)) == 1 && last != 0x0A
            }
        }
    }

    /// The file is shorter than what was read: cut back within held-back bytes, or truncated.
    private func shrink(to size: Int, _ progress: inout Progress) {
        let held = mode == .gzip ? gzip.pendingCount : text.count
        if size >= offset - held {
            let keep = held - (offset - size)
            if mode == .gzip { gzip.truncatePending(to: keep) } else { text.removeSubrange(keep...) }
            offset = size
            return
        }
        progress.truncated += 1
        progress.discardedBytes += forgetUnfinished()
        offset = 0
        mode = .undecided
        skipToNewline = false
    }

    private func forgetUnfinished() -> Int {
        let count = text.count + gzip.reset()
        text.removeAll(keepingCapacity: true)
        return count
    }

    private func readToEnd(_ line: (UnsafePointer<UInt8>, Int) -> Void, _ progress: inout Progress) throws {
        if mode == .undecided {
            guard let decided = decideMode() else { return }
            mode = decided
        }
        while true {
            let got = pread(descriptor, block.baseAddress, block.count, off_t(offset))
            if got < 0 {
                if errno == EINTR { continue }
                throw ReaderError.readFailed(path: path, reason: ReaderError.errnoText())
            }
            if got == 0 { return }
            offset += got
            let bytes = UnsafeRawBufferPointer(rebasing: block[0..<got])
            if mode == .gzip {
                gzip.append(bytes)
                inflated.removeAll(keepingCapacity: true)
                progress.skippedBytes += gzip.drain(into: &inflated).skipped
                inflated.withUnsafeBytes { split($0, line, &progress) }
            } else {
                split(bytes, line, &progress)
            }
        }
    }

    /// gzip when the file starts with the gzip magic; nil while it is too short to tell.
    private func decideMode() -> Mode? {
        var head: (UInt8, UInt8) = (0, 0)
        let got = withUnsafeMutableBytes(of: &head) { pread(descriptor, $0.baseAddress, 2, 0) }
        if got == 2 { return head.0 == 0x1F && head.1 == 0x8B ? .gzip : .plain }
        if got == 1, head.0 != 0x1F { return .plain }
        return nil
    }

    /// Appends text and hands out every line it completes.
    private func split(_ bytes: UnsafeRawBufferPointer, _ line: (UnsafePointer<UInt8>, Int) -> Void, _ progress: inout Progress) {
        guard bytes.count > 0 else { return }
        text.append(contentsOf: bytes)
        var start = 0
        text.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            if skipToNewline {
                guard let newline = memchr(base, 0x0A, buffer.count) else {
                    start = buffer.count
                    return
                }
                start = UnsafeRawPointer(newline).assumingMemoryBound(to: UInt8.self) - base + 1
                skipToNewline = false
            }
            while start < buffer.count, let newline = memchr(base + start, 0x0A, buffer.count - start) {
                let end = UnsafeRawPointer(newline).assumingMemoryBound(to: UInt8.self) - base
                line(base + start, end - start)
                progress.lines += 1
                start = end + 1
            }
            if buffer.count - start > maximumLine {
                line(base + start, buffer.count - start)
                progress.lines += 1
                start = buffer.count
            }
        }
        text.removeSubrange(..<start)
    }
}
