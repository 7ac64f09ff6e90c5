/// Finds where the HAProxy message starts in a line that may carry a syslog header:
/// `<PRI>` datagrams, RFC 3164 files (`Mmm dd HH:MM:SS host tag[pid]: `), HAProxy's `local` format
/// (no host), RFC 5424 (`<PRI>1 ISO host app pid msgid SD `), the `timed`/`iso` formats (an ISO date),
/// or nothing at all.
public enum SyslogPrefix {
    public struct Result: Sendable, Equatable {
        /// Offset of the first byte of the message.
        public var messageStart: Int
        /// A syslog header (other than a bare `<PRI>`) was recognised.
        public var hadHeader: Bool
    }

    public static func locate(_ p: UnsafePointer<UInt8>, count n: Int) -> Result {
        var i = 0
        var hadHeader = false
        // <PRI>
        if n > 2, p[0] == UInt8(ascii: "<") {
            var j = 1
            while j < n, j < 5, isDigit(p[j]) { j += 1 }
            if j > 1, j < n, p[j] == UInt8(ascii: ">") {
                i = j + 1
                hadHeader = true
            }
        }
        // RFC 5424: version "1", then an ISO timestamp (or "-").
        if i + 2 < n, p[i] == UInt8(ascii: "1"), p[i + 1] == UInt8(ascii: " "),
           isDigit(p[i + 2]) || p[i + 2] == UInt8(ascii: "-") {
            var j = i + 2
            // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
            for _ in 0..<5 { j = skipToken(p, n, j) }
            // STRUCTURED-DATA: "-" or one or more [..] elements (with \] escapes).
            if j < n, p[j] == UInt8(ascii: "[") {
                while j < n, p[j] == UInt8(ascii: "[") {
                    j += 1
                    while j < n, p[j] != UInt8(ascii: "]") {
                        if p[j] == UInt8(ascii: "\\") { j += 1 }
                        j += 1
                    }
                    j += 1
                }
                if j < n, p[j] == UInt8(ascii: " ") { j += 1 }
            } else {
                j = skipToken(p, n, j)
            }
            // An optional UTF-8 BOM before the message.
            if j + 2 < n, p[j] == 0xEF, p[j + 1] == 0xBB, p[j + 2] == 0xBF { j += 3 }
            return Result(messageStart: min(j, n), hadHeader: true)
        }
        // RFC 3164 / local: "Mmm dd HH:MM:SS " (day padded with a space), then [host] tag[pid]:
        if i + 15 < n, LogDate.month(p[i], p[i + 1], p[i + 2]) != 0, p[i + 3] == UInt8(ascii: " ") {
            var j = i + 4
            if p[j] == UInt8(ascii: " ") { j += 1 }
            while j < n, isDigit(p[j]) { j += 1 }
            if j + 9 <= n, p[j] == UInt8(ascii: " "), isDigit(p[j + 1]), p[j + 3] == UInt8(ascii: ":") {
                j = skipToken(p, n, j + 1)
                // Next token: the tag if it ends with ':', else a host name followed by the tag.
                let tokenEnd = endOfToken(p, n, j)
                if tokenEnd > j, p[tokenEnd - 1] == UInt8(ascii: ":") {
                    return Result(messageStart: skipSpaces(p, n, tokenEnd), hadHeader: true)
                }
                let second = skipSpaces(p, n, tokenEnd)
                let secondEnd = endOfToken(p, n, second)
                if secondEnd > second, p[secondEnd - 1] == UInt8(ascii: ":") {
                    return Result(messageStart: skipSpaces(p, n, secondEnd), hadHeader: true)
                }
                // A tag without the colon: take the token after the host as the tag.
                return Result(messageStart: skipSpaces(p, n, secondEnd), hadHeader: true)
            }
        }
        // `timed`/`iso`: an ISO 8601 date token.
        if i + 19 < n, isDigit(p[i]), p[i + 4] == UInt8(ascii: "-"), p[i + 7] == UInt8(ascii: "-"),
           p[i + 10] == UInt8(ascii: "T") {
            return Result(messageStart: skipToken(p, n, i), hadHeader: true)
        }
        return Result(messageStart: i, hadHeader: hadHeader)
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

    @inline(__always) static func endOfToken(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        ByteScan.find(UInt8(ascii: " "), p, from: start, end: n)
    }

    @inline(__always) static func skipSpaces(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var j = start
        while j < n, p[j] == UInt8(ascii: " ") { j += 1 }
        return j
    }

    /// Skips a token and the spaces after it.
    @inline(__always) static func skipToken(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        skipSpaces(p, n, endOfToken(p, n, start))
    }
}
