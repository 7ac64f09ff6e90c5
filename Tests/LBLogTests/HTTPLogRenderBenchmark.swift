import Foundation
import Testing
@testable import LBLog

/// The cost of rendering one httplog line, without the pipeline: the event loop pays it for every
/// request logged. Runs only when `LB_BENCH` is set (`bench/logline.sh` builds in release); it prints
/// figures and asserts only that the line is the expected one.
struct HTTPLogRenderBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["LB_BENCH"] != nil

    @Test(.enabled(if: enabled)) func renderTheHTTPLogLine() {
        var record = sampleRecord(port: 54800, time: (2, 40, 29, 39), headers: nil,
                                  request: "GET /shop/catalog/item/12345?id=12345&ref=home&lang=en HTTP/1.1")
        record.serverAddress = "127.0.0.1"
        record.serverPort = 18400
        var context = LogRenderContext(hostname: "lbhost", pid: 1)
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        LogFormat.httplog.render(record, context: &context, into: &output)
        #expect(String(decoding: output, as: UTF8.self).hasSuffix("\"GET /shop/catalog/item/12345?id=12345&ref=home&lang=en HTTP/1.1\""))

        let iterations = 500_000
        for (name, specialised) in [("format interpreter", false), ("HTTPLogLine", true)] {
            var times: [Duration] = []
            for _ in 0..<7 {
                var bytes = 0
                let start = ContinuousClock.now
                for index in 0..<iterations {
                    record.clientPort = 40_000 + index & 0x3FFF
                    output.removeAll(keepingCapacity: true)
                    if specialised {
                        HTTPLogLine.render(record, context: &context, into: &output)
                    } else {
                        LogFormat.httplog.render(record, context: &context, into: &output)
                    }
                    bytes &+= output.count
                }
                times.append(ContinuousClock.now - start)
                #expect(bytes > iterations * 100)
            }
            times.sort()
            let nanoseconds = { (duration: Duration) in
                Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
            }
            print(String(format: "httplog line, %@: median %.0f ns per record, min %.0f ns", name,
                         nanoseconds(times[times.count / 2]) / Double(iterations), nanoseconds(times[0]) / Double(iterations)))
        }
    }
}
