/// The configuration most proxy tests run, written once so that a test names only what it is about.
///
/// `proxy` returns this skeleton, each argument's lines added where shown:
///
///     global                          (only when `global` has lines)
///         <global>
///     defaults
///         mode <mode>                 (http unless told)
///         timeout connect 1s          (`timeouts`)
///         timeout client 5s
///         timeout server 5s
///         <defaults>
///     frontend fe
///         bind 127.0.0.1:<port>
///         <frontend>
///         default_backend be
///     backend be
///         <backend>                   (its servers too: a test's servers are what it is about)
///
/// A test whose point is the layout of a configuration (parsing, line numbers in diagnostics, defaults
/// inheritance, several frontends or backends) spells its configuration out instead.
public enum TestConfig {
    /// The three timeouts every `defaults` here sets; the rest (`http-request`, `queue`, `tunnel`, ...)
    /// go in `defaults` lines.
    public struct Timeouts: Sendable {
        public var connect: String
        public var client: String
        public var server: String

        public init(connect: String = "1s", client: String = "5s", server: String = "5s") {
            self.connect = connect
            self.client = client
            self.server = server
        }
    }

    /// The skeleton above. Each element of `global`, `defaults`, `frontend` and `backend` holds one
    /// directive or several, one a line; every line is indented under its section, whatever the
    /// indentation it came with (a multi-line literal's own indentation is not the config's).
    public static func proxy(port: Int, mode: String = "http", timeouts: Timeouts = Timeouts(),
                             global: [String] = [], defaults: [String] = [], frontend: [String] = [],
                             backend: [String]) -> String {
        var text: [String] = []
        if !lines(global).isEmpty {
            text += ["global"] + lines(global)
        }
        text += ["defaults"]
            + lines(["mode \(mode)", "timeout connect \(timeouts.connect)", "timeout client \(timeouts.client)",
                     "timeout server \(timeouts.server)"] + defaults)
        text += ["frontend fe"] + lines(["bind 127.0.0.1:\(port)"] + frontend + ["default_backend be"])
        text += ["backend be"] + lines(backend)
        return text.joined(separator: "\n")
    }

    /// `directives` split into lines, blank ones dropped, each indented by four spaces.
    private static func lines(_ directives: [String]) -> [String] {
        directives.flatMap { $0.split(separator: "\n") }
            .map { $0.drop { $0 == " " || $0 == "\t" } }
            .filter { !$0.isEmpty }
            .map { "    " + $0 }
    }
}
