import Foundation
import LBLog

/// A progress bar on stderr, redrawn a few times a second from a helper thread, for large inputs on a
/// terminal only.
final class ProgressBar: @unchecked Sendable {
    private let counter: ProgressCounter
    private let total: Int
    private let condition = NSCondition()
    private var done = false
    private var finishedDrawing = false

    init(counter: ProgressCounter, total: Int) {
        self.counter = counter
        self.total = max(1, total)
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.start()
    }

    private func loop() {
        condition.lock()
        while !done {
            draw()
            _ = condition.wait(until: Date().addingTimeInterval(0.2))
        }
        writeStandardError("\r\u{1B}[K")
        finishedDrawing = true
        condition.broadcast()
        condition.unlock()
    }

    private func draw() {
        let fraction = min(1, Double(counter.value) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        writeStandardError(String(format: "\r  reading %@ %3.0f%%", bar, fraction * 100))
    }

    func stop() {
        condition.lock()
        done = true
        condition.broadcast()
        while !finishedDrawing { condition.wait() }
        condition.unlock()
    }
}
