import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `file@PATH`: lines compressed into a series of complete gzip members (see ``GzipMemberEncoder``),
/// one per flush, so every flushed record can be read with `zcat` at any moment, even while lb runs.
/// Rotation by size and age renames the file to a time-sortable name and opens a new one; both happen
/// on the writer thread between two members, so no record is lost or written twice. Options: see
/// ``FileSinkOptions``.
///
/// Failures (unwritable directory, full disk) never block nor crash: they are reported once through
/// `onError` and in the counters, the records of the failed member are counted as dropped, a partial
/// member is cut off again (`ftruncate`) so the file stays readable, and opening is retried every second.
final class RotatingGzipFileSink: LogSink {
    let counters: SinkCounterBox
    let framing = SinkFraming.lines
    let path: String
    let options: FileSinkOptions
    private let onError: @Sendable (String) -> Void
    private let encoder: GzipMemberEncoder
    private var descriptor: Int32 = -1
    private var fileSize: Int64 = 0
    private var openedAt: UInt64 = 0
    private var nextOpenAttempt: UInt64 = 0
    private var pending: [UInt8] = []
    private var pendingRecords = 0
    private var pendingSince: UInt64 = 0
    private var member: [UInt8] = []
    private var lastRotationStamp: Int64 = 0
    /// After a rotation that could not rename the file, the next is not tried before this instant.
    private var rotationRetryAt: UInt64 = 0
    /// How long a failed rotation waits before the next try: the file keeps growing meanwhile.
    static let rotationRetryNanoseconds: UInt64 = 60_000_000_000
    /// Rotated files written by this sink, oldest first (also found on disk at start).
    private(set) var rotations = 0

    init(name: String, path: String, options: FileSinkOptions, onError: @escaping @Sendable (String) -> Void) {
        self.counters = SinkCounterBox(name: name)
        self.path = path
        self.options = options
        self.onError = onError
        self.encoder = GzipMemberEncoder(level: options.level)
        pending.reserveCapacity(options.flushSize + 4096)
        openFile(now: SystemClock.monotonicNanoseconds())
    }

    func write(_ message: ArraySlice<UInt8>) {
        if pendingRecords == 0 { pendingSince = SystemClock.monotonicNanoseconds() }
        pending.append(contentsOf: message)
        pendingRecords += 1
        if pending.count >= options.flushSize { writeMember(now: SystemClock.monotonicNanoseconds()) }
    }

    func tick(nowNanoseconds now: UInt64) {
        if pendingRecords > 0 && now &- pendingSince >= UInt64(options.flushIntervalMilliseconds) * 1_000_000 {
            writeMember(now: now)
        }
        if options.rotateAgeSeconds > 0, descriptor >= 0, fileSize > 0,
           now &- openedAt >= UInt64(options.rotateAgeSeconds) * 1_000_000_000 {
            rotate(now: now)
        }
    }

    func flush() {
        if pendingRecords > 0 { writeMember(now: SystemClock.monotonicNanoseconds()) }
    }

    /// Closes and re-opens PATH (after logrotate moved it away, for example).
    func reopen() {
        flush()
        closeFile()
        openFile(now: SystemClock.monotonicNanoseconds())
    }

    /// Rotates now (also used by tests and `lb` commands).
    func rotateNow() {
        flush()
        rotate(now: SystemClock.monotonicNanoseconds(), retryingNow: true)
    }

    func close() {
        flush()
        closeFile()
    }

    // MARK: - Members

    private func writeMember(now: UInt64) {
        let records = pendingRecords
        defer {
            pending.removeAll(keepingCapacity: true)
            pendingRecords = 0
        }
        if descriptor < 0 {
            if now >= nextOpenAttempt { openFile(now: now) }
            guard descriptor >= 0 else {
                counters.dropped(records)
                return
            }
        }
        member.removeAll(keepingCapacity: true)
        let seconds = UInt32(truncatingIfNeeded: SystemClock.microseconds() / 1_000_000)
        guard encoder.encode(pending, modificationTime: seconds, into: &member) else {
            counters.dropped(records)
            report("gzip compression failed")
            return
        }
        let complete = member.withUnsafeBytes { writeFully(descriptor, $0) }
        guard complete else {
            let code = errno
            // Cut the partial member off so every member before it stays readable.
            _ = ftruncate(descriptor, off_t(fileSize))
            counters.dropped(records)
            report("write \(path): \(errnoDescription(code))")
            closeFile()
            nextOpenAttempt = now + 1_000_000_000
            return
        }
        fileSize += Int64(member.count)
        counters.written(records: records, bytes: member.count)
        counters.recovered()
        if options.rotateSize > 0 && fileSize >= options.rotateSize { rotate(now: now) }
    }

    // MARK: - Files

    private func openFile(now: UInt64) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            report("open \(path): \(errnoDescription(errno))")
            nextOpenAttempt = now + 1_000_000_000
            return
        }
        var status = stat()
        fileSize = fstat(descriptor, &status) == 0 ? Int64(status.st_size) : 0
        openedAt = now
    }

    private func closeFile() {
        if descriptor >= 0 { systemClose(descriptor) }
        descriptor = -1
    }

    /// The file is renamed while still open, and closed only once that worked: a rename can fail (a
    /// directory lb may no longer write to once it gave up root for `user`), and lb then goes on appending
    /// to the file it has open, past the rotation size, rather than dropping what comes next.
    private func rotate(now: UInt64, retryingNow: Bool = false) {
        guard descriptor >= 0, fileSize > 0, retryingNow || now >= rotationRetryAt else { return }
        let target = rotatedPath()
        guard rename(path, target) == 0 else {
            report("rename \(path) to \(target): \(errnoDescription(errno)); still writing to \(path), next try in \(Self.rotationRetryNanoseconds / 1_000_000_000) s")
            rotationRetryAt = now &+ Self.rotationRetryNanoseconds
            return
        }
        closeFile()
        rotations += 1
        removeOldRotations()
        openFile(now: now)
    }

    /// `base.YYYYMMDDTHHMMSSZ.gz`, strictly later than the previous rotation and not existing yet.
    private func rotatedPath() -> String {
        var stamp = max(SystemClock.microseconds() / 1_000_000, lastRotationStamp + 1)
        while true {
            let candidate = Self.rotatedName(base: rotationBase, stamp: stamp)
            if access(candidate, F_OK) != 0 {
                lastRotationStamp = stamp
                return candidate
            }
            stamp += 1
        }
    }

    private var rotationBase: String { path.hasSuffix(".gz") ? String(path.dropLast(3)) : path }

    static func rotatedName(base: String, stamp: Int64) -> String {
        let time = CivilTime(epochSeconds: stamp)
        var bytes = Array(base.utf8)
        bytes.append(0x2E)
        bytes.appendPadded(time.year, width: 4)
        bytes.appendPadded(time.month, width: 2)
        bytes.appendPadded(time.day, width: 2)
        bytes.append(0x54)
        bytes.appendPadded(time.hour, width: 2)
        bytes.appendPadded(time.minute, width: 2)
        bytes.appendPadded(time.second, width: 2)
        bytes.appendASCII("Z.gz")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The rotated files of this path on disk, oldest first.
    static func rotatedFiles(of path: String) -> [String] {
        let base = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        let directory = (base as NSString).deletingLastPathComponent
        let prefix = (base as NSString).lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return names.filter { name in
            guard name.hasPrefix(prefix), name.hasSuffix("Z.gz") else { return false }
            let stamp = name.dropFirst(prefix.count).dropLast(4)
            return stamp.count == 15 && stamp.enumerated().allSatisfy { $0.offset == 8 ? $0.element == "T" : $0.element.isASCII && $0.element.isNumber }
        }
        .sorted()
        .map { (directory as NSString).appendingPathComponent($0) }
    }

    private func removeOldRotations() {
        guard options.keep > 0 else { return }
        let files = Self.rotatedFiles(of: path)
        for file in files.dropLast(options.keep) { unlink(file) }
    }

    private func report(_ message: String) {
        if counters.failed(message) { onError("log target \(counters.name): \(message)") }
    }
}
