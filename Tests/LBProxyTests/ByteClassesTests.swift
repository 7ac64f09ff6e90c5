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

    /// The eight-byte check agrees with the byte check (tab aside, which it leaves to the byte check)
    /// for every byte at every position, among neighbours below, inside and above ASCII.
    @Test func aWordOfFieldValueBytesIsRecognisedWhole() {
        for neighbour: UInt8 in [0x20, 0x61, 0x7e, 0x80, 0xff] {
            for byte in UInt8.min...UInt8.max {
                for position in 0..<8 {
                    var bytes = [UInt8](repeating: neighbour, count: 8)
                    bytes[position] = byte
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    let expected = ByteClasses.isFieldValue(byte) && byte != 0x09
                    #expect(ByteClasses.areFieldValueWithoutTab(word) == expected, "byte \(byte) at \(position) among \(neighbour)")
                }
            }
        }
    }

    @Test func targetIsVisibleASCIIOnly() {
        for byte in UInt8.min...UInt8.max {
            #expect(ByteClasses.isTarget(byte) == (0x21...0x7e).contains(byte), "byte \(byte)")
        }
    }
}
