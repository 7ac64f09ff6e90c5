extension LogFormat {
    /// HAProxy 3's `%{+json}o` output: `{"name": value, ...}` with the named items only (unnamed items
    /// and literal text are dropped), numbers as numbers, absent values as `null`, and `:str`, `:sint`,
    /// `:bool` forcing a type. Strings are JSON-escaped (never `#XX`-escaped) and valid for any bytes.
    func renderJSON(_ record: LogRecord, samples: [String?], context: inout LogRenderContext, into output: inout [UInt8]) {
        output.append(0x7B)
        var first = true
        for node in nodes {
            let value: LogValue
            let attributes: Attributes
            switch node {
            case .literal, .separator: continue
            case .item(let alias, let itemAttributes):
                value = record.value(of: alias, context: &context)
                attributes = itemAttributes
            case .sample(let index, let itemAttributes):
                value = index < samples.count ? samples[index].map { .text($0[...], nil) } ?? .absent : .absent
                attributes = itemAttributes
            }
            guard let name = attributes.name else { continue }
            if !first { output.appendASCII(", ") }
            first = false
            output.appendJSONString(name)
            output.appendASCII(": ")
            Self.writeJSON(value, type: attributes.type, context: &context, into: &output)
        }
        output.append(0x7D)
    }

    static func writeJSON(_ value: LogValue, type: LogItemType?, context: inout LogRenderContext, into output: inout [UInt8]) {
        switch value {
        case .number(let number, let plus, let nullIfNegative):
            if nullIfNegative && number < 0 {
                output.appendASCII("null")
            } else if type == .string {
                output.append(0x22)
                if plus { output.append(0x2B) }
                output.appendDecimal(number)
                output.append(0x22)
            } else if type == .boolean {
                output.appendASCII(number != 0 ? "true" : "false")
            } else {
                output.appendDecimal(number)
            }
        case .text(let text, _):
            switch type {
            case .integer:
                if let number = Int64(text) { output.appendDecimal(number) } else { output.appendASCII("null") }
            case .boolean:
                output.appendASCII(text.isEmpty || text == "0" || text == "false" ? "false" : "true")
            case .string, nil:
                var text = text
                text.withUTF8 { output.appendJSONString($0) }
            }
        case .absent, .nothing:
            output.appendASCII("null")
        case .request(let line):
            if let line { output.appendJSONString(line) } else { output.appendASCII("\"<BADREQ>\"") }
        case .date:
            // The text form, as a JSON string.
            var scratch: [UInt8] = []
            writeText(value, flags: [], context: &context, into: &scratch)
            output.appendJSONString(scratch)
        case .headers(let values, _):
            output.append(0x5B)
            for (position, header) in values.enumerated() {
                if position > 0 { output.appendASCII(", ") }
                output.appendJSONString(header)
            }
            output.append(0x5D)
        }
    }
}
