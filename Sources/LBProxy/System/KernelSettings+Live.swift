import Foundation
import LBConfig
import LBCore
import NIOCore

extension KernelSettings {
    /// This host's kernel: sysctls from /proc/sys, addresses from the interfaces (getifaddrs).
    public static let live = KernelSettings(
        read: { name in try? String(contentsOfFile: KernelSettings.path(of: name), encoding: .utf8) },
        localAddresses: {
            let devices = (try? System.enumerateDevices()) ?? []
            return Set(devices.compactMap { $0.address?.ipAddress })
        })
}
