import Testing

/// A test argument whose text can be a megabyte: the test log shows its start and its length, not the
/// whole text.
struct LongText: CustomTestStringConvertible, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    var testDescription: String {
        text.utf8.count <= 80 ? "\"\(text)\"" : "\"\(text.prefix(40))…\" (\(text.utf8.count) bytes)"
    }
}
