/// How many of the data plane's per-connection objects exist right now: each one counts itself up when
/// created and down when deinitialised. A closed connection must leave nothing reachable, so once the
/// traffic has stopped every count is back to zero; a count that stays up is a leak (a reference cycle or
/// a forgotten table entry). One per runtime, so two instances of lb in one process do not mix.
final class LiveObjects: Sendable {
    enum Kind: Int, CaseIterable, Sendable {
        case httpSession, tcpSession, exchange, upstreamConnection
    }

    private let counts = AtomicCounterBlock(count: Kind.allCases.count)

    func created(_ kind: Kind) { counts.add(1, at: kind.rawValue) }
    func released(_ kind: Kind) { counts.add(-1, at: kind.rawValue) }
    func count(_ kind: Kind) -> Int { counts.load(at: kind.rawValue) }

    /// Every kind with its count, for tests and diagnostics.
    var all: [(Kind, Int)] { Kind.allCases.map { ($0, count($0)) } }
}
