import Testing
@testable import LBConfig

/// Names are looked up in indexes built as sections are read (proxies, userlists, users), so checking
/// stays linear; these pin what the lookups report where several sections share a name.
@Suite struct NameIndexTests {
    @Test(arguments: [
        ("frontend a", "backend a", "frontend 'a' declared at test.cfg:1"),
        ("backend a", "frontend a", "backend 'a' declared at test.cfg:1"),
    ])
    func listenAfterAFrontendAndABackendNamesTheFirst(first: String, second: String, named: String) {
        let result = parse(config(first, second, "listen a"))
        let duplicates = result.errors.filter { $0.message.contains("same name") }
        #expect(duplicates.count == 1, "\(result.diagnostics)")
        #expect(duplicates.first?.message == "listen 'a' has the same name as \(named)")
        #expect(duplicates.first?.location.line == 3)
    }

    @Test func backendUsedByNameAfterAFrontendOfTheSameName() {
        let result = parse(quietDefaults + config("frontend a", "    bind :80", "    default_backend a", "backend a",
                                                 "    server s 127.0.0.1:80"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
    }

    @Test func duplicateUserlist() {
        let result = parse(config("userlist u", "    user a insecure-password p", "userlist u", "    user b insecure-password p"))
        #expect(result.find(.error, line: 3, "userlist 'u' is already declared at test.cfg:1") != nil, "\(result.diagnostics)")
    }

    @Test func membershipWrittenOnBothSidesIsListedOnce() throws {
        let result = parse(config(
            "userlist u",
            "    group ops users alice,alice",
            "    group devs users alice",
            "    user alice insecure-password p groups ops",
            "    user alice2 insecure-password p groups devs"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let list = try #require(result.configuration?.userlists.first)
        #expect(list.users.map(\.groups) == [["ops", "devs"], ["devs"]])
        #expect(list.groups == ["ops": ["alice"], "devs": ["alice", "alice2"]])
    }
}
