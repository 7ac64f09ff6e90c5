/// How one batch of datagrams leaves with UDP segmentation offload: messages of the same length are
/// laid end to end and sent as one segmented datagram, which the kernel splits after crossing the IP
/// stack once. Only equal lengths can share a send (every segment but the last has the segment size),
/// so the batch is ordered by length, stably: within one batch (at most 128 datagrams, held at most 5 ms)
/// records of different lengths may arrive in another order than they were logged. UDP promises no order, and
/// each record carries its own date.
struct DatagramSegmentPlan: Equatable {
    /// One send: `count` messages of `segmentLength` bytes each, taken from `order` where the previous
    /// group stopped.
    struct Group: Equatable {
        var segmentLength: Int
        var count: Int
    }

    /// Message indices in the order they are sent.
    var order: [Int]
    var groups: [Group]

    /// What one segmented send may carry: the kernel's segment count limit, and a total that stays below
    /// the 64 KiB an IP datagram can hold, headers included.
    static let maxSegments = 64
    static let maxGroupBytes = 65_000

    /// Plans the batch whose message `i` ends at `ends[i]` (and starts where message `i - 1` ended).
    /// Messages longer than `segmentLimit` (what fits in one packet on the route) go alone.
    init(ends: [Int], segmentLimit: Int) {
        var lengths = [Int](repeating: 0, count: ends.count)
        var start = 0
        for (index, end) in ends.enumerated() {
            lengths[index] = end - start
            start = end
        }
        order = Array(lengths.indices)
        order.sort { lengths[$0] != lengths[$1] ? lengths[$0] < lengths[$1] : $0 < $1 }
        groups = []
        groups.reserveCapacity(min(ends.count, 64))
        for index in order {
            let length = lengths[index]
            if let last = groups.last, last.segmentLength == length, length > 0, length <= segmentLimit, last.count < Self.maxSegments,
               (last.count + 1) * length <= Self.maxGroupBytes {
                groups[groups.count - 1].count += 1
            } else {
                groups.append(Group(segmentLength: length, count: 1))
            }
        }
    }
}
