import NIOCore

/// The size of the buffer each connection reads into. SwiftNIO keeps a channel's last receive buffer for
/// its next read, so an idle keep-alive connection holds that buffer for as long as it stays open. Reads
/// therefore start small, which is what idle clients and most request heads need, and the buffer grows
/// with what the connection actually sends, up to `tune.bufsize` as HAProxy's per-connection buffer.
struct ReceiveBufferSizing: Sendable {
    /// The first read's buffer: a typical request head fits, and an idle client keeps no more than this.
    static let initialBytes = 512
    /// The smallest buffer a connection that only ever sends a little shrinks to.
    static let minimumBytes = 64

    let allocator: AdaptiveRecvByteBufferAllocator

    init(bufferSize: Int) {
        allocator = AdaptiveRecvByteBufferAllocator(minimum: Self.minimumBytes, initial: Self.initialBytes,
                                                    maximum: max(Self.initialBytes, bufferSize))
    }
}
