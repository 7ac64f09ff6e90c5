// swift-tools-version:6.0
// bench/relay-floor.sh builds this: a keep-alive HTTP/1 relay on epoll without SwiftNIO, to measure what
// the I/O layer alone costs per request. It is not part of lb.
import PackageDescription

let package = Package(
    name: "relay-floor",
    targets: [
        .target(name: "CEpollShim"),
        .executableTarget(name: "RelayFloor", dependencies: ["CEpollShim"]),
    ]
)
