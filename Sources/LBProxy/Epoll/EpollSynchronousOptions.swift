import NIOCore

/// A channel of lb's epoll loops that sets and reads its options directly, on its loop.
protocol EpollOptionHolder: AnyObject {
    func setOption0<Option: ChannelOption>(_ option: Option, value: Option.Value) throws
    func getOption0<Option: ChannelOption>(_ option: Option) throws -> Option.Value
}

/// `syncOptions` of lb's epoll channels: the options set and read at once, without a future.
struct EpollSynchronousOptions<Holder: EpollOptionHolder>: NIOSynchronousChannelOptions {
    let channel: Holder

    func setOption<Option: ChannelOption>(_ option: Option, value: Option.Value) throws {
        try channel.setOption0(option, value: value)
    }

    func getOption<Option: ChannelOption>(_ option: Option) throws -> Option.Value {
        try channel.getOption0(option)
    }
}
