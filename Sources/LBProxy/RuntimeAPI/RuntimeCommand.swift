import NIOCore

/// One runtime-API command: the words that name it, the level it needs, a line of help, and what it does.
struct RuntimeCommand: Sendable {
    let words: [String]
    let arguments: String
    let help: String
    let level: RuntimeAPILevel
    let run: @Sendable (_ arguments: [String], _ api: RuntimeAPI) -> RuntimeAnswer

    init(words: [String], arguments: String, help: String, level: RuntimeAPILevel,
         answer: @escaping @Sendable (_ arguments: [String], _ api: RuntimeAPI) -> RuntimeAnswer) {
        self.words = words
        self.arguments = arguments
        self.help = help
        self.level = level
        self.run = answer
    }

    /// A command whose answer is ready at once.
    init(words: [String], arguments: String, help: String, level: RuntimeAPILevel,
         run: @escaping @Sendable (_ arguments: [String], _ api: RuntimeAPI) -> String) {
        self.init(words: words, arguments: arguments, help: help, level: level) { .text(run($0, $1)) }
    }

    /// True when `input` starts with this command's words.
    func matches(_ input: [String]) -> Bool {
        input.count >= words.count && zip(words, input).allSatisfy { $0 == $1 }
    }

    var usage: String {
        let name = words.joined(separator: " ")
        return arguments.isEmpty ? name : "\(name) \(arguments)"
    }
}

/// A command's output: text at once, or text that other event loops must contribute to first (`show
/// sess` asks every loop for its sessions; the API never blocks a loop waiting for another).
enum RuntimeAnswer: Sendable {
    case text(String)
    case later(EventLoopFuture<String>)
}
