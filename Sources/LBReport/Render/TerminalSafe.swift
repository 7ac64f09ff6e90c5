import LBLog

/// Makes text that came from a log safe to show on a terminal (text, Markdown and CSV reports, `tail`,
/// warnings on stderr). A log line is written by whoever sent the request, so a crafted URL or header
/// could otherwise retitle the terminal (`ESC ] 0 ; ... BEL`), move the cursor or erase lines.
///
/// Every C0 control (0x00-0x1F, newline and tab included: a renderer's own layout never goes through
/// here), DEL (0x7F), C1 control (U+0080-U+009F, which some terminals obey as 8-bit escape sequences)
/// and byte that is not part of well-formed UTF-8 is written as a visible escape: `\t`, `\n`, `\r`,
/// otherwise `\xHH` per byte (ESC is `\x1b`, U+009B is `\xc2\x9b`), so a reader still sees what was
/// there. Everything else, backslashes included, is copied unchanged.
public enum TerminalSafe {
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: mayNeedEscape) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        append(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Raw bytes from a log, which may also hold invalid UTF-8.
    public static func escape(bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func append(_ bytes: [UInt8], to output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0, to: &output) }
    }

    public static func append(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 || b == 0x7F { appendEscape(b, to: &output) } else { output.append(b) }
                i += 1
                continue
            }
            let length = validUTF8SequenceLength(bytes, at: i)
            if length == 0 {
                appendEscape(b, to: &output)
                i += 1
            } else if b == 0xC2 && bytes[i + 1] < 0xA0 {
                appendEscape(b, to: &output)
                appendEscape(bytes[i + 1], to: &output)
                i += 2
            } else {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]))
                i += length
            }
        }
    }

    /// A byte that starts something `append` may change in a String (always well-formed UTF-8): a C0
    /// control, DEL, or the lead byte of a C1 control.
    private static func mayNeedEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x7F || b == 0xC2 }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ b: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch b {
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        default:
            output.append(UInt8(ascii: "x"))
            output.append(hex[Int(b >> 4)])
            output.append(hex[Int(b & 0x0F)])
        }
    }
}
