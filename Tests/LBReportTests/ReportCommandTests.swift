import Foundation
import LBTestSupport
import Testing

/// The `lblog report` executable: what it prints, what `-o` writes, and its exit statuses (0 done, 1
/// nothing could be read, 2 bad arguments).
@Suite(.enabled(if: LBLogProcess.isBuilt, "the lblog executable is not built next to the tests"))
struct ReportCommandTests {
    @Test func reportsToStandardOutputAndToAFile() throws {
        let path = writeTemp(scanFixture(lines: 2000), name: "report.log")
        let printed = try ExternalTool.run(LBLogProcess.executable, ["report", "--quiet", "--no-color", "--format", "json", path])
        #expect(printed.status == 0, "\(printed.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(printed.output.utf8)) as? [String: Any])
        let lines = try #require(object["lines"] as? [String: Any])
        #expect(lines["total"] as? Int == 2000)
        let file = path + ".json"
        let written = try ExternalTool.run(LBLogProcess.executable, ["report", "--quiet", "--format", "json", "-o", file, path])
        #expect(written.status == 0, "\(written.errors)")
        #expect(written.output.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == printed.output)
    }

    @Test func exitsWithOneWhenNothingCouldBeReadAndTwoOnBadArguments() throws {
        let missing = try ExternalTool.run(LBLogProcess.executable, ["report", "--quiet", "/nonexistent/lblog/access.log"])
        #expect(missing.status == 1, "\(missing.errors)")
        #expect(missing.errors.contains("/nonexistent/lblog/access.log"))
        let path = writeTemp(scanFixture(lines: 10), name: "report-args.log")
        let bad = try ExternalTool.run(LBLogProcess.executable, ["report", "--top", "many", path])
        #expect(bad.status == 2, "\(bad.errors)")
        #expect(bad.errors.contains("--top"))
    }
}
