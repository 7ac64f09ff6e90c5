import LBConfig

/// What compiling ACLs, samples and rules needs to know about the whole configuration, and where the
/// findings go.
struct CompileEnvironment {
    /// Backend name to its index in `ProxyPlan.backends`.
    var backendIndexes: [String: Int] = [:]
    /// Servers per backend that are not `disabled` (the static answer for `nbsrv`).
    var staticServerCounts: [Int] = []
    /// `userlist` sections by name, for `http_auth(LIST)`.
    var userlists: [String: UserlistVerifier] = [:]
    /// `ssl-server-verify`: what a server line without `verify` does.
    var serverVerify: ServerTLS.Verify = .required
    var diagnostics: [Diagnostic] = []
    /// Proxy name to its stick table's index in `ProxyPlan.stickTables`.
    var tableIndexes: [String: Int] = [:]
    /// The table of the proxy whose rules are being compiled (what `src_*` reads without a table name).
    var currentTable: Int?

    mutating func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.error(message, at: location, hint: hint))
    }

    mutating func warning(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(.warning(message, at: location, hint: hint))
    }
}

/// Why a fetch or converter could not be compiled.
struct SampleCompileError: Error {
    var message: String
    var hint: String?
    init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}
