extension LogFormat {
    /// Appends the line for `record` to `output` (no newline, no syslog header). `samples` are the values
    /// of ``sampleExpressions`` in order; a missing or nil one prints as absent (`-`, `null`).
    public func render(_ record: LogRecord, samples: [String?] = [], context: inout LogRenderContext, into output: inout [UInt8]) {
        if isJSON {
            renderJSON(record, samples: samples, context: &context, into: &output)
            return
        }
        // A separator prints only after something that printed (HAProxy's rule): items that print
        // nothing do not double the spaces around them.
        var lastWasSpace = true
        for node in nodes {
            switch node {
            case .literal(let bytes):
                output.append(contentsOf: bytes)
                lastWasSpace = false
            case .separator:
                if !lastWasSpace {
                    output.append(0x20)
                    lastWasSpace = true
                }
            case .item(let alias, let attributes):
                let value = record.value(of: alias, context: &context)
                if case .nothing = value { continue }
                lastWasSpace = false
                if attributes.flags.rawValue & 2 != 0, Self.writeFixedHex(alias, value, into: &output) { continue }
                Self.writeText(value, flags: attributes.flags, context: &context, into: &output)
            case .sample(let index, let attributes):
                let value: LogValue = index < samples.count ? samples[index].map { .text($0[...], .request) } ?? .absent : .absent
                Self.writeText(value, flags: attributes.flags, context: &context, into: &output)
                lastWasSpace = false
            }
        }
    }

    /// Convenience for tests and configuration-time uses (unique-id values): the line as a `String`.
    public func string(_ record: LogRecord, samples: [String?] = [], context: LogRenderContext = LogRenderContext()) -> String {
        var context = context
        var output: [UInt8] = []
        render(record, samples: samples, context: &context, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func writeText(_ value: LogValue, flags: LogFormatFlags, context: inout LogRenderContext, into output: inout [UInt8]) {
        // Raw bit tests: OptionSet.contains goes through SetAlgebra witnesses in unoptimized paths.
        let quote = flags.rawValue & 1 != 0
        let backslash = flags.rawValue & 4 != 0
        switch value {
        case .number(let number, let plus, _):
            if plus { output.append(0x2B) }
            if flags.rawValue & 2 != 0 && number >= 0 { output.appendHex(UInt64(number)) } else { output.appendDecimal(number) }
        case .text(let text, let escaping):
            if quote { output.append(0x22) }
            if let escaping {
                output.appendEscaped(text, escaping, backslash: backslash)
            } else if backslash {
                output.appendEscaped(text, .request, backslash: true)
            } else {
                output.appendUTF8(text)
            }
            if quote { output.append(0x22) }
        case .absent:
            if quote { output.appendASCII("\"\"") } else { output.append(0x2D) }
        case .nothing:
            break
        case .date(let milliseconds, let offset, let style):
            // Dates are never quoted (HAProxy prints them the same under Q).
            let (seconds, fraction) = splitMilliseconds(milliseconds)
            context.dateCache.appendHAProxyDate(epochSeconds: seconds, utcOffsetSeconds: offset, into: &output)
            switch style {
            case .haproxy:
                output.append(0x2E)
                output.appendPadded(fraction, width: 3)
            case .clf:
                output.append(0x20)
                output.appendUTCOffset(offset, colon: false)
            }
        case .headers(let values, let clf):
            if clf {
                // CLF style: each value on its own, space separated, quoted under Q.
                for (position, header) in values.enumerated() {
                    if position > 0 { output.append(0x20) }
                    if quote { output.append(0x22) }
                    if header.isEmpty && !quote { output.append(0x2D) }
                    output.appendEscaped(header, .header, backslash: backslash)
                    if quote { output.append(0x22) }
                }
            } else {
                if quote { output.append(0x22) }
                output.append(0x7B)
                var first = true
                for header in values {
                    if !first { output.append(0x7C) }
                    first = false
                    output.appendEscaped(header, .header, backslash: backslash)
                }
                output.append(0x7D)
                if quote { output.append(0x22) }
            }
        case .request(let line):
            if quote { output.append(0x22) }
            if let line {
                output.appendEscaped(line, .request, backslash: backslash)
            } else {
                output.appendASCII("<BADREQ>")
            }
            if quote { output.append(0x22) }
        }
    }
}
