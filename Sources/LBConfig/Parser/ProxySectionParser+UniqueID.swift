/// `unique-id-format FMT` and `unique-id-header NAME`.
///
/// The format is kept as text here: it is a log-format string, compiled by the logging module when lb
/// starts (and by `lb -c`), which reports its errors at the line stored with it.
extension ProxySectionParser {
    static func parseUniqueID(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        let keyword = directive.keyword
        let isFormat = keyword == "unique-id-format"
        guard let value = context.argument(directive, 1, keyword, isFormat ? "a log-format string" : "a header name") else { return }
        guard directive.count == 2 else {
            context.error("'\(keyword)' expects one argument", at: directive.location(of: 2),
                          hint: isFormat ? "put the format in double quotes, or escape its spaces with '\\ '" : nil)
            return
        }
        guard !value.isEmpty else {
            context.error("'\(keyword)' expects \(isFormat ? "a non-empty format" : "a header name")", at: directive.location(of: 1))
            return
        }
        if isFormat {
            builder.proxy.logging.uniqueIDFormat = value
            builder.proxy.logging.uniqueIDFormatLocation = directive.location
        } else {
            guard value.utf8.allSatisfy(Self.isHeaderNameByte) else {
                context.error("'unique-id-header': '\(value)' is not a valid header name", at: directive.location(of: 1))
                return
            }
            builder.proxy.logging.uniqueIDHeader = value
        }
    }

    /// RFC 9110 token characters.
    private static func isHeaderNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
