#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zeroed anonymous memory for the large per-worker tables, mapped in full at once. Lookups land on
/// random pages of tens of megabytes: on Linux the mapping asks for transparent huge pages (2 MiB), so
/// the TLB covers the table, and it is populated up front — a page first read maps the shared zero page,
/// and its first write would then fault again and flush the TLB of every core running another worker.
enum PageMemory {
    static func map(_ bytes: Int) -> UnsafeMutableRawPointer {
        let size = Swift.max(bytes, 1)
        let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { fatalError("cannot map \(size) bytes") }
        #if os(Linux)
        if size >= 2 << 20 { _ = madvise(raw, size, 14 /* MADV_HUGEPAGE */) }
        // MADV_POPULATE_WRITE (Linux 5.14); else touch every page.
        if madvise(raw, size, 23) != 0 {
            var offset = 0
            while offset < size {
                raw.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self)
                offset += 4096
            }
        }
        #endif
        return raw
    }

    static func unmap(_ p: UnsafeMutableRawPointer, _ bytes: Int) {
        munmap(p, Swift.max(bytes, 1))
    }
}
