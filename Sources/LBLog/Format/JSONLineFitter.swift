/// Shortens a JSON record to a byte budget and keeps it valid JSON, for targets with a `len` limit (1024
/// bytes by default on syslog sockets): cutting the line's tail, as is done for text formats, would leave
/// an unterminated object that no JSON reader accepts.
///
/// Works on the objects lb renders: one object whose values are strings, numbers, literals, or arrays and
/// objects of those. String values (never keys) are cut, the longest first, down to a common length at
/// character boundaries (never inside an escape or a UTF-8 sequence), and `"truncated":true` is added
/// so a reader knows the values are not whole.
public enum JSONLineFitter {
    static let marker: [UInt8] = Array(#","truncated":true"#.utf8)

    /// `json` in at most `budget` bytes, or nil when even empty string values would not fit (the caller
    /// then falls back to a plain cut).
    public static func fit(_ json: ArraySlice<UInt8>, budget: Int) -> [UInt8]? {
        guard json.count > budget else { return Array(json) }
        guard json.last == UInt8(ascii: "}") else { return nil }
        let values = stringValues(json)
        // Cut to `cap` bytes, the values take `json.count - saved(cap)`; a cut at a character boundary
        // is never longer than asked, so the line is never longer than that estimate.
        func size(cap: Int) -> Int { json.count - values.reduce(0) { $0 + max(0, $1.count - cap) } + marker.count }
        guard size(cap: 0) <= budget else { return nil }
        // The longest common length that fits, by bisection (the writer thread does this per record).
        var low = 0, high = values.map(\.count).max() ?? 0
        while low < high {
            let middle = (low + high + 1) / 2
            if size(cap: middle) <= budget { low = middle } else { high = middle - 1 }
        }
        let output = rebuild(json, values: values, cap: low)
        return output.count <= budget ? output : nil
    }

    /// The byte ranges of the contents (between the quotes) of every string that is a value, not a key.
    static func stringValues(_ json: ArraySlice<UInt8>) -> [Range<Int>] {
        var values: [Range<Int>] = []
        var index = json.startIndex
        while index < json.endIndex {
            guard json[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            let start = index + 1
            var end = start
            while end < json.endIndex && json[end] != UInt8(ascii: "\"") {
                end += json[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            var next = end + 1
            while next < json.endIndex && json[next] == UInt8(ascii: " ") { next += 1 }
            let isKey = next < json.endIndex && json[next] == UInt8(ascii: ":")
            if !isKey { values.append(start..<min(end, json.endIndex)) }
            index = end + 1
        }
        return values
    }

    /// `json` with every value longer than `cap` bytes cut to at most `cap`, and the marker before the
    /// closing brace.
    private static func rebuild(_ json: ArraySlice<UInt8>, values: [Range<Int>], cap: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(json.count + marker.count)
        var copied = json.startIndex
        for value in values where value.count > cap {
            output.append(contentsOf: json[copied..<value.lowerBound])
            output.append(contentsOf: json[value.lowerBound..<boundary(json, in: value, atMost: cap)])
            copied = value.upperBound
        }
        output.append(contentsOf: json[copied..<(json.endIndex - 1)])
        output.append(contentsOf: marker)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The end of the longest prefix of string contents `value` that has at most `limit` bytes and ends
    /// between two characters: after a whole escape (`\"`, `\uXXXX`) and a whole UTF-8 sequence.
    static func boundary(_ json: ArraySlice<UInt8>, in value: Range<Int>, atMost limit: Int) -> Int {
        var index = value.lowerBound
        while index < value.upperBound {
            let byte = json[index]
            let length: Int
            if byte == UInt8(ascii: "\\") {
                length = index + 1 < value.upperBound && json[index + 1] == UInt8(ascii: "u") ? 6 : 2
            } else if byte < 0x80 {
                length = 1
            } else if byte >= 0xF0 {
                length = 4
            } else if byte >= 0xE0 {
                length = 3
            } else {
                length = 2
            }
            if index + length - value.lowerBound > limit || index + length > value.upperBound { break }
            index += length
        }
        return index
    }
}
