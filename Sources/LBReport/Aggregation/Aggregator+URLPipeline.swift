import LBLog

/// The URL table is the one structure of a report too large for the caches (hundreds of thousands of
/// URLs), so its lookups are pipelined over batches of lines (see `LineBatch`): the first cell of each
/// key is loaded one batch before the lookup, and the Ta counter the request will update one batch
/// before `add`. Parsing and accounting the batches in between hide the memory latency.
extension Aggregator {
    /// Stage 1: each HTTP record's URL key and hash (`ids[k]` = 0), others -1; loads each key's first
    /// cell. Only when no filter applies: a filtered-out line must not add a URL (then all are -1).
    mutating func hashURLs(_ entries: UnsafePointer<LogEntry>, _ outcomes: UnsafePointer<LineOutcome>, _ n: Int,
                           keys: UnsafeMutablePointer<ByteSlice>, hashes: UnsafeMutablePointer<UInt64>,
                           ids: UnsafeMutablePointer<Int32>) {
        ownExactTimers()
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
        if !isKnownUniquelyReferenced(&urlTable) { urlTable = urlTable.copy() }
        let table = urlTable
        var touched = 0
        for k in 0..<n where ids[k] == 0 { touched &+= table.warm(hash: hashes[k]) }
        prefetchSink &+= touched
    }

    /// Stage 2: the cell of each key hashed in stage 1 (added if new), and a load of the counter its
    /// request will update. Cell indexes stay valid until the next call (the table grows only here).
    mutating func lookUpURLs(_ entries: UnsafePointer<LogEntry>, _ n: Int, keys: UnsafePointer<ByteSlice>,
                             hashes: UnsafePointer<UInt64>, ids: UnsafeMutablePointer<Int32>) {
        let table = urlTable
        table.reserve(n)
        var touched = 0
        for k in 0..<n where ids[k] == 0 { ids[k] = Int32(truncatingIfNeeded: table.index(of: keys[k], hash: hashes[k])) }
        // A loop of loads only, so that all of them are in flight together.
        for k in 0..<n where ids[k] >= 0 { touched &+= table.warm(cell: Int(ids[k]), latency: Int(entries[k].timeActive)) }
        prefetchSink &+= touched
    }
}
