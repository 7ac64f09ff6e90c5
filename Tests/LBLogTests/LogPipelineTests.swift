import Foundation
import Testing
@testable import LBLog

@Suite struct LogPipelineTests {
    @Test func manyThreadsLogEveryRecordExactlyOnce() throws {
        let path = makeTemporaryDirectory() + "/threads.log.gz"
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", format: .custom(try LogFormat("%cp")), targets: [LogTargetSpec("file@" + path, format: .raw)])]))
        let threads = 4
        let perThread = 2000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<perThread {
                pipeline.log(sampleRecord(port: thread * perThread + index, time: (0, 0, 0, 0)), logger: LogHandle(index: 0))
            }
        }
        #expect(pipeline.shutdown())
        let ports = GzipMembers.lines(ofFile: path).compactMap { Int($0) }.sorted()
        #expect(ports == Array(0..<(threads * perThread)))
        let counters = pipeline.counters
        #expect(counters.dropped == 0)
        #expect(counters.enqueued == UInt64(threads * perThread))
        #expect(counters.sinks[0].recordsWritten == UInt64(threads * perThread))
        #expect(counters.queuedMessages == 0)
    }

    @Test func sinksAreSharedBetweenLoggersAndFormatsStayPerLogger() throws {
        let receiver = DatagramReceiver()
        let target = LogTargetSpec("127.0.0.1:\(receiver.port)", format: .raw)
        let pipeline = try LogPipeline(LogPipelineConfiguration(loggers: [
            LoggerSpec(name: "global", targets: [target]),
            LoggerSpec(name: "fe_tcp", format: .tcplog, targets: [target]),
            LoggerSpec(name: "fe_json", format: .json, targets: [target]),
        ]))
        defer { pipeline.shutdown() }
        #expect(pipeline.counters.sinks.count == 1)
        #expect(pipeline.handles.count == 3)
        let record = sampleRecord(port: 7, time: (0, 0, 0, 0))
        pipeline.log(record, logger: try #require(pipeline.handle(named: "fe_tcp")))
        #expect(receiver.receive()?.hasSuffix(" fe_main be_app/web1 0/0/0 185 -- 1/1/0/0/0 0/0\n") == true)
        pipeline.log(record, logger: try #require(pipeline.handle(named: "fe_json")))
        #expect(receiver.receive()?.hasPrefix(#"{"is_http":true,"#) == true)
        pipeline.event("Server be_app/web1 is UP", level: .notice, logger: try #require(pipeline.handle(named: "global")))
        #expect(receiver.receive() == "Server be_app/web1 is UP\n")
    }

    /// Events come from threads that come and go (a dispatch queue's workers): they share one ring, so
    /// no thread leaves a ring behind, and every event is delivered.
    @Test func eventsFromShortLivedThreadsShareOneRing() throws {
        let path = makeTemporaryDirectory() + "/events.log.gz"
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "global", targets: [LogTargetSpec("file@" + path, format: .raw)])]))
        let rings = pipeline.queue.ringCount
        let done = DispatchSemaphore(value: 0)
        for index in 0..<20 {
            Thread.detachNewThread {
                pipeline.event("event \(index)", level: .notice, logger: LogHandle(index: 0))
                done.signal()
            }
        }
        for _ in 0..<20 { done.wait() }
        #expect(pipeline.queue.ringCount == rings)
        #expect(pipeline.shutdown())
        #expect(GzipMembers.lines(ofFile: path).sorted() == (0..<20).map { "event \($0)" }.sorted())
    }

    #if os(Linux)
    /// The name and scheduling policy (field 41 of /proc/.../stat) of each thread of this process.
    static func threadsAndPolicies() -> [(name: String, policy: Int)] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 38, let policy = Int(fields[38]) else { return nil }
            return (String(stat[stat.index(after: open)..<close]), policy)
        }
    }

    /// The writer thread shows under its name (`top -H`, profiles) and runs under SCHED_BATCH, so that
    /// its wake-ups do not preempt an event loop. (Other tests' pipelines have writers too.)
    @Test func theWriterIsANamedBatchThread() throws {
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("127.0.0.1:9")])]))
        defer { pipeline.shutdown() }
        func writerPolicies() -> [Int] { Self.threadsAndPolicies().filter { $0.name == LogWriter.threadName }.map(\.policy) }
        #expect(eventually { !writerPolicies().isEmpty })
        #expect(writerPolicies().allSatisfy { $0 == Int(BackgroundThread.batchPolicy) })
    }

    /// Every writer gets its name, however its thread start races with the thread that started it (a new
    /// thread inherits its creator's name, which is what `top -H` showed when the name was set through
    /// Foundation's `Thread` before the thread object knew its own pthread). Every `SCHED_BATCH` thread of
    /// this process is a writer: none may stay under another name, and the 24 started here are all there.
    @Test func everyWriterThreadIsNamed() throws {
        func batchThreads() -> [String] {
            Self.threadsAndPolicies().filter { $0.policy == Int(BackgroundThread.batchPolicy) }.map(\.name)
        }
        var pipelines: [LogPipeline] = []
        for _ in 0..<24 {
            pipelines.append(try LogPipeline(LogPipelineConfiguration(
                loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("127.0.0.1:9")])])))
        }
        defer { for pipeline in pipelines { pipeline.shutdown() } }
        #expect(eventually { batchThreads().count >= 24 && batchThreads().allSatisfy { $0 == LogWriter.threadName } },
                "SCHED_BATCH threads: \(batchThreads())")
    }
    #endif

    @Test func shutdownRefusesLaterRecords() throws {
        let pipeline = try LogPipeline(LogPipelineConfiguration(
            loggers: [LoggerSpec(name: "fe", targets: [LogTargetSpec("127.0.0.1:9")])]))
        #expect(pipeline.shutdown())
        pipeline.log(sampleRecord(port: 1, time: (0, 0, 0, 0)), logger: LogHandle(index: 0))
        #expect(pipeline.counters.droppedInQueue == 1)
    }
}
