/// A log-linear histogram of non-negative integers (milliseconds), in the manner of HdrHistogram:
/// values below `2^(precisionBits+1)` have a bucket each (exact); above, every power-of-two range is cut
/// into `2^precisionBits` equal buckets, so the relative error is below `2^-precisionBits`.
///
/// - precision 10 (the default): exact up to 2047 ms, then 1024 buckets per octave: 3 significant
///   digits (error < 0.1 %).
/// - precision 3: exact up to 15, 8 buckets per octave (error < 12.5 %, typically ~6 %): the compact form
///   used where there are very many histograms (per URL, per time bucket).
///
/// Memory grows with the largest value seen, not with the number of values. Counts are 32-bit: a single
/// bucket saturates at 4 294 967 295 values.
///
/// **Percentiles use the nearest-rank definition**: the p-th percentile of N values is the smallest
/// recorded value v such that at least ⌈p/100 · N⌉ values are ≤ v (p = 0 gives the minimum, p = 100 the
/// maximum). For values in a shared bucket the bucket's highest value is reported, never above the true
/// maximum.
public struct LogHistogram: Sendable, Equatable {
    public let precisionBits: Int
    public private(set) var counts: [UInt32] = []
    public private(set) var count: Int = 0
    public private(set) var sum: Int = 0
    public private(set) var minimum: Int = Int.max
    public private(set) var maximum: Int = -1

    public init(precisionBits: Int = 10) {
        self.precisionBits = precisionBits
    }

    public var isEmpty: Bool { count == 0 }

    /// Same values recorded (allocated but empty buckets do not count).
    public static func == (a: LogHistogram, b: LogHistogram) -> Bool {
        guard a.precisionBits == b.precisionBits, a.count == b.count, a.sum == b.sum, a.minimum == b.minimum,
              a.maximum == b.maximum else { return false }
        let n = Swift.max(a.counts.count, b.counts.count)
        for i in 0..<n where (i < a.counts.count ? a.counts[i] : 0) != (i < b.counts.count ? b.counts[i] : 0) { return false }
        return true
    }

    @inline(__always)
    public static func index(of value: Int, precisionBits: Int) -> Int {
        let exactLimit = 2 << precisionBits
        if value < exactLimit { return value }
        // Width of a bucket in this octave: 2^shift.
        let shift = (Int.bitWidth - value.leadingZeroBitCount) - precisionBits - 1
        return exactLimit + (shift - 1) << precisionBits + ((value >> shift) - (1 << precisionBits))
    }

    /// The smallest and largest values that land in bucket `index`.
    public static func range(of index: Int, precisionBits: Int) -> (low: Int, high: Int) {
        let exactLimit = 2 << precisionBits
        if index < exactLimit { return (index, index) }
        let offset = index - exactLimit
        let shift = offset >> precisionBits + 1
        let sub = offset & ((1 << precisionBits) - 1) + (1 << precisionBits)
        let low = sub << shift
        return (low, low + (1 << shift) - 1)
    }

    @inline(__always)
    public mutating func record(_ value: Int) {
        guard value >= 0 else { return }
        let i = Self.index(of: value, precisionBits: precisionBits)
        if i >= counts.count { grow(to: i) }
        counts[i] &+= 1
        count &+= 1
        sum &+= value
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
    }

    /// Records `value` `times` times.
    public mutating func record(_ value: Int, times: Int) {
        guard value >= 0, times > 0 else { return }
        let i = Self.index(of: value, precisionBits: precisionBits)
        if i >= counts.count { grow(to: i) }
        counts[i] &+= UInt32(truncatingIfNeeded: times)
        count &+= times
        sum &+= value &* times
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
    }

    /// Adds raw bucket counts (`bucketCounts[0...highest]`, at this precision) of `values` values with
    /// their sum and extremes: what recording each of them would do.
    mutating func add(bucketCounts: UnsafePointer<UInt32>, through highest: Int, values: Int, sum: Int,
                      minimum: Int, maximum: Int) {
        guard values > 0, highest >= 0 else { return }
        if highest >= counts.count { grow(to: highest) }
        for i in 0...highest where bucketCounts[i] != 0 { counts[i] &+= bucketCounts[i] }
        count &+= values
        self.sum &+= sum
        if minimum < self.minimum { self.minimum = minimum }
        if maximum > self.maximum { self.maximum = maximum }
    }

    @inline(never)
    mutating func grow(to index: Int) {
        // Compact histograms grow in small steps (there are many of them); precise ones double.
        let step = precisionBits <= 5 ? 8 : Swift.max(64, counts.count)
        var size = Swift.max(counts.count, precisionBits <= 5 ? 8 : 64)
        while size <= index { size += step }
        var grown = [UInt32]()
        grown.reserveCapacity(size)
        grown.append(contentsOf: counts)
        grown.append(contentsOf: repeatElement(0, count: size - counts.count))
        counts = grown
    }

    public mutating func merge(_ other: LogHistogram) {
        precondition(other.precisionBits == precisionBits)
        guard other.count > 0 else { return }
        if other.counts.count > counts.count { counts.append(contentsOf: repeatElement(0, count: other.counts.count - counts.count)) }
        for i in 0..<other.counts.count where other.counts[i] != 0 { counts[i] &+= other.counts[i] }
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// Nearest-rank percentile (see the type's documentation); nil when empty.
    public func percentile(_ p: Double) -> Int? {
        guard count > 0 else { return nil }
        if p <= 0 { return minimum }
        if p >= 100 { return maximum }
        var rank = Int((p / 100 * Double(count)).rounded(.up))
        // Guard against 99.9 * N landing a hair above an integer through floating-point error.
        if Double(rank - 1) >= p / 100 * Double(count) - 1e-9 * Double(count) { rank -= 1 }
        rank = Swift.max(1, Swift.min(rank, count))
        return value(atRank: rank)
    }

    /// The value of the `rank`-th smallest recorded value (1-based), bucket high end clamped to max.
    public func value(atRank rank: Int) -> Int {
        var cumulative = 0
        for i in 0..<counts.count {
            cumulative += Int(counts[i])
            if cumulative >= rank {
                return Swift.min(Self.range(of: i, precisionBits: precisionBits).high, maximum)
            }
        }
        return maximum
    }

    /// halog's `-pct` rule: threshold `floor(N · step/1000)` (step in tenths of a percent), then the first
    /// value whose cumulative count reaches it; a threshold of 0 gives the minimum.
    public func halogValue(step: Int) -> Int? {
        guard count > 0 else { return nil }
        let threshold = Int(UInt32(truncatingIfNeeded: Int(Double(count) * (Double(step) / 1000.0))))
        var cumulative = 0
        for i in 0..<counts.count where counts[i] != 0 {
            cumulative += Int(counts[i])
            if cumulative >= threshold {
                return Swift.max(Self.range(of: i, precisionBits: precisionBits).low, minimum)
            }
        }
        return maximum
    }
}
