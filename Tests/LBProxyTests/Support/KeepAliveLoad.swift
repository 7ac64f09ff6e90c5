import Foundation
import NIOConcurrencyHelpers
import Testing

/// Clients sending requests back to back on keep-alive connections until told to finish. A client whose
/// answer says `Connection: close` opens a new connection, as a browser or wrk does. Every request sent
/// is counted, and so is every way it can fail: no connection, no answer, or an answer other than 2xx.
final class KeepAliveLoad: Sendable {
    struct Tally: Sendable {
        var sent = 0
        var answered2xx = 0
        var non2xx = 0
        var failures: [String] = []
        var bodies: Set<String> = []

        /// The promise of a reload without a failed request: every request sent got a 2xx answer.
        func expectEveryRequestAnswered(sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(failures.isEmpty, "\(failures.count) failed: \(failures.prefix(3))", sourceLocation: sourceLocation)
            #expect(non2xx == 0, sourceLocation: sourceLocation)
            #expect(sent == answered2xx, "sent \(sent), answered \(answered2xx)", sourceLocation: sourceLocation)
        }
    }

    private let finishing = NIOLockedValueBox(false)
    private let tallies = NIOLockedValueBox<[Tally]>([])
    private let running = NIOLockedValueBox(0)
    private let port: Int
    /// Each request on a connection of its own (`Connection: close`): connection attempts go on all
    /// through a hand-over, and a listening socket closed with connections in its queue shows.
    private let closeEach: Bool

    init(port: Int, clients: Int, connectionPerRequest: Bool = false) {
        self.port = port
        closeEach = connectionPerRequest
        running.withLockedValue { $0 = clients }
        for _ in 0..<clients {
            let thread = Thread { [self] in
                let tally = run()
                tallies.withLockedValue { $0.append(tally) }
                running.withLockedValue { $0 -= 1 }
            }
            thread.start()
        }
    }

    /// Requests answered so far, across clients (finished ones only until `finish`).
    var total: Tally {
        tallies.withLockedValue { all in
            all.reduce(into: Tally()) {
                $0.sent += $1.sent; $0.answered2xx += $1.answered2xx; $0.non2xx += $1.non2xx
                $0.failures += $1.failures; $0.bodies.formUnion($1.bodies)
            }
        }
    }

    /// Tells the clients to stop after their current request; true once all have stopped.
    func finish() { finishing.withLockedValue { $0 = true } }
    var isFinished: Bool { running.withLockedValue { $0 == 0 } }

    /// Progress while running: the requests answered by clients, updated as they go.
    let progress = NIOLockedValueBox(0)

    private func run() -> Tally {
        var tally = Tally()
        var client: RawClient?
        while !finishing.withLockedValue({ $0 }) {
            if client == nil {
                do {
                    client = try RawClient(port: port, timeoutMilliseconds: 10_000)
                } catch {
                    tally.failures.append("connect: \(error)")
                    return tally
                }
            }
            guard let connection = client else { break }
            tally.sent += 1
            do {
                try connection.send(closeEach ? "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" : "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try connection.readResponse()
                if (200..<300).contains(response.status) {
                    tally.answered2xx += 1
                    tally.bodies.insert(response.bodyText)
                } else {
                    tally.non2xx += 1
                }
                progress.withLockedValue { $0 += 1 }
                if closeEach || response.header("connection")?.lowercased() == "close" { client = nil }
            } catch {
                tally.failures.append("request \(tally.sent) on a connection: \(error)")
                client = nil
            }
        }
        return tally
    }
}
