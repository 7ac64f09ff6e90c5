/// Splits one configuration line into words the way HAProxy does.
///
/// - Words are separated by spaces and tabs; `#` outside quotes starts a comment, even inside a word.
/// - Double quotes keep spaces, process backslash escapes and expand `${VAR}`; single quotes are literal.
/// - Outside single quotes, `\ ` `\#` `\\` `\"` `\'` `\t` `\n` `\r` and `\xNN` are escapes; any other
///   backslash sequence is kept as written so regular expressions such as `\d+` survive.
/// - `${NAME}` (and `${NAME-default}`) expand from the environment; an unset name expands to nothing
///   and is reported. A word made only of unquoted expansions that came out empty is dropped, as a shell
///   would, so `bind :80 ${EXTRA_BIND_OPTIONS}` works when the variable is unset.
/// - Quoted and unquoted parts written next to each other form one word: `"a"b'c'` is `abc`.
enum Lexer {
    /// Returns the words of `line`, or nil (with an error recorded) when a quote or `${` is not closed.
    static func words(
        in line: Substring,
        file: String,
        lineNumber: Int,
        environment: [String: String],
        diagnostics: inout [Diagnostic]
    ) -> [Word]? {
        // The scalars, and where each starts in the line's UTF-8 (one more entry for the end): runs of plain
        // text are copied as bytes, since appending scalar by scalar is most of the cost of a long word.
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        scalars.reserveCapacity(line.utf8.count)
        offsets.reserveCapacity(line.utf8.count + 1)
        var offset = 0
        for scalar in line.unicodeScalars {
            scalars.append(scalar)
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        let bytes = Array(line.utf8)
        var words: [Word] = []
        var index = 0

        func location(_ at: Int) -> SourceLocation { SourceLocation(file: file, line: lineNumber, column: at + 1) }

        /// Scalars the loop below gives a meaning: everything else is copied as it is.
        func isSyntax(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case " ", "\t", "\r", "#", "\\", "'", "\"", "$": true
            default: false
            }
        }

        /// Reads a backslash escape starting at `scalars[at] == "\\"`; returns the text and the next index.
        func escape(at: Int) -> (String, Int) {
            guard at + 1 < scalars.count else { return ("\\", at + 1) }
            let next = scalars[at + 1]
            switch next {
            case " ", "#", "\\", "\"", "'": return (String(next), at + 2)
            case "t": return ("\t", at + 2)
            case "n": return ("\n", at + 2)
            case "r": return ("\r", at + 2)
            case "x":
                if at + 3 < scalars.count, let high = scalars[at + 2].hexValue, let low = scalars[at + 3].hexValue,
                   let scalar = Unicode.Scalar(UInt32(high * 16 + low)) {
                    return (String(Character(scalar)), at + 4)
                }
                return ("\\x", at + 2)
            default:
                return ("\\" + String(next), at + 2)
            }
        }

        /// Expands `${...}` starting at `scalars[at] == "$"`; nil when the brace is not closed.
        func expansion(at: Int) -> (String, Int)? {
            var end = at + 2
            while end < scalars.count, scalars[end] != "}" { end += 1 }
            guard end < scalars.count else { return nil }
            var name = String(String.UnicodeScalarView(scalars[(at + 2)..<end]))
            var fallback: String?
            if let dash = name.firstIndex(of: "-") {
                fallback = String(name[name.index(after: dash)...])
                name = String(name[..<dash])
            }
            if let value = environment[name] { return (value, end + 1) }
            if let fallback { return (fallback, end + 1) }
            return (unset(name, at: at), end + 1)
        }

        func unset(_ name: String, at: Int) -> String {
            diagnostics.append(.warning(
                "environment variable '\(name)' is not set; it expands to an empty string",
                at: location(at),
                hint: "export \(name) before starting lb, or write ${\(name)-default} to give a default"))
            return ""
        }

        func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }

        /// Expands `$NAME` (letters, digits, `_`) starting at `scalars[at] == "$"`: the braceless form
        /// HAProxy also expands, inside double quotes only.
        func bareExpansion(at: Int) -> (String, Int) {
            var end = at + 1
            while end < scalars.count, isNameStart(scalars[end]) || ("0"..."9").contains(scalars[end]) { end += 1 }
            let name = String(String.UnicodeScalarView(scalars[(at + 1)..<end]))
            return (environment[name] ?? unset(name, at: at), end)
        }

        while index < scalars.count {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" || scalars[index] == "\r" {
                index += 1
            }
            guard index < scalars.count, scalars[index] != "#" else { break }

            let start = index
            var text = ""
            var quoted = false
            var literal = false  // something other than an unquoted expansion was written
            var comment = false
            word: while index < scalars.count {
                let scalar = scalars[index]
                switch scalar {
                case " ", "\t", "\r":
                    break word
                case "#":
                    comment = true
                    break word
                case "\\":
                    let (piece, next) = escape(at: index)
                    text += piece
                    literal = true
                    index = next
                case "'":
                    quoted = true
                    literal = true
                    var end = index + 1
                    while end < scalars.count, scalars[end] != "'" { end += 1 }
                    guard end < scalars.count else {
                        diagnostics.append(.error("unterminated single quote", at: location(index),
                                                  hint: "close the quote on the same line; quotes cannot span lines"))
                        return nil
                    }
                    text += String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                    index = end + 1
                case "\"":
                    quoted = true
                    literal = true
                    let open = index
                    index += 1
                    var closed = false
                    while index < scalars.count {
                        let inner = scalars[index]
                        if inner == "\"" { closed = true; index += 1; break }
                        if inner == "\\" {
                            let (piece, next) = escape(at: index)
                            text += piece
                            index = next
                        } else if inner == "$", index + 1 < scalars.count, scalars[index + 1] == "{" {
                            guard let (value, next) = expansion(at: index) else {
                                diagnostics.append(.error("'${' without a closing '}'", at: location(index)))
                                return nil
                            }
                            text += value
                            index = next
                        } else if inner == "$", index + 1 < scalars.count, isNameStart(scalars[index + 1]) {
                            let (value, next) = bareExpansion(at: index)
                            text += value
                            index = next
                        } else {
                            text.unicodeScalars.append(inner)
                            index += 1
                        }
                    }
                    guard closed else {
                        diagnostics.append(.error("unterminated double quote", at: location(open),
                                                  hint: "close the quote on the same line; quotes cannot span lines"))
                        return nil
                    }
                case "$" where index + 1 < scalars.count && scalars[index + 1] == "{":
                    guard let (value, next) = expansion(at: index) else {
                        diagnostics.append(.error("'${' without a closing '}'", at: location(index)))
                        return nil
                    }
                    text += value
                    index = next
                default:
                    var end = index + 1
                    while end < scalars.count, !isSyntax(scalars[end]) { end += 1 }
                    text += String(decoding: bytes[offsets[index]..<offsets[end]], as: UTF8.self)
                    literal = true
                    index = end
                }
            }
            if literal || !text.isEmpty {
                words.append(Word(text, column: start + 1, quoted: quoted))
            }
            if comment { break }
        }
        return words
    }
}

extension Unicode.Scalar {
    var hexValue: Int? {
        switch value {
        case 0x30...0x39: Int(value - 0x30)
        case 0x41...0x46: Int(value - 0x41 + 10)
        case 0x61...0x66: Int(value - 0x61 + 10)
        default: nil
        }
    }
}
