/// The one way tests start a child process: a `ChildProcess`, whose launch does not go through
/// Foundation's `Process.run()` (see `ChildProcess` for why).
public enum ProcessLaunch {
    public static func run(_ process: ChildProcess) throws {
        try process.run()
    }
}
