import LBCore
import Testing
@testable import LBLog

/// A record crosses from the event loop to the writer as bytes: what the writer rebuilds is the record
/// that was logged, for records of every shape.
struct LogRecordWireTests {
    @Test func everyRecordComesBackEqual() {
        var generator = SplitMix64(seed: 7)
        func pick<T>(_ choices: [T]) -> T { choices[Int(generator.next() % UInt64(choices.count))] }
        let texts = ["", "web1", "é\"x", "a b", "\u{1}#%", "{|}", "::1", String(repeating: "long/", count: 60), "日本"]
        // Starts small, so that records also go through the buffer's growth.
        var buffer = WireBuffer(capacity: 64)
        defer { buffer.deallocate() }
        for index in 0..<2000 {
            var record = sampleRecord(port: pick([0, 1, 54800, 65535]), time: (pick([0, 23]), pick([0, 59]), pick([0, 29]), pick([0, 999])),
                                      backend: pick(texts), server: pick(texts),
                                      timers: (pick([-1, 0, 12]), pick([-1, 3]), pick([-1, 1]), pick([-1, 250]), pick([0, 30_001])),
                                      status: pick([-1, 200, 503]), bytes: pick([0, 185, 1 << 40]), termination: pick(["--NI", "SC--", ""]),
                                      retries: pick([0, 3]), headers: pick([nil, [], ["h"], texts]),
                                      request: pick([nil, "GET / HTTP/1.1", ""]), frontend: pick(texts))
            record.capturedResponseHeaders = pick([nil, [], ["r1", ""]])
            record.capturedRequestCookie = pick([nil, "SID=1", ""])
            record.capturedResponseCookie = pick([nil, "SID=2; Path=/"])
            record.clientAddress = pick(texts)
            record.frontendAddress = pick(texts)
            record.serverAddress = pick([nil, "10.0.0.1", ""])
            record.serverPort = pick([nil, 0, 8080])
            record.method = pick([nil, "GET", "PROPFIND"])
            record.uri = pick([nil, "/", "/a?b=c#d"])
            record.httpVersion = pick([nil, "HTTP/1.1"])
            record.uniqueID = pick([nil, "", "7F000001:D4E0_7F000001:0050_6751E6C5_0001:1F4B"])
            record.requestCounter = pick([nil, 0, Int64.max])
            record.acceptDateMilliseconds = pick([0, 1_764_038_429_039, -1])
            record.utcOffsetSeconds = pick([0, 3600, -16_200])
            record.frontendIsTLS = pick([false, true])
            record.logASAP = pick([false, true])
            record.redispatched = pick([false, true])
            record.isHTTP = pick([false, true])
            record.timeHandshake = pick([0, 5])
            record.timeIdle = pick([-1, 0, 7])
            record.timeTotal = pick([0, 40])
            record.bytesFromClient = pick([0, 1 << 33])
            record.activeConnections = pick([0, 12])
            record.frontendConnections = pick([1, 4])
            record.backendConnections = pick([0, 9])
            record.serverConnections = pick([0, 2])
            record.serverQueue = pick([0, 2])
            record.backendQueue = pick([0, 5])
            let samples: [String?] = pick([[], [nil], ["a", nil, ""], texts])
            LogRecordWire.encode(record, samples: samples, into: &buffer)
            let (decoded, decodedSamples) = LogRecordWire.decode(buffer.bytes)
            #expect(decoded == record, "record \(index)")
            #expect(decodedSamples == samples, "record \(index)")
            if decoded != record { break }
        }
    }
}

/// The data plane's way in: numbers plus texts written field by field, some skipped, one in pieces.
struct LogRecordTextsTests {
    @Test func skippedFieldsAreAbsentAndPiecesMakeOneText() {
        var numbers = LogRecordNumbers()
        numbers.status = 503
        numbers.retries = 2
        numbers.flags |= LogRecordNumbers.redispatched
        numbers.serverPort = 8080
        let record = LogRecord(numbers: numbers) { texts in
            texts.write(.clientAddress, "10.0.0.7")
            texts.write(.frontend, "fe" as StaticString)
            texts.write(.server, "web1")
            texts.begin(.terminationState)
            for byte in "sC--".utf8 { texts.append(byte) }
            texts.end()
            texts.begin(.requestLine)
            texts.append("GET")
            texts.append(UInt8(ascii: " "))
            texts.append("/é?x=1")
            texts.end()
            texts.write(.requestHeaders, list: ["h1", ""])
        }
        #expect(record.clientAddress == "10.0.0.7")
        #expect(record.frontendAddress == "-" && record.backend == "-", "skipped: the record's defaults")
        #expect(record.frontend == "fe" && record.server == "web1")
        #expect(record.serverAddress == nil && record.method == nil && record.uniqueID == nil)
        #expect(record.terminationState == "sC--")
        #expect(record.requestLine == "GET /é?x=1")
        #expect(record.capturedRequestHeaders == ["h1", ""] && record.capturedResponseHeaders == nil)
        #expect(record.status == 503 && record.retries == 2 && record.redispatched && record.isHTTP && record.serverPort == 8080)
    }

    /// A record whose texts were all skipped prints the same httplog line from its bytes as from the
    /// `LogRecord` rebuilt from them (`-`, `<NOSRV>`, `----`, `<BADREQ>`).
    @Test func skippedFieldsPrintTheSameFromBytesAsFromTheRecord() {
        var buffer = WireBuffer(capacity: 64)
        defer { buffer.deallocate() }
        let writer = LogRecordTexts(numbers: LogRecordNumbers(), into: buffer)
        buffer = writer.finish(samples: [])
        var context = LogRenderContext()
        var fromBytes: [UInt8] = [], fromRecord: [UInt8] = []
        HTTPLogLine.render(WireRecordView(buffer.bytes), context: &context, into: &fromBytes)
        HTTPLogLine.render(LogRecordWire.decode(buffer.bytes).record, context: &context, into: &fromRecord)
        #expect(String(decoding: fromBytes, as: UTF8.self) == String(decoding: fromRecord, as: UTF8.self))
        #expect(String(decoding: fromBytes, as: UTF8.self).hasPrefix("-:0 ["))
        #expect(String(decoding: fromBytes, as: UTF8.self).contains("] - -/<NOSRV> -1/-1/-1/-1/0 -1 0 - - ---- 0/0/0/0/0 0/0 \"<BADREQ>\""))
    }
}
