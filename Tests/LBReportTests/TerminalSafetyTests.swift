import Foundation
import Testing
@testable import LBLog
@testable import LBReport

/// A log written by an attacker: raw control bytes (an OSC that retitles the terminal, an erase-line,
/// a carriage return, DEL, a C1 CSI, an invalid UTF-8 byte) in the request line, a header capture, a
/// server name and a line that does not parse.
enum HostileLog {
    static let osc: [UInt8] = [0x1B] + Array("]0;PWNED".utf8) + [0x07]
    static let eraseLine: [UInt8] = [0x1B] + Array("[2K".utf8) + [0x0D]

    static var bytes: [UInt8] {
        let prefix = Array("Nov 25 02:40:29 lbhost haproxy[1]: 10.0.0.1:4000 [25/Nov/2026:02:40:29.039] fe_main ".utf8)
        var out: [UInt8] = []
        for i in 0..<3 {
            out += prefix + Array("be_app/web".utf8) + [0x1B] + Array("1 0/0/1/2/\(5 + i) 200 100 - - ---- 1/1/0/0/0 0/0 {h".utf8)
            out += osc + Array("|ua".utf8) + [0x7F] + Array("} \"GET /a|".utf8) + eraseLine + [0xC2, 0x9B, 0xFF]
            out += Array("x HTTP/1.1\"\n".utf8)
        }
        out += Array("x".utf8) + osc + eraseLine + Array("fake line\t\(0)".utf8) + [0x9B, 0x7F, 0x0A]
        return out
    }

    static func write() -> String {
        let path = writeTemp("", name: "hostile.log")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Fails the test when `output` holds a byte a terminal would obey: a C0 control other than the
    /// layout's newline (and tab when `tab`), DEL, ESC, a C1 control, or ill-formed UTF-8.
    static func expectInert(_ output: [UInt8], tab: Bool = false, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bad = output.enumerated().filter { _, b in
            (b < 0x20 && b != 0x0A && !(tab && b == 0x09)) || b == 0x7F
        }
        #expect(bad.isEmpty, "\(what): control bytes at \(bad.prefix(5).map { "\($0.offset): \($0.element)" })", sourceLocation: sourceLocation)
        let text = String(validating: output, as: UTF8.self)
        #expect(text != nil, "\(what): not well-formed UTF-8", sourceLocation: sourceLocation)
        let c1 = text?.unicodeScalars.filter { (0x80...0x9F).contains($0.value) } ?? []
        #expect(c1.isEmpty, "\(what): C1 controls \(c1.map(\.value))", sourceLocation: sourceLocation)
    }
}

@Suite struct TerminalSafetyTests {
    @Test func escapesControlsC1AndInvalidUTF8Visibly() {
        #expect(TerminalSafe.escape("plain /path?q=1 \\ é 漢 😀") == "plain /path?q=1 \\ é 漢 😀")
        #expect(TerminalSafe.escape("a\u{1B}]0;X\u{07}b\r\n\t\u{7F}\u{9B}\u{85}c") == #"a\x1b]0;X\x07b\r\n\t\x7f\xc2\x9b\xc2\x85c"#)
        let invalid: [UInt8] = [0x41, 0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x82, 0x9B, 0xF4, 0x90, 0x80, 0x80, 0xC3]
        let escaped = invalid.withUnsafeBufferPointer { TerminalSafe.escape(bytes: $0) }
        #expect(escaped == #"A\xff\xc0\xaf\xed\xa0\x80"# + "\u{209B}" + #"\xf4\x90\x80\x80\xc3"#)
    }

    @Test func reportsShowControlBytesEscaped() throws {
        var options = ReportOptions()
        options.groupBy = [.url, .header(index: 0, name: "host")]
        let scan = LogScanner.scan(try LogInputResolver.resolve([HostileLog.write()]), options: options, workers: 1)
        let report = Report(scan, options: options)
        #expect(report.lines.records == 3)
        #expect(report.lines.invalid == 1)

        let text = Array(TextRenderer(color: false).render(report).utf8)
        HostileLog.expectInert(text, "text")
        let markdown = Array(MarkdownRenderer.render(report).utf8)
        HostileLog.expectInert(markdown, "markdown")
        let csv = Array(CSVRenderer.render(report).utf8)
        HostileLog.expectInert(csv, "csv")

        let textString = String(decoding: text, as: UTF8.self)
        // The report keeps its strings decoded, so the invalid byte there is U+FFFD, inert.
        #expect(textString.contains(#"x\x1b]0;PWNED\x07\x1b[2K\rfake line\t0"# + "\u{FFFD}" + #"\x7f"#))
        #expect(textString.contains(#"/a|\x1b[2K\r\xc2\x9b"#))
        #expect(textString.contains(#"h\x1b]0;PWNED\x07"#))
        #expect(textString.contains(#"be_app/web\x1b1"#))
        let markdownString = String(decoding: markdown, as: UTF8.self)
        #expect(markdownString.contains(#"/a\|\x1b[2K\r\xc2\x9b"#))
        #expect(markdownString.contains(#"be_app/web\x1b1"#))
        #expect(markdownString.contains(#"h\x1b]0;PWNED\x07"#))
        let csvString = String(decoding: csv, as: UTF8.self)
        #expect(csvString.contains(#"server,be_app/web\x1b1,"#))
        #expect(csvString.contains(#"/a|\x1b[2K\r\xc2\x9b"#))
    }

    /// JSON keeps the log's text exactly (it decodes to the same characters) but holds no raw DEL or C1.
    @Test func jsonReportAndTailEscapeDELAndC1() throws {
        var options = ReportOptions()
        options.groupBy = [.url]
        let scan = LogScanner.scan(try LogInputResolver.resolve([HostileLog.write()]), options: options, workers: 1)
        let json = Array(try JSONRenderer.render(Report(scan, options: options)).utf8)
        HostileLog.expectInert(json, "report json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let urls = try #require((object["urls"] as? [String: Any])?["byCount"] as? [[String: Any]])
        #expect(urls.first?["url"] as? String == "/a|\u{1B}[2K\r\u{9B}\u{FFFD}x")

        let tail = LogTail(paths: [HostileLog.write()], fromStart: true)
        var printed: [UInt8] = []
        tail.poll { line in if line.outcome == .record { TailPrinter(format: .json).append(line.entry, into: &printed) } }
        #expect(!printed.isEmpty)
        HostileLog.expectInert(printed, "tail json")
    }

    @Test func csvStaysValidAndMarkdownPipesStayInTheirCell() {
        #expect(CSVRenderer.quote("a,b\r\n\"c\"") == #""a,b\r\n""c""""#)
        #expect(CSVRenderer.quote("x\u{1B}y") == #"x\x1by"#)
        #expect(MarkdownRenderer.escape("a|b`c\u{1B}") == #"a\|b'c\x1b"#)
    }

    @Test func tailPrintsControlBytesEscaped() throws {
        let tail = LogTail(paths: [HostileLog.write()], fromStart: true)
        var printed: [UInt8] = []
        var records = 0
        tail.poll { line in
            if line.outcome == .record, TailPrinter().append(line.entry, into: &printed) { records += 1 }
        }
        #expect(records == 3)
        HostileLog.expectInert(printed, "tail")
        let text = String(decoding: printed, as: UTF8.self)
        #expect(text.contains(#"be_app/web\x1b1 200 Ta=5ms ---- GET /a|\x1b[2K\r\xc2\x9b\xffx"#))
    }
}

/// The executable: `lblog report` on stdout and `lblog tail`'s unparsable-line warnings on stderr.
@Suite(.enabled(if: LBLogProcess.isBuilt, "the lblog executable is not built next to the tests"), .serialized)
struct TerminalSafetyCommandTests {
    @Test func reportAndTailWriteNoControlBytes() throws {
        let path = HostileLog.write()
        for format in ["text", "markdown", "csv"] {
            let report = try LBLogProcess(["report", "--quiet", "--no-color", "--format", format, "--by", "url", path])
            #expect(eventually { !report.isRunning })
            report.stop()
            #expect(report.status == 0)
            HostileLog.expectInert(report.outputBytes, "report --format \(format)")
        }
        let tail = try LBLogProcess(["tail", "--from-start", "--interval", "50ms", path])
        defer { tail.stop() }
        #expect(eventually { tail.outputLines.count >= 3 && tail.errors.contains("unparsable") })
        HostileLog.expectInert(tail.outputBytes, "tail")
        HostileLog.expectInert(tail.errorBytes, "tail warnings")
        #expect(tail.errors.contains(#"x\x1b]0;PWNED\x07\x1b[2K\rfake line\t0\x9b\x7f"#))
    }
}
