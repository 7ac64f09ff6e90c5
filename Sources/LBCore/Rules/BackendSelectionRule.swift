import LBConfig

/// Where a `use_backend` / `default_backend` points once compiled.
enum BackendTarget: Sendable {
    case index(Int)
    /// A log-format name computed per request, then looked up among the backends.
    case dynamic(LogFormatTemplate)
}

/// A compiled `use_backend` rule.
struct BackendSelectionRule: Sendable {
    var target: BackendTarget
    var condition: CompiledCondition?
}
