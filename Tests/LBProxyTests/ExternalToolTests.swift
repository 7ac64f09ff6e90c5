import Foundation
import LBTestSupport
import Testing

/// The bounds that keep a misbehaving peer from hanging the test run hold.
@Suite struct ExternalToolTests {
    /// The wait (about 6 s: `sleep` may only die of the SIGKILL that follows SIGTERM) runs on a dispatch
    /// thread: blocking one of the two cooperative threads that long would stall other tests' tasks.
    @Test func aPeerThatDoesNotFinishIsStoppedAndReported() async throws {
        // Timed on the thread that runs it: the test's own task may wait for a cooperative thread
        // afterwards, for as long as other tests hold both.
        let (outcome, took): (Result<ExternalTool.Outcome, any Error>, Duration) = try await offloaded {
            let started = ContinuousClock.now
            let outcome = Result { try ExternalTool.run("sleep", ["60"], limit: 1) }
            return (outcome, ContinuousClock.now - started)
        }
        #expect(throws: ExternalTool.TimedOut.self) { try outcome.get() }
        // Stopped, not finished: about 6 s, with a wide margin for a loaded machine.
        #expect(took < .seconds(50), "took \(took)")
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
