/// A certificate or TLS setting lb cannot use, naming the file it is about.
struct TLSSetupError: Error, CustomStringConvertible {
    let file: String
    let message: String

    init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    var description: String { "\(file): \(message)" }
}
