extension StickTableStore {
    /// Applies `operation` to a tracked entry; nil when the entry is gone or the table lacks the type.
    public mutating func perform(_ operation: StickCounterOperation, on reference: StickReference, now: Int64) -> Int? {
        let uses = usesOf(reference)
        return update(reference, changes: operation.writes) { counters, stored in
            operation.apply(&counters, uses: uses, stored, now: now)
        }.flatMap { $0 }
    }

    /// Applies `operation` to `key`'s entry; an operation that writes creates the entry.
    public mutating func perform(_ operation: StickCounterOperation, key: String, now: Int64) -> Int? {
        if operation.writes {
            return withCounters(key, now: now, create: true) { counters, stored in
                operation.apply(&counters, uses: 0, stored, now: now)
            }.flatMap { $0 }
        }
        guard var counters = counters(of: key, now: now) else { return nil }
        return operation.apply(&counters, uses: uses(ofKey: key), stored, now: now)
    }
}
