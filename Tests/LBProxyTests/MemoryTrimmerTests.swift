import Testing
@testable import LBProxy

struct MemoryTrimmerTests {
    @Test func trimsOnceALoadHasHalvedAndAgainAfterTheNextDrop() {
        let trimmer = MemoryTrimmer()
        // Growing, then holding: nothing to give back.
        #expect([10, 500, 2000, 1900].map { trimmer.observe(openConnections: $0) } == [false, false, false, false])
        // Down to half of the peak and by more than the minimum: one trim, and the peak starts again there.
        #expect(trimmer.observe(openConnections: 1000))
        #expect(!trimmer.observe(openConnections: 900))
        #expect(trimmer.observe(openConnections: 400))
        // A drop smaller than the minimum waits for more.
        #expect(!trimmer.observe(openConnections: 300))
        #expect(trimmer.observe(openConnections: 0))
    }

    @Test func smallLoadsNeverTrim() {
        let trimmer = MemoryTrimmer()
        #expect([200, 0, 255, 0].map { trimmer.observe(openConnections: $0) } == [false, false, false, false])
    }
}
