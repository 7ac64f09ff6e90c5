import NIOCore

/// The client side's input: bytes received and not consumed yet (a partial head, body bytes waiting for
/// the server, pipelined requests), and whether a read is held back until the next hop can take more.
struct ClientInput {
    var buffer: ByteBuffer?
    var readPending = false

    var buffered: Int { buffer?.readableBytes ?? 0 }

    mutating func append(_ bytes: inout ByteBuffer) {
        if buffer == nil || buffer!.readableBytes == 0 {
            buffer = bytes
        } else {
            buffer!.writeBuffer(&bytes)
        }
    }
}
