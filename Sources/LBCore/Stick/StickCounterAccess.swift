/// The data plane's side of stick counters, as fetches and rules see it during one request: the
/// session's trackers and the tables. A class (one per session) so that carrying it in a
/// `SampleContext` costs no allocation.
public protocol StickCounterAccess: AnyObject {
    /// Applies `operation` to the entry tracked in `slot` (0...2); nil when the slot tracks nothing or
    /// the table lacks the data type.
    func tracked(_ slot: Int, _ operation: StickCounterOperation) -> Int?
    /// Applies `operation` to `key`'s entry in `table`; reads do not create the entry, writes do.
    func keyed(_ key: String, table: Int, _ operation: StickCounterOperation) -> Int?
    /// `track-scN KEY [table T]`: starts tracking unless the slot already tracks something.
    func track(_ slot: Int, table: Int, key: String)
}
