import CEpoll

/// The epoll event bits lb's loops use, as `UInt32` masks.
enum EpollEvent {
    static let input = UInt32(LB_EPOLLIN)
    static let output = UInt32(LB_EPOLLOUT)
    static let error = UInt32(LB_EPOLLERR)
    static let hangUp = UInt32(LB_EPOLLHUP)
    static let peerClosedInput = UInt32(LB_EPOLLRDHUP)
    static let edgeTriggered = UInt32(1) << 31
}
