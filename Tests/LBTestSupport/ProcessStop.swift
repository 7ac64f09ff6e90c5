import Foundation

extension ChildProcess {
    /// Waits at most `seconds` for the process to exit; true when it did.
    public func waitUntilExit(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(10_000) }
        return !isRunning
    }

    /// Stops a long-running peer (haproxy, prometheus): SIGTERM, up to `grace` seconds to exit, then
    /// SIGKILL. Never waits unbounded: a program may ignore or take long over the polite signal.
    public func stop(grace: Double = 5) {
        guard isRunning else { return }
        terminate()
        if !waitUntilExit(within: grace) { signal(SIGKILL) }
        waitUntilExit()
    }

    /// Reads what the process prints on `pipe` until the text holds `marker`, the output ends, or
    /// `seconds` pass; in the last case the process is killed (it is still our unreaped child then, so its
    /// pid cannot belong to another process), which ends the read. What was read is
    /// returned either way, for the test to judge.
    public func read(_ pipe: Pipe, until marker: String, within seconds: Double) -> String {
        let watchdog = DispatchWorkItem { self.signal(SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
        defer { watchdog.cancel() }
        var text = ""
        while !text.contains(marker) {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        return text
    }
}
