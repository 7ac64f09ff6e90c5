import Foundation
import LBCore
import Testing
@testable import LBLog

/// A JSON record over a `len` limit keeps its shape: every key, every number and literal, string values
/// cut (never inside an escape or a UTF-8 sequence) and marked `"truncated":true`, within the budget.
@Suite struct JSONLineFitterTests {
    /// A record whose strings are long and full of bytes that need escapes or several UTF-8 bytes.
    static func longRecord(seed: UInt64) -> LogRecord {
        var generator = SplitMix64(seed: seed)
        func text(_ count: Int) -> String {
            let pieces = ["a", "é", "😀", "\"", "\\", "\u{1}", "\n", "/", "%20", "\u{FFFD}"]
            return (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
        var record = sampleRecord(port: 40_000, time: (2, 40, 29, 39), headers: [text(120), text(40)],
                                  request: "GET /\(text(400)) HTTP/1.1")
        record.uniqueID = text(30)
        return record
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test(arguments: [300, 700, 1000, 1400, 2000])
    func cutRecordsStayValidAndKeepEveryKey(budget: Int) throws {
        for seed in 1...20 as ClosedRange<UInt64> {
            var whole: [UInt8] = []
            JSONRecordFormat.render(Self.longRecord(seed: seed), into: &whole)
            #expect(whole.count > 2048)
            guard whole.count > budget else { continue }
            guard let fitted = JSONLineFitter.fit(whole[...], budget: budget) else {
                // Only when the keys and numbers alone do not fit.
                #expect(budget < 1000, "seed \(seed): \(whole.count) bytes did not fit \(budget)")
                continue
            }
            #expect(fitted.count <= budget)
            let original = try Self.object(whole), cut = try Self.object(fitted)
            #expect(cut["truncated"] as? Bool == true)
            #expect(Set(cut.keys) == Set(original.keys).union(["truncated"]))
            for (key, value) in original {
                if let text = value as? String {
                    let shortened = try #require(cut[key] as? String, "\(key)")
                    #expect(text.hasPrefix(shortened), "seed \(seed) \(key)")
                } else if let list = value as? [String] {
                    let shortened = try #require(cut[key] as? [String], "\(key)")
                    #expect(zip(list, shortened).allSatisfy { $0.hasPrefix($1) } && list.count == shortened.count)
                } else {
                    #expect("\(value)" == "\(cut[key] ?? "missing")", "\(key)")
                }
            }
        }
    }

    @Test func aLineThatFitsIsLeftAloneAndOneThatCannotIsRefused() {
        let json = Array(#"{"a":"xyz","n":1}"#.utf8)
        #expect(JSONLineFitter.fit(json[...], budget: 100) == json)
        #expect(JSONLineFitter.fit(json[...], budget: 12) == nil)
        let long = Array(#"{"a":"xyzxyzxyzxyzxyzxyzxyzxyzxyzxyz","b":[1,2]}"#.utf8)
        #expect(JSONLineFitter.fit(long[...], budget: 40) == Array(#"{"a":"xyzxy","b":[1,2],"truncated":true}"#.utf8))
    }

    /// Through the pipeline: a JSON logger on a UDP target with `len 1024` sends a parseable datagram
    /// for a record of over 2 KiB; without `len` the record goes whole (JSON loggers default to 8192).
    @Test func datagramsOverLenStayValidJSON() throws {
        let receiver = DatagramReceiver()
        let pipeline = try LogPipeline(LogPipelineConfiguration(loggers: [
            LoggerSpec(name: "fe", format: .json, targets: [LogTargetSpec("udp@127.0.0.1:\(receiver.port)", format: .rfc3164, length: 1024)]),
        ], hostname: "lbhost"))
        defer { pipeline.shutdown() }
        pipeline.log(Self.longRecord(seed: 7), logger: LogHandle(index: 0))
        let datagram = try #require(receiver.receive())
        #expect(datagram.utf8.count <= 1024)
        let json = try #require(datagram.firstIndex(of: "{").map { datagram[$0...].dropLast() })
        let object = try Self.object(Array(json.utf8))
        #expect(object["truncated"] as? Bool == true)
        #expect(object["frontend"] != nil)

        let whole = DatagramReceiver()
        let unbounded = try LogPipeline(LogPipelineConfiguration(loggers: [
            LoggerSpec(name: "fe", format: .json, targets: [LogTargetSpec("udp@127.0.0.1:\(whole.port)", format: .rfc3164)]),
        ], hostname: "lbhost"))
        defer { unbounded.shutdown() }
        unbounded.log(Self.longRecord(seed: 7), logger: LogHandle(index: 0))
        let full = try #require(whole.receive())
        let fullObject = try Self.object(Array(try #require(full.firstIndex(of: "{").map { full[$0...].dropLast() }).utf8))
        #expect(fullObject["truncated"] == nil)
        #expect(fullObject["frontend"] as? String == "fe_main")
    }
}
