import Foundation
import Testing
@testable import LBLog

/// `LogFollower` on real files while another writer appends, rotates and truncates them: every line
/// arrives exactly once, in order, and never in pieces.
@Suite struct LogFollowerTests {
    @Test func plainFileAppendsPartialLinesRotationAndTruncation() throws {
        let directory = makeTemporaryDirectory("follow")
        let path = directory + "/access.log"
        append("old-1\nold-2\n", to: path)
        let follower = FollowerThread(path: path, fromStart: false)
        defer { follower.stop() }
        #expect(follower.waitForPolls(1))
        var expected: [String] = []

        let first = numberedLines("a", 1...3)
        append(first.text, to: path)
        expected += first.lines
        #expect(eventually { follower.lines == expected })

        // A line written in two pieces arrives once, whole.
        append("b-1 first half", to: path)
        #expect(follower.waitForPolls())
        #expect(follower.lines == expected)
        append(" second half\n", to: path)
        expected.append("b-1 first half second half")
        #expect(eventually { follower.lines == expected })

        // Rotation: renamed away, a last line still lands in the old file, then a new file appears.
        #expect(rename(path, path + ".1") == 0)
        append("c-1 into the renamed file\n", to: path + ".1")
        expected.append("c-1 into the renamed file")
        #expect(eventually { follower.lines == expected })
        let next = numberedLines("d", 1...50)
        append(next.text, to: path)
        expected += next.lines
        #expect(eventually { follower.lines == expected })

        // copytruncate: cut to nothing, then shorter content than was read.
        #expect(truncate(path, 0) == 0)
        append("e-1\n", to: path)
        expected.append("e-1")
        #expect(eventually { follower.lines == expected })
        #expect(follower.lines == expected)
        #expect(follower.progress.reopened == 1)
        #expect(follower.progress.truncated == 1)
        #expect(follower.error == nil)
    }

    @Test func gzipMembersIncludingOneSplitAcrossTwoWritesAndARotation() throws {
        let directory = makeTemporaryDirectory("follow")
        let path = directory + "/access.log.gz"
        append(gzipMember("old-1\nold-2\n"), to: path)
        let follower = FollowerThread(path: path, fromStart: false)
        defer { follower.stop() }
        #expect(follower.waitForPolls(1))
        var expected: [String] = []

        let first = numberedLines("m1", 1...3)
        append(gzipMember(first.text), to: path)
        expected += first.lines
        #expect(eventually { follower.lines == expected })

        // One member written in two parts: nothing of it before its last byte, all of it once after.
        let second = numberedLines("m2", 1...200)
        let member = gzipMember(second.text)
        append(Array(member[..<(member.count / 2)]), to: path)
        #expect(follower.waitForPolls())
        #expect(follower.lines == expected)
        append(Array(member[(member.count / 2)...]), to: path)
        expected += second.lines
        #expect(eventually { follower.lines == expected })

        // Two members in one write, then a rotation to a new gzip file.
        let third = numberedLines("m3", 1...2), fourth = numberedLines("m4", 1...2)
        append(gzipMember(third.text) + gzipMember(fourth.text), to: path)
        expected += third.lines + fourth.lines
        #expect(eventually { follower.lines == expected })
        #expect(rename(path, directory + "/access.log.20261125T024000Z.gz") == 0)
        let fifth = numberedLines("m5", 1...5)
        append(gzipMember(fifth.text), to: path)
        expected += fifth.lines
        #expect(eventually { follower.lines == expected })
        #expect(follower.waitForPolls())
        #expect(follower.lines == expected)
        #expect(follower.progress.reopened == 1)
        #expect(follower.progress.skippedBytes == 0)
        #expect(follower.error == nil)
    }

    /// lb's own writer (the `file@` sink) with rotations: the follower sees every record once, in order.
    @Test func followsLbsRotatingFileSink() throws {
        let path = makeTemporaryDirectory("follow") + "/access.log.gz"
        let pipeline = try LogPipeline(LogPipelineConfiguration(loggers: [
            LoggerSpec(name: "fe", format: .httplog, targets: [LogTargetSpec("file@" + path, format: .raw, options: ["keep": "0"])]),
        ]))
        defer { pipeline.shutdown() }
        let follower = FollowerThread(path: path, fromStart: true)
        defer { follower.stop() }
        let emitter = pipeline.makeEmitter()
        var expected: [String] = []
        for round in 0..<6 {
            for index in 0..<50 {
                let record = sampleRecord(port: round * 1000 + index, time: (2, 40, 29, 39), request: "GET /r/\(round)/\(index) HTTP/1.1")
                emitter.log(record, logger: LogHandle(index: 0))
                expected.append(LogFormat.httplog.string(record))
            }
            #expect(pipeline.flush())
            #expect(eventually { follower.lines.count >= expected.count })
            if round % 2 == 1 { #expect(pipeline.rotateFiles()) }
        }
        #expect(follower.waitForPolls())
        #expect(follower.lines == expected)
        #expect(follower.progress.reopened == 3)
    }

    /// Polled by hand: a member cut off again by its writer (lb truncates a member whose write failed)
    /// and rewritten is read once; a start in the middle of a line or member skips to the next one.
    @Test func cutBackMembersAndStartingMidway() throws {
        let directory = makeTemporaryDirectory("follow")
        let gz = directory + "/cut.log.gz"
        let good = gzipMember("g-1\n")
        append(good, to: gz)
        let follower = LogFollower(path: gz, fromStart: true)
        var lines: [String] = []
        func poll(_ f: LogFollower) throws { try f.poll { lines.append(String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self)) } }
        try poll(follower)
        #expect(lines == ["g-1"])
        let failed = gzipMember("lost-1\nlost-2\n")
        append(Array(failed[..<10]), to: gz)
        try poll(follower)
        #expect(truncate(gz, off_t(good.count)) == 0)
        append(gzipMember("g-2\n"), to: gz)
        try poll(follower)
        #expect(lines == ["g-1", "g-2"])
        #expect(follower.total.skippedBytes == 0)

        // Damage between two members is skipped and counted; the next member still arrives.
        append([0x00, 0x01, 0x02, 0x03] + gzipMember("g-3\n"), to: gz)
        try poll(follower)
        #expect(lines == ["g-1", "g-2", "g-3"])
        #expect(follower.total.skippedBytes == 4)

        // A member without lb's size field (as `gzip` writes), in two parts.
        let plainMember = plainGzipMember((1...300).map { "p-\($0)\n" }.joined())
        append(Array(plainMember[..<(plainMember.count - 5)]), to: gz)
        try poll(follower)
        #expect(lines.count == 3)
        append(Array(plainMember[(plainMember.count - 5)...]), to: gz)
        try poll(follower)
        #expect(lines.count == 303 && lines.last == "p-300")

        let plain = directory + "/plain.log"
        append("x-1\nx-2 being writ", to: plain)
        lines = []
        let atEnd = LogFollower(path: plain, fromStart: false)
        append("ten\nx-3\n", to: plain)
        try poll(atEnd)
        #expect(lines == ["x-3"])

        // A file that does not exist yet is read from its start once it appears.
        let later = directory + "/later.log"
        let waiting = LogFollower(path: later, fromStart: false)
        lines = []
        try poll(waiting)
        append("y-1\n", to: later)
        try poll(waiting)
        #expect(lines == ["y-1"])
    }
}
