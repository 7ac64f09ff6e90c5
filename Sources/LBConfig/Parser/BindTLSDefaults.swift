/// What the `global` section sets for every TLS listener parsed after it, as HAProxy applies it:
/// `ssl-default-bind-options`, `ssl-default-bind-ciphers`, `ssl-default-bind-ciphersuites`, and the
/// directories relative `crt` and `ca-file` paths start from (`crt-base`, `ca-base`).
struct BindTLSDefaults {
    /// The words of `ssl-default-bind-options`, parsed like a bind line's own options, and where they are.
    var options: [String] = []
    var optionsLocation: SourceLocation?
    var ciphers: String?
    var cipherSuites: String?
    var certificateBase: String?
    var caBase: String?
}
