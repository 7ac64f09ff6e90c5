// swift-tools-version:6.0
import PackageDescription

/// lb: an observability-first L4/L7 load balancer, and lblog, its log analyzer.
/// Module boundaries follow docs/DESIGN (shared/DESIGN.md): dependencies point one way.
let package = Package(
    name: "lb",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lb", targets: ["lb"]),
        .executable(name: "lblog", targets: ["lblog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        // TLS on binds and towards servers, with BoringSSL bundled (no system OpenSSL needed).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // What two modules would otherwise each keep a copy of (exposition writer, histogram bounds,
        // log-format lexer); it imports nothing of ours, so any module may use it.
        .target(name: "LBShared"),
        .target(name: "LBConfig"),
        // crypt(3) from the system (Debian: libcrypt-dev): hashed passwords in `userlist` sections.
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .target(name: "LBCore", dependencies: ["LBConfig", "LBShared", "CCrypt"]),
        // zlib from the system (Debian: zlib1g-dev): gzip members for the rotating log file, and
        // decompression for lblog.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // sendmmsg(2) for UDP and unix-datagram syslog: a writer batch leaves in one system call.
        .systemLibrary(name: "CSocketBatch"),
        // pthread_setname_np(3): the log writer thread's name, set by the thread itself.
        .systemLibrary(name: "CThreadName"),
        .target(name: "CMainThreadCredentials"),
        // epoll(7), eventfd(2) and accept4(2), which Swift's Glibc module lacks: lb's own event loops.
        .target(name: "CEpoll"),
        // malloc_trim(3): memory freed after a load goes back to the system.
        .systemLibrary(name: "CMallocTrim"),
        .target(name: "LBLog", dependencies: ["LBShared", "CZlib", "CSocketBatch", "CThreadName", .product(name: "Atomics", package: "swift-atomics")]),
        .target(name: "LBStats", dependencies: ["LBShared"]),
        .target(
            name: "LBProxy",
            dependencies: [
                "LBConfig", "LBCore", "LBLog", "LBStats", "LBShared", "CMallocTrim", "CEpoll",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
            ],
            // The data plane is confined to its event loops and its state to one session at a time;
            // the dynamic exclusivity checks on every access to a session's fields showed in perf
            // (swift_beginAccess and its thread-local access set, about 3% of the samples), and without
            // them keep-alive requests/s rose 4% (A/B, 4 alternated runs). Debug builds, which the
            // tests run, keep the checks.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // __builtin_prefetch, which Swift lacks: lblog's URL table overlaps its cache misses.
        .systemLibrary(name: "CPrefetch"),
        .target(name: "LBReport", dependencies: ["LBLog", "LBShared", "CZlib", "CPrefetch"]),
        .executableTarget(
            name: "lb",
            dependencies: [
                // LBLog: the master's own messages (reloads) go to the global log targets.
                "LBConfig", "LBCore", "LBProxy", "LBLog",
                // CleanSpawn: daemon mode and the master start a copy of lb.
                "LBShared",
                // `user`/`group`: the main thread, which glibc's setuid leaves alone (see the shim).
                "CMainThreadCredentials",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // TimeAmount: the stop's grace period handed to the data plane.
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "lblog",
            dependencies: [
                "LBLog", "LBReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `lblog serve`: the /metrics HTTP listener.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Helpers every test target shares: bounded runs of peer programs and child processes.
        .target(name: "LBTestSupport", dependencies: ["LBShared"], path: "Tests/LBTestSupport"),
        .testTarget(name: "LBSharedTests", dependencies: ["LBShared"]),
        .testTarget(name: "LBConfigTests", dependencies: ["LBConfig"]),
        .testTarget(name: "LBCoreTests", dependencies: ["LBCore", "LBConfig"]),
        .testTarget(name: "LBLogTests", dependencies: ["LBLog", "CZlib", "CSocketBatch", "LBTestSupport", "LBCore"]),
        .testTarget(name: "LBStatsTests", dependencies: ["LBStats", "LBShared", "LBCore"]),
        .testTarget(name: "LBReportTests", dependencies: ["LBReport", "LBLog", "CZlib", "LBTestSupport"]),
        .testTarget(
            name: "LBProxyTests",
            dependencies: [
                "LBProxy", "LBConfig", "LBCore", "LBStats", "LBTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // A loop whose tasks run when the test says, for the end-of-batch flushes.
                .product(name: "NIOEmbedded", package: "swift-nio"),
                // TLS servers in tests, for `server ... ssl`.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
