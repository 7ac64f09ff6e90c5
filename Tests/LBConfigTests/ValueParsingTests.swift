import Testing
@testable import LBConfig

@Suite struct ValueParsingTests {
    @Test(arguments: [
        ("0", 0), ("100", 100), ("100ms", 100), ("10s", 10_000), ("1m", 60_000), ("2h", 7_200_000),
        ("1d", 86_400_000), ("1us", 1), ("1500us", 2), ("0us", 0), ("1000us", 1),
    ])
    func durations(text: String, milliseconds: Int) {
        #expect(DurationParsing.milliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", "s", "10x", "-5s", "1.5s", "10 s", "10S", "99999d", "ms10"])
    func badDurations(text: String) {
        #expect(DurationParsing.milliseconds(text) == nil)
    }

    @Test(arguments: [("16384", 16384), ("16k", 16384), ("16K", 16384), ("1m", 1 << 20), ("2g", 2 << 30), ("0", 0)])
    func sizes(text: String, bytes: Int) {
        #expect(SizeParsing.bytes(text) == bytes)
    }

    @Test(arguments: ["", "k", "16kb", "1.5k", "-1", "12t"])
    func badSizes(text: String) {
        #expect(SizeParsing.bytes(text) == nil)
    }

    @Test func badDurationInConfigurationIsAnErrorWithHint() throws {
        let result = parse("defaults\n    timeout client 10x\n")
        let diagnostic = try #require(result.find(.error, line: 2, "invalid duration '10x' for 'timeout client'"))
        #expect(diagnostic.hint?.contains("10s or 500ms") == true)
        #expect(result.configuration == nil)
    }

    @Test func badSizeInConfigurationIsAnError() throws {
        let result = parse("global\n    tune.bufsize 16q\n")
        let diagnostic = try #require(result.find(.error, line: 2, "invalid size '16q' for 'tune.bufsize'"))
        #expect(diagnostic.hint?.contains("16k") == true)
    }

    @Test func editDistanceSuggestions() {
        #expect(Spelling.editDistance("kitten", "sitting") == 3)
        #expect(Spelling.suggestion(for: "maxcon", among: ["maxconn", "nbthread"]) == "maxconn")
        #expect(Spelling.suggestion(for: "zzzzzz", among: ["maxconn"]) == nil)
    }
}
