/// URL tables reached without reference counting: both threads of `topURLs` look up the same tables
/// for every URL, and retaining a table each time made its reference count's cache line bounce between
/// the cores (a third of the time spent). Whoever makes one keeps the tables alive until `deallocate`.
struct UnretainedTables: @unchecked Sendable {
    private let refs: UnsafeMutableBufferPointer<Unmanaged<URLTable>>

    init(_ tables: [URLTable]) {
        refs = .allocate(capacity: tables.count)
        _ = refs.initialize(from: tables.map { Unmanaged.passUnretained($0) })
    }

    func deallocate() { refs.deallocate() }

    var count: Int { refs.count }

    /// Table `t`, retained (for the few calls outside the per-URL loops).
    subscript(t: Int) -> URLTable { refs[t].takeUnretainedValue() }

    /// Runs `body` on table `t` without retaining it.
    @inline(__always)
    func with<R>(_ t: Int, _ body: (URLTable) -> R) -> R { refs[t]._withUnsafeGuaranteedRef(body) }
}
