/// Ta histograms for every URL, packed: 128 16-bit buckets per URL in one flat array (log-linear with 8
/// buckets per octave: exact to 15 ms, then within 6 %; values above 2^19 ms share the last bucket).
/// 256 bytes a URL, no allocation per URL, one cache line touched per request. A bucket about to
/// overflow moves its URL to a regular 32-bit `LogHistogram`.
public struct URLLatencies: Sendable {
    static let buckets = 128
    static let precision = 3
    /// URLs per page: storage grows a page at a time, never by copying everything (which, at 25 MB,
    /// would briefly need twice that).
    static let pageShift = 10
    private(set) var counts = PagedCounts()
    private(set) var heavy: [Int: LogHistogram] = [:]
    private(set) var maxima: [Int32] = []

    public init() {}

    mutating func addURL() {
        if maxima.count & ((1 << Self.pageShift) - 1) == 0 { counts.addPage(Self.buckets << Self.pageShift) }
        maxima.append(-1)
    }

    @inline(__always)
    mutating func record(url: Int, value: Int) {
        guard value >= 0 else { return }
        if value > maxima[url] { maxima[url] = Int32(clamping: value) }
        let base = url &* Self.buckets
        // A URL moved to `heavy` is marked by UInt16.max in its first bucket.
        if counts[base] == UInt16.max { promote(url, value); return }
        let i = base &+ Swift.min(LogHistogram.index(of: value, precisionBits: Self.precision), Self.buckets - 1)
        if counts[i] >= UInt16.max - 1 { promote(url, value); return }
        counts[i] &+= 1
    }

    /// Reads the counter `record` will update (a cache warm-up).
    @inline(__always)
    func touch(_ url: Int, value: Int) -> Int {
        guard value >= 0 else { return 0 }
        return Int(counts[url &* Self.buckets &+ Swift.min(LogHistogram.index(of: value, precisionBits: Self.precision), Self.buckets - 1)])
    }

    @inline(never)
    mutating func promote(_ url: Int, _ value: Int) {
        var h = histogram(url)
        h.record(value)
        makeHeavy(url, h)
    }

    private mutating func makeHeavy(_ url: Int, _ h: LogHistogram) {
        heavy[url] = h
        let base = url * Self.buckets
        for b in 0..<Self.buckets { counts[base + b] = 0 }
        counts[base] = UInt16.max
    }

    /// The URL's values as a histogram.
    public func histogram(_ url: Int) -> LogHistogram {
        if let h = heavy[url] { return h }
        var h = LogHistogram(precisionBits: Self.precision)
        let maximum = Int(maxima[url])
        var highest = -1
        for b in 0..<Self.buckets where counts[url * Self.buckets + b] != 0 { highest = b }
        for b in 0...Swift.max(highest, 0) where highest >= 0 {
            let n = Int(counts[url * Self.buckets + b])
            if n == 0 { continue }
            let low = Swift.min(LogHistogram.range(of: b, precisionBits: Self.precision).low, maximum)
            // The top bucket's largest value is the true maximum: keep it, so the histogram's max is right.
            if b == highest {
                h.record(low, times: n - 1)
                h.record(maximum)
            } else {
                h.record(low, times: n)
            }
        }
        return h
    }

    /// Nearest-rank percentile of one URL without building a histogram (the report asks for 100 000).
    public func percentile(_ url: Int, _ p: Double) -> Int? {
        if let h = heavy[url] { return h.percentile(p) }
        let base = url * Self.buckets
        var total = 0
        for b in 0..<Self.buckets { total += Int(counts[base + b]) }
        guard total > 0 else { return nil }
        let rank = Swift.max(1, Swift.min(total, Int((p / 100 * Double(total) - 1e-9).rounded(.up))))
        var cumulative = 0
        let maximum = Int(maxima[url])
        for b in 0..<Self.buckets {
            cumulative += Int(counts[base + b])
            if cumulative >= rank { return Swift.min(LogHistogram.range(of: b, precisionBits: Self.precision).high, maximum) }
        }
        return maximum
    }

    /// Adds another table's URL `theirs` into my URL `mine`.
    mutating func merge(_ other: URLLatencies, theirs: Int, mine: Int) {
        maxima[mine] = Swift.max(maxima[mine], other.maxima[theirs])
        let a = mine * Self.buckets, b = theirs * Self.buckets
        var fits = counts[a] != UInt16.max && other.counts[b] != UInt16.max
        if fits {
            for k in 0..<Self.buckets where Int(counts[a + k]) + Int(other.counts[b + k]) >= Int(UInt16.max) - 1 {
                fits = false
                break
            }
        }
        if fits {
            for k in 0..<Self.buckets { counts[a + k] &+= other.counts[b + k] }
            return
        }
        var combined = histogram(mine)
        combined.merge(other.histogram(theirs))
        makeHeavy(mine, combined)
    }
}

/// Fixed-size pages of 16-bit counters addressed as one flat array.
struct PagedCounts: Sendable {
    private var pages: [[UInt16]] = []
    private var pageSize = 1

    mutating func addPage(_ size: Int) {
        pageSize = size
        pages.append([UInt16](repeating: 0, count: size))
    }

    subscript(index: Int) -> UInt16 {
        @inline(__always) get { pages[index / pageSize][index % pageSize] }
        @inline(__always) set { pages[index / pageSize][index % pageSize] = newValue }
    }
}
