import NIOCore
import Testing
@testable import LBProxy

struct ReceiveBufferSizingTests {
    @Test func readsStartSmallAndGrowWithTrafficUpToTheBufferSize() {
        var allocator = ReceiveBufferSizing(bufferSize: 16384).allocator
        #expect(allocator.nextBufferSize() == ReceiveBufferSizing.initialBytes)
        // Every read fills its buffer, as on a connection that streams: the buffer doubles up to tune.bufsize.
        var sizes: [Int] = []
        for _ in 0..<10 {
            let size = allocator.nextBufferSize() ?? 0
            sizes.append(size)
            _ = allocator.record(actualReadBytes: size)
        }
        #expect(sizes.prefix(6) == [512, 1024, 2048, 4096, 8192, 16384])
        #expect(sizes.max() == 16384)
    }

    @Test func aLargerBufferSizeLetsReadsGrowFurther() {
        var allocator = ReceiveBufferSizing(bufferSize: 65536).allocator
        for _ in 0..<10 { _ = allocator.record(actualReadBytes: allocator.nextBufferSize() ?? 0) }
        #expect(allocator.nextBufferSize() == 65536)
    }
}
