/// A converter applied to a sample after its fetch (`,lower`, `,field(2,:)`...).
enum Converter: Sendable, Hashable {
    case lower
    case upper
    case base64
    case hex
    case length
    /// `field(index,delimiters[,count])`: split at any delimiter byte, empty fields count.
    case field(index: Int, delimiters: [UInt8], count: Int)
    /// `word(index,delimiters[,count])`: like `field`, but empty words are skipped.
    case word(index: Int, delimiters: [UInt8], count: Int)
    /// Internal: the value read as an integer (`hdr_val`, `cook_val`, `urlp_val`).
    case toInteger
    /// Internal: the value read as an IP address (`hdr_ip`).
    case toAddress
    /// `table_X(T)`: the counter X of the entry the value is a key of, in table T.
    case stickTable(table: Int, operation: StickCounterOperation)

    var outputType: SampleType? {
        switch self {
        case .length, .toInteger, .stickTable: .integer
        case .toAddress: .address
        default: .string
        }
    }

    static func resolve(_ call: SampleCall, environment: CompileEnvironment) throws(SampleCompileError) -> Converter {
        let arguments = call.arguments
        if call.name.hasPrefix("table_"), let operation = StickCounterOperation.named(String(call.name.dropFirst(6))),
           operation != .isTracked {
            let name = arguments.first.flatMap { $0.isEmpty ? nil : $0 }
            guard let table = try StickCounterFetch.tableIndex(name, for: call.name, environment: environment) else {
                throw SampleCompileError("converter '\(call.name)' needs a table")
            }
            return .stickTable(table: table, operation: operation)
        }
        func noArguments(_ converter: Converter) throws(SampleCompileError) -> Converter {
            guard arguments.isEmpty || arguments == [""] else {
                throw SampleCompileError("converter '\(call.name)' takes no argument")
            }
            return converter
        }
        switch call.name {
        case "lower": return try noArguments(.lower)
        case "upper": return try noArguments(.upper)
        case "base64": return try noArguments(.base64)
        case "hex": return try noArguments(.hex)
        case "length": return try noArguments(.length)
        case "field", "word":
            guard arguments.count == 2 || arguments.count == 3, let index = Int(arguments[0]), index != 0,
                  !arguments[1].isEmpty else {
                throw SampleCompileError("converter '\(call.name)' expects (index,delimiters[,count]) with a non-zero index")
            }
            var count = 1
            if arguments.count == 3 {
                guard let parsed = Int(arguments[2]), parsed >= 0 else {
                    throw SampleCompileError("converter '\(call.name)': bad count '\(arguments[2])'")
                }
                count = parsed
            }
            let delimiters = Array(arguments[1].utf8)
            return call.name == "field"
                ? .field(index: index, delimiters: delimiters, count: count)
                : .word(index: index, delimiters: delimiters, count: count)
        default:
            throw SampleCompileError("unknown or unsupported converter '\(call.name)'",
                                     hint: "lb supports lower, upper, base64, hex, length, field, word")
        }
    }

    /// The converted value, or nil when the conversion fails (the sample is then absent).
    func apply(_ value: SampleValue, in context: SampleContext) -> SampleValue? {
        if case .stickTable(let table, let operation) = self {
            return context.stickCounters?.keyed(String(value.text), table: table, operation).map { .integer($0) }
        }
        return apply(value)
    }

    /// The converted value for converters that need nothing but the value.
    func apply(_ value: SampleValue) -> SampleValue? {
        switch self {
        case .stickTable: return nil
        case .lower: return .string(Substring(value.text.lowercased()))
        case .upper: return .string(Substring(value.text.uppercased()))
        case .base64: return .string(Substring(Self.base64(Array(value.text.utf8))))
        case .hex:
            let digits = Array("0123456789ABCDEF".utf8)
            var out: [UInt8] = []
            for byte in Self.binary(value) { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
            return .string(Substring(String(decoding: out, as: UTF8.self)))
        case .length: return .integer(value.text.utf8.count)
        case .toInteger: return value.integer.map { .integer($0) }
        case .toAddress: return value.address.map { .address($0) }
        case .field(let index, let delimiters, let count):
            return Self.select(value.text, index: index, delimiters: delimiters, count: count, skipEmpty: false).map { .string($0) }
        case .word(let index, let delimiters, let count):
            return Self.select(value.text, index: index, delimiters: delimiters, count: count, skipEmpty: true).map { .string($0) }
        }
    }

    /// Parts `index ..< index+count` (1-based; negative counts from the end; count 0 = to the far end),
    /// rejoined with the text between them as it was.
    static func select(_ text: Substring, index: Int, delimiters: [UInt8], count: Int, skipEmpty: Bool) -> Substring? {
        var parts: [Range<String.Index>] = []
        var start = text.startIndex
        var cursor = text.startIndex
        let utf8 = text.utf8
        while cursor < text.endIndex {
            if delimiters.contains(utf8[cursor]) {
                if !(skipEmpty && start == cursor) { parts.append(start..<cursor) }
                start = utf8.index(after: cursor)
            }
            cursor = utf8.index(after: cursor)
        }
        if !(skipEmpty && start == text.endIndex) { parts.append(start..<text.endIndex) }
        guard !parts.isEmpty else { return nil }
        var first: Int, last: Int
        if index > 0 {
            first = index - 1
            last = count == 0 ? parts.count - 1 : min(parts.count - 1, first + count - 1)
        } else {
            last = parts.count + index
            first = count == 0 ? 0 : max(0, last - count + 1)
        }
        guard first >= 0, first < parts.count, last >= first else { return nil }
        return text[parts[first].lowerBound..<parts[last].upperBound]
    }

    /// A sample as the binary input of `hex`: an integer or a boolean is its 64-bit big-endian value (as
    /// HAProxy casts them, so `%[ssl_fc_err,hex]` prints 16 digits), anything else its text's bytes.
    static func binary(_ value: SampleValue) -> [UInt8] {
        let number: Int
        switch value {
        case .integer(let integer): number = integer
        case .boolean(let flag): number = flag ? 1 : 0
        default: return Array(value.text.utf8)
        }
        return (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: Int64(number)) >> (UInt64($0) * 8)) }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(index + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
