/// The RFC 3164 header of the last line (`Mmm dd HH:MM:SS host tag[pid]: `), to find the message of
/// the next line without running `SyslogPrefix.locate` again: lines of one log repeat the host and tag
/// and differ only in the digits of the date.
///
/// A line reuses the cached message offset `m` only when `locate` would return the same: its first 16
/// bytes have the cached line's shape (the same bytes, digits where it had digits), its bytes from 16
/// up to `m` are the cached ones, and its byte at `m` is not a space. Only headers whose day ends by
/// byte 8 are cached: `locate` also wants 9 bytes after the day, which `m < n` then guarantees.
struct SyslogHeaderCache {
    /// The message offset of the cached header; 0 = nothing cached.
    private var messageStart = 0
    private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// Over the first 16 bytes: 0xFF at the positions that must match exactly, and at those that
    /// must be digits.
    private var exact: (UInt64, UInt64) = (0, 0)
    private var digits: (UInt64, UInt64) = (0, 0)

    static let capacity = 64

    /// The message offset, if the line has the cached header.
    @inline(__always)
    func messageStart(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
        let m = messageStart
        guard m > 16, m < n, p[m] != 0x20 else { return nil }
        let raw = UnsafeRawPointer(p)
        return withUnsafeBytes(of: bytes) { cached -> Int? in
            let w0 = raw.loadUnaligned(as: UInt64.self), w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c0 = cached.loadUnaligned(as: UInt64.self), c1 = cached.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            guard (w0 ^ c0) & exact.0 == 0, (w1 ^ c1) & exact.1 == 0,
                  Self.areDigits(w0, digits.0), Self.areDigits(w1, digits.1) else { return nil }
            var k = 16
            while k &+ 8 <= m {
                if raw.loadUnaligned(fromByteOffset: k, as: UInt64.self) != cached.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                    return nil
                }
                k &+= 8
            }
            while k < m {
                if p[k] != cached[k] { return nil }
                k &+= 1
            }
            return m
        }
    }

    /// Remembers the header `locate` found in this line, if it is an RFC 3164 one that fits.
    mutating func remember(_ p: UnsafePointer<UInt8>, count n: Int, messageStart m: Int) {
        messageStart = 0
        guard m > 16, m < n, m <= Self.capacity, LogDate.month(p[0], p[1], p[2]) != 0 else { return }
        var dayEnd = p[4] == 0x20 ? 5 : 4
        while dayEnd < n, SyslogPrefix.isDigit(p[dayEnd]) { dayEnd += 1 }
        guard dayEnd <= 8 else { return }
        var exactMask: (UInt64, UInt64) = (0, 0), digitMask: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &exactMask) { e in
            withUnsafeMutableBytes(of: &digitMask) { d in
                for k in 0..<16 {
                    if SyslogPrefix.isDigit(p[k]) { d[k] = 0xFF } else { e[k] = 0xFF }
                }
            }
        }
        withUnsafeMutableBytes(of: &bytes) { $0.baseAddress!.copyMemory(from: p, byteCount: m) }
        exact = exactMask
        digits = digitMask
        messageStart = m
    }

    /// Whether every byte of `w` selected by `mask` is an ASCII digit: high nibble 3, and a low nibble
    /// that does not carry past 15 when 6 is added.
    @inline(__always)
    static func areDigits(_ w: UInt64, _ mask: UInt64) -> Bool {
        let high = (w & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030
        let low = ((w & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0x1010_1010_1010_1010
        return (high | low) & mask == 0
    }
}
