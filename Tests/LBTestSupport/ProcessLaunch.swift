import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts child processes one at a time, around a crash in Foundation's `Process.run()` on Linux.
///
/// Before spawning, `Process.run()` lists /proc/self/fd and copies each entry's whole 256-byte `d_name`,
/// although readdir's records are only as long as their names (swift-corelibs-foundation#5472, fixed
/// after the Swift 6.3.1 toolchain this project builds with). With the hundreds of sockets the test
/// process holds, an entry near the end of the directory buffer makes the copy read past it; when that
/// buffer ends a mapping, the test process dies (seen in this suite: a memcpy in `Process.run`).
///
/// The buffer is glibc's 32 KiB readdir buffer, allocated with malloc. Serving allocations of that size
/// with their own mmap leaves about 4 KiB of the last page after the buffer, so the over-read stays in
/// mapped memory. This affects only the test process's large allocations, not the programs it starts.
public enum ProcessLaunch {
    private static let lock = NSLock()
    private static let readdirBufferProtected: Void = {
        // glibc's mallopt(M_MMAP_THRESHOLD, ...); <malloc.h> is not part of Swift's Glibc module.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        let mmapThreshold: Int32 = -3
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: MallOpt.self)(mmapThreshold, 32 * 1024)
    }()

    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        _ = readdirBufferProtected
        try process.run()
    }
}
