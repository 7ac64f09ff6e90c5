import Testing
@testable import LBConfig

/// `hash-type map-based|consistent [function [avalanche]]`, read in HAProxy's order.
@Suite struct HashTypeParsingTests {
    /// Parses `line` in a `listen` section, where it sits on line 8.
    func listen(_ line: String) -> (Proxy?, ConfigurationLoader.Result) {
        let result = parse(quietDefaults + "listen l\n    bind :80\n    " + line)
        return (result.configuration?.proxy(named: "l"), result)
    }

    @Test(arguments: [
        ("hash-type map-based", ["map-based"]),
        ("hash-type consistent", ["consistent"]),
        ("hash-type consistent djb2", ["consistent", "djb2"]),
        ("hash-type map-based crc32 avalanche", ["map-based", "crc32", "avalanche"]),
        ("hash-type consistent none", ["consistent", "none"]),
        ("hash-type consistent wt6 avalanche", ["consistent", "wt6", "avalanche"]),
    ])
    func accepted(line: String, words: [String]) {
        let (proxy, result) = listen(line)
        #expect(proxy?.hashType == words, "\(result.diagnostics)")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("hash-type avalanche", "'hash-type' expects map-based or consistent"),
        ("hash-type map-based avalanche", "unknown 'hash-type' function 'avalanche'"),
        ("hash-type consistent md5", "unknown 'hash-type' function 'md5'"),
        ("hash-type consistent sdbm fast", "unknown 'hash-type' modifier 'fast'"),
        ("hash-type consistent sdbm avalanche again", "unexpected argument 'again'"),
    ])
    func refused(line: String, message: String) {
        let (_, result) = listen(line)
        #expect(result.find(.error, line: 8, message) != nil, "\(result.diagnostics)")
    }
}
