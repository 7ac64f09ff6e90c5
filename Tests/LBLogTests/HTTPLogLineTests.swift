import LBCore
import Testing
@testable import LBLog

/// The httplog writer (from a record, and from its wire bytes) and the format interpreter agree byte for
/// byte, on records of every shape: absent
/// and declared captures, cookies, bytes that need escaping, `<BADREQ>`, negative timers and status,
/// `logasap`, redispatches, TLS frontends, empty names.
struct HTTPLogLineTests {
    @Test func writesWhatTheFormatStringDescribes() {
        var generator = SplitMix64(seed: 42)
        func pick<T>(_ choices: [T]) -> T { choices[Int(generator.next() % UInt64(choices.count))] }
        let texts = ["", "web1", "é\"x", "a b", "\u{1}#%", "{|}", "127.0.0.1", "::1", "x\\y]"]
        var context = LogRenderContext(hostname: "lbhost", pid: 7)
        var wire = WireBuffer(capacity: 256)
        defer { wire.deallocate() }
        for index in 0..<3000 {
            var record = sampleRecord(port: pick([0, 1, 54800, 65535]), time: (pick([0, 2, 23]), pick([0, 40, 59]), pick([0, 29]), pick([0, 7, 999])),
                                      backend: pick(texts), server: pick(texts),
                                      timers: (pick([-1, 0, 12]), pick([-1, 0, 3]), pick([-1, 0, 1]), pick([-1, 0, 250]), pick([0, 1, 30_001])),
                                      status: pick([-1, 200, 503]), bytes: pick([0, 185, 1 << 40]), termination: pick(["--NI", "SC--", "cD-U", "PR--"]),
                                      retries: pick([0, 1, 3]), headers: pick([nil, [], ["h"], texts]),
                                      request: pick([nil, "GET / HTTP/1.1", "GET /\"a b\u{7F}é HTTP/1.0", ""]), frontend: pick(texts))
            record.capturedResponseHeaders = pick([nil, [], ["r1", "r|2"]])
            record.capturedRequestCookie = pick([nil, "SID=1", "x\"y"])
            record.capturedResponseCookie = pick([nil, "", "SID=2; Path=/"])
            record.clientAddress = pick(texts)
            record.frontendIsTLS = pick([false, true])
            record.logASAP = pick([false, true])
            record.redispatched = pick([false, true])
            record.activeConnections = pick([0, 12])
            record.serverQueue = pick([0, 2])
            record.backendQueue = pick([0, 5])
            record.utcOffsetSeconds = pick([0, 3600, -16_200])
            var interpreted: [UInt8] = [], written: [UInt8] = [], fromBytes: [UInt8] = []
            LogFormat.httplog.render(record, context: &context, into: &interpreted)
            HTTPLogLine.render(record, context: &context, into: &written)
            // The writer's way: the same line from the record's wire bytes, read in place.
            LogRecordWire.encode(record, samples: [], into: &wire)
            HTTPLogLine.render(WireRecordView(wire.bytes), context: &context, into: &fromBytes)
            #expect(written == interpreted, "record \(index): \(String(decoding: interpreted, as: UTF8.self))")
            #expect(fromBytes == interpreted, "record \(index) from bytes: \(String(decoding: fromBytes, as: UTF8.self))")
            if written != interpreted || fromBytes != interpreted { break }
        }
    }
}
