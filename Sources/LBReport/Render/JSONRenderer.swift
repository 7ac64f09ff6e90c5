import Foundation

/// `--format json`: the `Report` model, keys sorted, schema `lblog.report/1` (see `Report`).
public enum JSONRenderer {
    public static func render(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: escapingDELAndC1(try encoder.encode(report)), as: UTF8.self) + "\n"
    }

    /// JSONEncoder escapes only C0 controls; DEL and C1 controls (U+0080-U+009F) from a crafted log would
    /// reach a terminal showing the report raw, and some terminals obey C1 as escape sequences. They can
    /// only be inside strings (JSON's own syntax is ASCII), where `\u00XX` means the same character.
    static func escapingDELAndC1(_ json: Data) -> [UInt8] {
        let bytes = [UInt8](json)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x7F {
                out += Array(#"\u007f"#.utf8)
            } else if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] < 0xA0 {
                out += Array(String(format: #"\u%04x"#, Int(bytes[i + 1])).utf8)
                i += 1
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
