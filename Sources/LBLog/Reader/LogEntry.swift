#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A view of some bytes owned by someone else: the line being parsed, or a parser's scratch buffer.
/// Valid only while the callback that received it runs; copy what must outlive it (`string`). Marked
/// Sendable only so that constants like `.empty` can be shared: never hand a live slice to another thread.
public struct ByteSlice: Equatable, @unchecked Sendable {
    public var base: UnsafePointer<UInt8>?
    public var count: Int

    public init(base: UnsafePointer<UInt8>?, count: Int) {
        self.base = base
        self.count = count
    }

    public static let empty = ByteSlice(base: nil, count: 0)

    public var isEmpty: Bool { count == 0 }

    public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    public var string: String { String(decoding: buffer, as: UTF8.self) }

    public subscript(index: Int) -> UInt8 { base![index] }

    /// Byte-wise equality with an ASCII literal, without building a String.
    public func equals(_ other: StaticString) -> Bool {
        guard other.utf8CodeUnitCount == count else { return false }
        if count == 0 { return true }
        return memcmp(base!, other.utf8Start, count) == 0
    }

    public func equals(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == count else { return false }
        if count == 0 { return true }
        return bytes.withUnsafeBufferPointer { memcmp(base!, $0.baseAddress!, count) == 0 }
    }

    public func hasPrefix(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= count else { return false }
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { memcmp(base!, $0.baseAddress!, bytes.count) == 0 }
    }

    public func hasSuffix(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= count else { return false }
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { memcmp(base! + (count - bytes.count), $0.baseAddress!, bytes.count) == 0 }
    }

    public func contains(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= count else { return false }
        if bytes.isEmpty { return true }
        var i = 0
        while i + bytes.count <= count {
            if base![i] == bytes[0] && bytes.withUnsafeBufferPointer({ memcmp(base! + i, $0.baseAddress!, bytes.count) }) == 0 {
                return true
            }
            i += 1
        }
        return false
    }

    /// The prefix up to (not including) the first byte in `stops`, e.g. the path of a URI (`?`, `;`).
    @inlinable
    public func prefix(upToAnyOf stop1: UInt8, _ stop2: UInt8) -> ByteSlice {
        guard let base else { return self }
        return ByteSlice(base: base, count: ByteScan.find(stop1, or: stop2, base, from: 0, end: count))
    }
}

/// One traffic record as the reader sees it: numbers parsed, text fields left in place as `ByteSlice`s.
/// This is the hot-path representation (no allocation per line); `LogRecord(entry)` builds the typed,
/// owning record when one is needed (tests, JSON).
public struct LogEntry {
    public enum Kind: UInt8, Sendable { case http, tcp }

    public var kind: Kind = .http
    /// Request date (httplog) or accept date (tcplog), milliseconds since the epoch, read as if the
    /// logged local time were UTC (HAProxy prints local time without an offset). -1 if unknown.
    public var dateMilliseconds: Int64 = -1
    public var client = ByteSlice.empty
    /// The client port when the line logs it in a field of its own (CLF's `%cp`): `client` is then the
    /// address alone. -1 when `client` is `address:port` (httplog, tcplog) or carries no port.
    public var clientPort: Int32 = -1
    public var frontend = ByteSlice.empty
    public var backend = ByteSlice.empty
    public var server = ByteSlice.empty
    /// TR (Tq in logs older than 1.7), Tw, Tc, Tr, Ta (Tt in older logs). -1 = phase never completed.
    /// TCP logs carry only Tw, Tc and Tt: TR and Tr are -1 and Ta holds Tt.
    public var timeRequest: Int32 = -1
    public var timeQueue: Int32 = -1
    public var timeConnect: Int32 = -1
    public var timeResponse: Int32 = -1
    public var timeActive: Int32 = -1
    /// Number of timers in the line (5 for HTTP, 3 for TCP).
    public var timerCount: UInt8 = 0
    /// The total time carried a `+` (option logasap: logged before the end).
    public var timeIsPartial = false
    public var status: Int32 = -1
    public var bytesRead: Int64 = 0
    /// Termination state, up to 4 ASCII bytes packed big-endian-first (`SH--` = 'S'<<24|'H'<<16|...).
    public var terminationState: UInt32 = 0
    public var terminationLength: UInt8 = 0
    public var requestCookie = ByteSlice.empty
    public var responseCookie = ByteSlice.empty
    /// The connection counts and queues, unless `countsText` still holds them as logged.
    var storedCounts = ConnectionCounts()
    /// A text line's counts and queues fields as logged (`148/56/10/7/0 0/0`), checked but converted
    /// only when read: a report reads none of them, and converting them was 4% of its time. Empty once
    /// they are set. Like the text fields, the counts of an entry read from a line can be read only
    /// while the line's bytes are (copy them with `counts` or `LogRecord(entry)` to keep them).
    var countsText = ByteSlice.empty
    public var counts: ConnectionCounts {
        get { countsText.isEmpty ? storedCounts : ConnectionCounts(parsing: countsText) }
        set {
            storedCounts = newValue
            countsText = .empty
        }
    }
    public var activeConnections: Int32 { get { counts.active } set { counts.active = newValue } }
    public var frontendConnections: Int32 { get { counts.frontend } set { counts.frontend = newValue } }
    public var backendConnections: Int32 { get { counts.backend } set { counts.backend = newValue } }
    public var serverConnections: Int32 { get { counts.server } set { counts.server = newValue } }
    public var retries: Int32 { get { counts.retries } set { counts.retries = newValue } }
    public var redispatched: Bool { get { counts.redispatched } set { counts.redispatched = newValue } }
    public var serverQueue: Int32 { get { counts.serverQueue } set { counts.serverQueue = newValue } }
    public var backendQueue: Int32 { get { counts.backendQueue } set { counts.backendQueue = newValue } }
    /// Inside the braces, without them; `nil`-like empty with `has…Captures == false` when absent.
    public var requestCaptures = ByteSlice.empty
    public var responseCaptures = ByteSlice.empty
    public var hasRequestCaptures = false
    public var hasResponseCaptures = false
    /// Request line without quotes; `isBadRequest` for `<BADREQ>`.
    public var requestLine = ByteSlice.empty
    public var method = ByteSlice.empty
    public var uri = ByteSlice.empty
    public var httpVersion = ByteSlice.empty
    public var isBadRequest = false

    public init() {}

    /// Clears what a text line may leave unset (captures, request line parts, markers), before the
    /// traffic parser overwrites everything else.
    @inline(__always)
    mutating func resetOptionalFields() {
        clientPort = -1
        timeIsPartial = false
        // Before anything reads the counts: the text may be the previous line's.
        countsText = .empty
        storedCounts = ConnectionCounts()
        requestCaptures = .empty
        responseCaptures = .empty
        hasRequestCaptures = false
        hasResponseCaptures = false
        requestLine = .empty
        method = .empty
        uri = .empty
        httpVersion = .empty
        isBadRequest = false
        requestCookie = .empty
        responseCookie = .empty
    }

    /// The first two termination characters as a 16-bit key (`'s' << 8 | 'H'`), halog's `-tc` key.
    @inlinable public var terminationPair: UInt16 { UInt16(truncatingIfNeeded: terminationState >> 16) }

    public var terminationString: String {
        var bytes: [UInt8] = []
        for i in 0..<Int(terminationLength) { bytes.append(UInt8(truncatingIfNeeded: terminationState >> (24 - 8 * i))) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The client address without its port: `client` itself when the port was logged apart (CLF),
    /// else `client` cut at its last colon (`1.2.3.4:5678` → `1.2.3.4`, `::1:80` → `::1`).
    @inline(__always) public var clientAddress: ByteSlice {
        if clientPort >= 0 { return client }
        var i = client.count - 1
        while i > 0 {
            if client[i] == UInt8(ascii: ":") { return ByteSlice(base: client.base, count: i) }
            i -= 1
        }
        return client
    }

    /// The path of the URI: before `?` or `;` (halog's URL key).
    @inlinable public var path: ByteSlice { uri.prefix(upToAnyOf: UInt8(ascii: "?"), UInt8(ascii: ";")) }

    /// Any of the five timers is -1 (halog's notion of an error line / "not ok").
    @inlinable public var hasAbortedTimer: Bool {
        timeRequest < 0 || timeQueue < 0 || timeConnect < 0 || timeResponse < 0 || timeActive < 0
    }
}
