import LBCore

/// A client connection's two ends, and their text for the log, rendered once per connection rather than
/// per request (only when something prints them).
struct SessionAddresses {
    var info = ConnectionInfo(source: nil, sourcePort: 0, destination: nil, destinationPort: 0)
    var clientText = "-"
    var frontendText = "-"

    init() {}

    init(info: ConnectionInfo, withText: Bool) {
        self.info = info
        if withText {
            clientText = info.source?.description ?? "-"
            frontendText = info.destination?.description ?? "-"
        }
    }
}
