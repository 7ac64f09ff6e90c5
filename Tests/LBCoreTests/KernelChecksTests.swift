import LBConfig
import Testing
@testable import LBCore

/// The start-time checks against made-up kernels: no /proc is read.
struct KernelChecksTests {
    static func kernel(_ values: [String: String], addresses: [String] = ["127.0.0.1", "10.0.0.1", "::1"]) -> KernelSettings {
        let local = Set(addresses.compactMap { IPAddress($0) })
        return KernelSettings(read: { values[$0] }, localAddresses: { local })
    }

    static func bind(_ host: String?, line: Int = 3) -> BindAddress {
        BindAddress(host: host, port: 80, location: SourceLocation(file: "lb.cfg", line: line))
    }

    static let quiet = ["net.core.somaxconn": "4096\n", "net.ipv4.ip_nonlocal_bind": "0\n", "net.ipv6.ip_nonlocal_bind": "0\n"]

    @Test func aSettledKernelGivesNoWarning() {
        #expect(KernelChecks.warnings(binds: [Self.bind(nil), Self.bind("10.0.0.1"), Self.bind("0.0.0.0"), Self.bind("::")],
                                      kernel: Self.kernel(Self.quiet)).isEmpty)
    }

    @Test func aSomaxconnBelowTheBacklogIsReported() {
        var values = Self.quiet
        values["net.core.somaxconn"] = "128\n"
        let warnings = KernelChecks.warnings(binds: [Self.bind(nil)], kernel: Self.kernel(values))
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("net.core.somaxconn is 128, below the listen backlog lb asks for (1024)") == true)
        #expect(KernelChecks.warnings(binds: [], backlog: 128, kernel: Self.kernel(values)).isEmpty)
        // A kernel without the setting (or that hides /proc/sys) is not guessed at.
        values["net.core.somaxconn"] = nil
        #expect(KernelChecks.warnings(binds: [], kernel: Self.kernel(values)).isEmpty)
    }

    @Test func aBindOnAnAddressTheHostLacksNeedsNonlocalBind() {
        let binds = [Self.bind("10.0.0.100", line: 7), Self.bind("10.0.0.100", line: 8), Self.bind("10.0.0.1"), Self.bind("fd00::64", line: 9)]
        let warnings = KernelChecks.warnings(binds: binds, kernel: Self.kernel(Self.quiet))
        #expect(warnings.count == 2, "one per address: \(warnings)")
        #expect(warnings.first?.hasPrefix("lb.cfg:7: 10.0.0.100 is not an address of this host and net.ipv4.ip_nonlocal_bind is 0") == true)
        #expect(warnings.last?.hasPrefix("lb.cfg:9: fd00::64 is not an address of this host and net.ipv6.ip_nonlocal_bind is 0") == true)

        var allowed = Self.quiet
        allowed["net.ipv4.ip_nonlocal_bind"] = "1"
        allowed["net.ipv6.ip_nonlocal_bind"] = "1"
        #expect(KernelChecks.warnings(binds: binds, kernel: Self.kernel(allowed)).isEmpty)
        // Once keepalived added the VIP, the address is local.
        #expect(KernelChecks.warnings(binds: binds, kernel: Self.kernel(Self.quiet, addresses: ["10.0.0.1", "10.0.0.100", "fd00::64"])).isEmpty)
    }

    @Test func inheritedSocketsAreNotChecked() {
        let inherited = BindAddress(descriptor: 3, location: SourceLocation(file: "lb.cfg", line: 2))
        #expect(KernelChecks.warnings(binds: [inherited], kernel: Self.kernel(Self.quiet, addresses: [])).isEmpty)
    }

    @Test func sysctlNamesMapToProcSysFiles() {
        #expect(KernelSettings.path(of: "net.ipv4.ip_nonlocal_bind") == "/proc/sys/net/ipv4/ip_nonlocal_bind")
        #expect(Self.kernel(["fs.file-max": " 9223372036854775807\n"]).integer("fs.file-max") == Int.max)
    }
}
