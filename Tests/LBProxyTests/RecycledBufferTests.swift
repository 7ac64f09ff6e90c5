import NIOCore
import Testing
@testable import LBProxy

struct RecycledBufferTests {
    private let allocator = ByteBufferAllocator()

    /// The address of a buffer's storage: the same address means the same memory reused.
    private func storage(_ buffer: ByteBuffer) -> UInt {
        buffer.withVeryUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
    }

    /// Keeps `buffer`, holding no other reference to it, and returns its storage's address.
    private func keep(_ buffer: consuming ByteBuffer, in recycled: inout RecycledBuffer) -> UInt {
        let address = storage(buffer)
        recycled.keep(buffer)
        return address
    }

    private func written(_ text: String) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        buffer.writeString(text)
        return buffer
    }

    @Test func aBufferNothingElseHoldsIsEmptiedAndReused() {
        var recycled = RecycledBuffer()
        let address = keep(written("HTTP/1.1 200 OK\r\n\r\n"), in: &recycled)
        let taken = recycled.take(capacity: 128, allocator: allocator)
        #expect(storage(taken) == address)
        #expect(taken.readableBytes == 0)
        #expect(recycled.count == 0)
    }

    @Test func theOldestKeptBufferIsTakenFirst() {
        var recycled = RecycledBuffer()
        let firstAddress = keep(written("first"), in: &recycled)
        let secondAddress = keep(written("second"), in: &recycled)
        #expect(storage(recycled.take(capacity: 64, allocator: allocator)) == firstAddress)
        #expect(storage(recycled.take(capacity: 64, allocator: allocator)) == secondAddress)
    }

    @Test func aBufferStillBeingWrittenWaitsForALaterRequest() {
        var recycled = RecycledBuffer()
        var pendingWrite: ByteBuffer? = written("HTTP/1.1 200 OK\r\n\r\n")
        let address = storage(pendingWrite!)
        recycled.keep(pendingWrite!)
        // The write still references the bytes: a new buffer, and the written bytes are left alone.
        let fresh = recycled.take(capacity: 64, allocator: allocator)
        #expect(storage(fresh) != address)
        #expect(pendingWrite?.readableBytes == 19)
        #expect(recycled.count == 1)
        // Once the socket took them, the same buffer serves the next request.
        pendingWrite = nil
        #expect(storage(recycled.take(capacity: 64, allocator: allocator)) == address)
    }

    @Test func keepsAtMostItsLimitAndDropsTheOldest() {
        var recycled = RecycledBuffer()
        let oldestAddress = keep(written("oldest"), in: &recycled)
        for index in 1..<RecycledBuffer.kept { recycled.keep(written("\(index)")) }
        #expect(recycled.count == RecycledBuffer.kept)
        recycled.keep(written("one more"))
        #expect(recycled.count == RecycledBuffer.kept)
        #expect(storage(recycled.take(capacity: 16, allocator: allocator)) != oldestAddress)
    }
}
