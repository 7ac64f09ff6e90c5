import LBShared
import Testing

struct TextBufferTests {
    @Test(arguments: [0, 7, 10, 99, 1_000_000, -1, -120, Int.max, Int.min])
    func integersAreWrittenAsDecimal(value: Int) {
        var buffer = TextBuffer(capacity: 8)
        buffer.append(int: value)
        #expect(buffer.string == String(value))
    }

    @Test func stringsBytesAndRawAppendInOrder() {
        var buffer = TextBuffer()
        buffer.append("é=")
        buffer.append(byte: UInt8(ascii: "["))
        buffer.append([0x31, 0x32])
        buffer.append(byte: UInt8(ascii: "]"))
        #expect(buffer.bytes == Array("é=[12]".utf8))
    }
}
