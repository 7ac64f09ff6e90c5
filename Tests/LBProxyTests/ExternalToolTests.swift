import Foundation
import LBTestSupport
import Testing

/// The bounds that keep a misbehaving peer from hanging the test run hold.
@Suite struct ExternalToolTests {
    @Test func aPeerThatDoesNotFinishIsStoppedAndReported() throws {
        let started = ContinuousClock.now
        #expect(throws: ExternalTool.TimedOut.self) { try ExternalTool.run("sleep", ["30"], limit: 1) }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    /// Input, output and errors flow at once: a megabyte through `cat` both ways does not stall on a
    /// full pipe, and arrives intact.
    @Test func largeInputAndOutputFlowTogether() throws {
        let text = String(repeating: "0123456789abcdef\n", count: 65_536)
        let outcome = try ExternalTool.run("sh", ["-c", "tee /dev/stderr"], input: text)
        #expect(outcome.status == 0)
        #expect(outcome.output == text)
        #expect(outcome.errors == text)
    }

    @Test func waitUntilGivesUpWithWhatItWaitedFor() async throws {
        await #expect(throws: WaitTimedOut.self) { try await waitUntil("nothing", within: 0.05) { false } }
        var polls = 0
        try await waitUntil("the third poll") { polls += 1; return polls == 3 }
        #expect(polls == 3)
    }
}
