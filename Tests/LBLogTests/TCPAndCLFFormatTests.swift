import Testing
@testable import LBLog

@Suite struct TCPAndCLFFormatTests {
    @Test func tcplogMatchesHAProxy() {
        // Real 2.6 line: 127.0.0.1:47320 [25/Nov/2026:02:40:29.097] fe_tcp be_tcp/t1 1/0/1 190 -- 1/1/0/0/0 0/0
        let date = epochMilliseconds(2026, 11, 25, 2, 40, 29, 97)
        let record = LogRecord(
            clientAddress: "127.0.0.1", clientPort: 47320, acceptDateMilliseconds: date, requestDateMilliseconds: date + 5,
            frontend: "fe_tcp", backend: "be_tcp", server: "t1", timeQueue: 1, timeConnect: 0, timeTotal: 1,
            bytesToClient: 190, terminationState: "----", activeConnections: 1, frontendConnections: 1, isHTTP: false)
        #expect(LogFormat.tcplog.string(record) == "127.0.0.1:47320 [25/Nov/2026:02:40:29.097] fe_tcp be_tcp/t1 1/0/1 190 -- 1/1/0/0/0 0/0")
    }

    @Test func clfQuotesStringsButNotNumbersOrClientIP() {
        var record = sampleRecord(port: 54800, time: (2, 40, 29, 39), headers: ["h1", ""])
        record.capturedResponseHeaders = ["r1"]
        let line = LogFormat.httplogCLF.string(record)
        #expect(line == #"127.0.0.1 - - [25/Nov/2026:02:40:29 +0000] "GET /index.html HTTP/1.1" 200 185 "" "" 54800 39 "fe_main" "be_app" "web1" 0 0 0 0 0 "--NI" 1 1 0 0 0 0 0 "" "" "h1" "" "r1""#)
    }

    @Test func clfRequestDateIsUTC() {
        var record = sampleRecord(port: 1, time: (2, 0, 0, 0))
        record.utcOffsetSeconds = 7200
        #expect(LogFormat.httplogCLF.string(record).contains("[25/Nov/2026:02:00:00 +0000]"))
    }
}
