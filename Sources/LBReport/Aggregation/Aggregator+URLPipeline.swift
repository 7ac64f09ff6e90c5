import LBLog

/// The URL table is the one structure of a report too large for the caches (hundreds of thousands of
/// URLs), so its lookups are pipelined over batches of lines (see `LineBatch`): the first cell of each
/// key is prefetched one batch before the lookup, and the Ta counter the request will update one
/// batch before `add`. Parsing and accounting the batches in between hide the memory latency.
extension Aggregator {
    /// Stage 1: each HTTP record's URL key and hash (`ids[k]` = 0), others -1; prefetches each key's
    /// first cells. Call `ownSharedState` before a run of batches. Only when no filter applies: a filtered-out line must not add a URL (then all are -1).
    mutating func hashURLs(_ entries: UnsafePointer<LogEntry>, _ outcomes: UnsafePointer<LineOutcome>, _ n: Int,
                           keys: UnsafeMutablePointer<ByteSlice>, hashes: UnsafeMutablePointer<UInt64>,
                           ids: UnsafeMutablePointer<Int32>) {
        guard options.filters.isEmpty && options.since == nil && options.until == nil else {
            ids.update(repeating: -1, count: n)
            return
        }
        for k in 0..<n {
            ids[k] = -1
            guard outcomes[k] == .record, entries[k].kind == .http else { continue }
            keys[k] = urlKey(entries[k])
            hashes[k] = URLTable.hash(keys[k])
            ids[k] = 0
        }
        let table = urlTable
        for k in 0..<n where ids[k] == 0 { table.prefetch(hash: hashes[k]) }
    }

    /// Stage 2: the cell of each key hashed in stage 1 (added if new), and a prefetch of the counter
    /// its request will update. Cell indexes stay valid until the next call (the table grows only here).
    mutating func lookUpURLs(_ entries: UnsafePointer<LogEntry>, _ n: Int, keys: UnsafePointer<ByteSlice>,
                             hashes: UnsafePointer<UInt64>, ids: UnsafeMutablePointer<Int32>) {
        let table = urlTable
        table.reserve(n)
        for k in 0..<n where ids[k] == 0 { ids[k] = Int32(truncatingIfNeeded: table.index(of: keys[k], hash: hashes[k])) }
        for k in 0..<n where ids[k] >= 0 { table.prefetch(cell: Int(ids[k]), latency: Int(entries[k].timeActive)) }
    }
}
