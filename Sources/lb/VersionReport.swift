import LBConfig
import LBProxy
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// What `lb -v` and `lb -vv` print. `-vv` follows `haproxy -vv`'s layout, so that scripts written for it
/// (HAProxy's `run-regtests.sh` reads the `HAProxy version`, `TARGET =`, `Feature list` and `Available
/// services` lines) read lb's answer too; the values are lb's own.
enum VersionReport {
    /// `-v`: lb's version, and the HAProxy version whose configuration language it speaks.
    static var short: String {
        """
        lb version \(LBVersion.current)
        HAProxy version \(HAProxyDialect.version) is the configuration dialect lb speaks (version_atleast() and version_before() compare with it)
        """
    }

    /// `-vv`: the version, then how lb was built and what it has.
    static var full: String {
        let defaults = GlobalSettings()
        var lines = [short]
        lines.append("Running on: \(runningOn)")
        lines.append("Build options :")
        lines.append("  TARGET  = \(target)")
        lines.append("  SWIFT   = \(swiftVersion)")
        lines.append("  BUILD   = \(buildConfiguration)")
        lines.append("")
        lines.append("Feature list : \(HAProxyDialect.featureLine)")
        lines.append("")
        lines.append("Default settings :")
        lines.append("  bufsize = \(defaults.bufferSize), maxhdr = \(defaults.maxHeaders), maxconn = \(defaults.maxConnections)")
        lines.append("")
        lines.append("Built with multi-threading support (default=\(System.coreCount): one event loop per core).")
        lines.append("Built with the Prometheus exporter as a service")
        lines.append("Encrypted password support via crypt(3): yes")
        lines.append("Built with zlib for the gzip access log files (no HTTP compression).")
        lines.append("Built with \(HAProxyDialect.tlsLibraryName) (swift-nio-ssl), OpenSSL API level \(HAProxyDialect.tlsLibraryVersion)")
        lines.append("SSL library supports TLS extensions : yes")
        lines.append("SSL library supports SNI : yes")
        lines.append("SSL library supports : TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3")
        lines.append("")
        lines.append("Available polling systems :")
        lines.append("      epoll : the SwiftNIO event loops' selector")
        lines.append("")
        lines.append("Available multiplexer protocols :")
        lines.append("  <default> : mode=HTTP  side=FE|BE  mux=H1")
        lines.append("  <default> : mode=TCP   side=FE|BE  mux=PASS")
        lines.append("")
        lines.append("Available services : prometheus-exporter")
        lines.append("Available filters : none")
        return lines.joined(separator: "\n")
    }

    private static var runningOn: String {
        var name = utsname()
        guard uname(&name) == 0 else { return "unknown" }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(text(name.sysname)) \(text(name.release)) \(text(name.version)) \(text(name.machine))"
    }

    private static var target: String {
        #if os(Linux)
        let system = "linux"
        #elseif os(macOS)
        let system = "macos"
        #else
        let system = "other"
        #endif
        #if arch(x86_64)
        return system + "-x86_64"
        #elseif arch(arm64)
        return system + "-arm64"
        #else
        return system
        #endif
    }

    private static var swiftVersion: String {
        #if compiler(>=6.3)
        return "6.3 or later"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    private static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }
}
