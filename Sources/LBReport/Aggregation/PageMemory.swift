#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zeroed anonymous memory for the large per-worker tables, mapped and populated at once: lookups read
/// cells before any is written, and a page first read maps the shared zero page, so its first write
/// would fault again and flush the TLB of every core running another worker (an IPI per page).
/// (Transparent huge pages were tried: a little less user time, but zeroing fresh 2 MiB pages made the
/// system time vary from run to run by more than that on the virtual machines measured.)
enum PageMemory {
    static func map(_ bytes: Int) -> UnsafeMutableRawPointer {
        let size = Swift.max(bytes, 1)
        let raw = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else { fatalError("cannot map \(size) bytes") }
        #if os(Linux)
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
