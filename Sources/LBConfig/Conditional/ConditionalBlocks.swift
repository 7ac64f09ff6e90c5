/// The state of `.if` / `.elif` / `.else` / `.endif` nesting in one configuration file: which lines are
/// read and which are skipped.
///
/// Each open `.if` is one level. A level remembers whether one of its branches was already taken (later
/// `.elif`s and `.else` are then skipped without being evaluated), whether the current branch is taken,
/// and whether `.else` was seen. A level opened inside a skipped branch skips all its branches, and its
/// conditions are not evaluated, so a predicate lb cannot answer may sit inside a branch it never reads.
struct ConditionalBlocks {
    private struct Level {
        /// Where its `.if` is, for the error about a block that is never closed.
        let opened: SourceLocation
        /// The branch being read is taken.
        var taking: Bool
        /// A branch of this level was taken (or the whole level sits in a skipped branch).
        var decided: Bool
        var sawElse = false
    }

    private var levels: [Level] = []

    /// HAProxy's limit on nesting: it refuses a 100th level.
    static let maximumNesting = 99

    /// True when the lines read now are in effect.
    var isActive: Bool { levels.last?.taking ?? true }

    var isEmpty: Bool { levels.isEmpty }

    /// Where the innermost open `.if` is.
    var innermostOpening: SourceLocation? { levels.last?.opened }

    /// What became of a directive. Conditions are given as closures, evaluated only when the branch
    /// could be taken; a closure returns nil when its condition has an error (which it reported).
    enum Outcome: Equatable {
        case applied
        /// The directive is not where it may be (`.else` without `.if`...): the message says why.
        case misplaced(String)
        case conditionFailed
    }

    mutating func openIf(at location: SourceLocation, condition: () -> Bool?) -> Outcome {
        guard levels.count < Self.maximumNesting else {
            return .misplaced("too many nested '.if' blocks (at most \(Self.maximumNesting))")
        }
        guard isActive else {
            levels.append(Level(opened: location, taking: false, decided: true))
            return .applied
        }
        guard let value = condition() else { return .conditionFailed }
        levels.append(Level(opened: location, taking: value, decided: value))
        return .applied
    }

    mutating func elseIf(condition: () -> Bool?) -> Outcome {
        guard var level = levels.popLast() else { return .misplaced("'.elif' without a matching '.if'") }
        defer { levels.append(level) }
        guard !level.sawElse else { return .misplaced("'.elif' after '.else' of the same '.if' (opened at \(level.opened.fileAndLine))") }
        guard !level.decided else {
            level.taking = false
            return .applied
        }
        guard let value = condition() else { return .conditionFailed }
        level.taking = value
        level.decided = value
        return .applied
    }

    mutating func otherwise() -> Outcome {
        guard var level = levels.popLast() else { return .misplaced("'.else' without a matching '.if'") }
        defer { levels.append(level) }
        guard !level.sawElse else { return .misplaced("a second '.else' for the '.if' opened at \(level.opened.fileAndLine)") }
        level.sawElse = true
        level.taking = !level.decided
        level.decided = true
        return .applied
    }

    mutating func close() -> Outcome {
        guard levels.popLast() != nil else { return .misplaced("'.endif' without a matching '.if'") }
        return .applied
    }
}
