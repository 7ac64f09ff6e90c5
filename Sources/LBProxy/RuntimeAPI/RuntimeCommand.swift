/// One runtime-API command: the words that name it, the level it needs, a line of help, and what it does.
struct RuntimeCommand: Sendable {
    let words: [String]
    let arguments: String
    let help: String
    let level: RuntimeAPILevel
    let run: @Sendable (_ arguments: [String], _ api: RuntimeAPI) -> String

    /// True when `input` starts with this command's words.
    func matches(_ input: [String]) -> Bool {
        input.count >= words.count && zip(words, input).allSatisfy { $0 == $1 }
    }

    var usage: String {
        let name = words.joined(separator: " ")
        return arguments.isEmpty ? name : "\(name) \(arguments)"
    }
}
