#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that fills buffers with bytes until it returns 0 (end of input): a file range, stdin,
/// a gzip decoder over another source, or a prefetching thread in front of any of those.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 means the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

public enum ReaderError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case corruptGzip(path: String, reason: String)
    case noInput(pattern: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open: \(reason)"
        case .readFailed(let path, let reason): return "\(path): read failed: \(reason)"
        case .corruptGzip(let path, let reason): return "\(path): corrupt gzip data: \(reason)"
        case .noInput(let pattern): return "\(pattern): no such file or directory"
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Bytes `[start, end)` of an open file, read with `pread` so several sources can share one descriptor.
public final class FileRangeSource: ByteSource {
    let fd: Int32
    var offset: Int
    let end: Int
    let path: String
    let progress: ProgressCounter?

    public init(fd: Int32, start: Int, end: Int, path: String, progress: ProgressCounter? = nil) {
        self.fd = fd
        self.offset = start
        self.end = end
        self.path = path
        self.progress = progress
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let want = min(buffer.count, end - offset)
        if want <= 0 { return 0 }
        while true {
            let got = pread(fd, buffer.baseAddress, want, off_t(offset))
            if got < 0 {
                if errno == EINTR { continue }
                throw ReaderError.readFailed(path: path, reason: ReaderError.errnoText())
            }
            offset += got
            progress?.add(got)
            return got
        }
    }
}

/// Sequential reads from a descriptor (stdin, a pipe), after replaying bytes already peeked.
public final class DescriptorSource: ByteSource {
    let fd: Int32
    var pending: [UInt8]
    let path: String

    public init(fd: Int32, path: String, peeked: [UInt8] = []) {
        self.fd = fd
        self.path = path
        self.pending = peeked
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !pending.isEmpty {
            let count = min(pending.count, buffer.count)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            pending.removeFirst(count)
            return count
        }
        while true {
            let got = systemRead(fd, buffer.baseAddress, buffer.count)
            if got < 0 {
                if errno == EINTR { continue }
                throw ReaderError.readFailed(path: path, reason: ReaderError.errnoText())
            }
            return got
        }
    }

    /// Reads up to `count` bytes ahead without consuming them (content detection on a pipe).
    public func peek(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var have = 0
        while have < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                systemRead(fd, raw.baseAddress! + have, count - have)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw ReaderError.readFailed(path: path, reason: ReaderError.errnoText())
            }
            if got == 0 { break }
            have += got
        }
        bytes.removeLast(count - have)
        pending = bytes + pending
        return bytes
    }
}

@inline(__always) func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
