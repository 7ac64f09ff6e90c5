@testable import LBProxy
import Testing

/// The parsers' character classes, byte by byte, against their definitions in RFC 9110 and RFC 3986.
@Suite struct ByteClassesTests {
    @Test func tokenIsLettersDigitsAndTheSpecialCharacters() {
        let allowed = Set(("abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "0123456789"
            + "!#$%&'*+-.^_`|~").utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(ByteClasses.isToken(byte) == allowed.contains(byte), "byte \(byte)")
        }
    }

    @Test func fieldValueIsVisibleSpaceTabAndObsText() {
        for byte in UInt8.min...UInt8.max {
            let allowed = (0x20...0x7e).contains(byte) || byte >= 0x80 || byte == 0x09
            #expect(ByteClasses.isFieldValue(byte) == allowed, "byte \(byte)")
        }
    }

    @Test func targetIsVisibleASCIIOnly() {
        for byte in UInt8.min...UInt8.max {
            #expect(ByteClasses.isTarget(byte) == (0x21...0x7e).contains(byte), "byte \(byte)")
        }
    }
}
