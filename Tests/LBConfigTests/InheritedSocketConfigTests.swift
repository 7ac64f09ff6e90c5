import Testing
@testable import LBConfig

/// `fd@N` addresses on `bind` and `stats socket` lines.
@Suite struct InheritedSocketConfigTests {
    private func configuration(_ bind: String, global: String = "") -> ConfigurationLoader.Result {
        parse("global\n" + global + "\n" + quietDefaults + "frontend fe\n    bind \(bind)\n    http-request return status 200\n")
    }

    @Test func bindTakesADescriptor() throws {
        let result = configuration("fd@3,fd@7 name inherited")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let binds = try #require(result.configuration?.proxies.first?.binds)
        #expect(binds.map(\.descriptor) == [3, 7])
        #expect(binds.map(\.description) == ["fd@3", "fd@7"])
        #expect(binds.allSatisfy { $0.options == ["name", "inherited"] })
    }

    @Test func statsSocketTakesADescriptor() throws {
        let result = configuration("127.0.0.1:80", global: "    stats socket fd@4 level admin")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let socket = try #require(result.configuration?.global.statsSockets.first)
        #expect(socket.descriptor == 4)
        #expect(socket.level == .admin)
    }

    @Test(arguments: [
        ("fd@", "invalid file descriptor in 'fd@'"),
        ("fd@three", "invalid file descriptor in 'fd@three'"),
        ("fd@-1", "invalid file descriptor in 'fd@-1'"),
        ("fd@1", "'fd@1' is a standard stream, not a listening socket"),
    ])
    func badDescriptorsAreErrorsAtTheirLine(bind: String, message: String) {
        let result = configuration(bind)
        #expect(result.find(.error, line: 9, message) != nil, "\(result.diagnostics)")
    }

    @Test func aDescriptorServesOneListenerOnly() {
        let result = configuration("fd@5", global: "    stats socket fd@5")
        #expect(result.find(.error, line: 9, "fd@5 is already used at test.cfg:2") != nil, "\(result.diagnostics)")
    }
}
