import Foundation
import Testing
@testable import LBLog

/// The ring between a producing thread and the writer: entries come out whole and in order, across the
/// wrap of the storage; a full ring drops and counts; a producer and the writer running at once lose
/// nothing.
@Suite struct LogRingTests {
    /// Pushes a payload of `length` bytes, each byte `seed`.
    @discardableResult
    static func push(_ ring: LogRing, length: Int, seed: UInt8, logger: UInt16 = 0) -> (queued: Bool, wake: Bool) {
        let payload = [UInt8](repeating: seed, count: length)
        return payload.withUnsafeBytes {
            ring.push(kind: .record, level: 6, logger: logger, microseconds: Int64(seed), payload: $0, wakeAfter: 1 << 30)
        }
    }

    static func drainAll(_ ring: LogRing) -> [(length: Int, seed: UInt8, logger: UInt16, whole: Bool)] {
        var entries: [(Int, UInt8, UInt16, Bool)] = []
        ring.drain { header, payload in
            let seed = UInt8(truncatingIfNeeded: header.microseconds)
            entries.append((payload.count, seed, header.logger, payload.allSatisfy { $0 == seed }))
        }
        return entries
    }

    @Test func entriesComeOutWholeAndInOrderAcrossTheWrap() {
        let ring = LogRing(capacity: 1000)
        var expected: [(Int, UInt8)] = []
        var seed: UInt8 = 0
        for round in 0..<50 {
            for index in 0..<(round % 4 + 1) {
                seed &+= 1
                let length = (round * 37 + index * 11) % 150
                #expect(Self.push(ring, length: length, seed: seed, logger: UInt16(index)).queued)
                expected.append((length, seed))
            }
            let drained = Self.drainAll(ring)
            #expect(drained.map(\.length) == expected.map(\.0))
            #expect(drained.map(\.seed) == expected.map(\.1))
            #expect(drained.allSatisfy { $0.whole })
            expected.removeAll()
            #expect(ring.pendingBytes == 0)
        }
        #expect(ring.dropped.load(ordering: .relaxed) == 0)
    }

    @Test func aFullRingDropsAndCountsThenAcceptsAgain() {
        let ring = LogRing(capacity: 1024)
        var queued = 0
        for seed in 0..<20 where Self.push(ring, length: 100, seed: UInt8(seed)).queued { queued += 1 }
        #expect(queued == 1024 / (16 + 104))
        #expect(ring.dropped.load(ordering: .relaxed) == UInt64(20 - queued))
        #expect(!Self.push(ring, length: 2000, seed: 1).queued, "an entry larger than the ring never fits")
        #expect(Self.drainAll(ring).count == queued)
        #expect(Self.push(ring, length: 100, seed: 99).queued)
        #expect(ring.accepted.load(ordering: .relaxed) == UInt64(queued + 1))
    }

    @Test func aBatchWorthOfBytesAsksToWakeTheWriterOnce() {
        let ring = LogRing(capacity: 1 << 16)
        let payload = [UInt8](repeating: 1, count: 100)
        var wakes = 0
        for _ in 0..<40 {
            let result = payload.withUnsafeBytes { ring.push(kind: .record, level: 6, logger: 0, microseconds: 0, payload: $0, wakeAfter: 1000) }
            if result.wake { wakes += 1 }
        }
        // 40 entries of 120 bytes: 4 800 bytes pending, one wake per 1 000 bytes published.
        #expect(wakes == 4)
    }

    @Test func aProducerAndTheWriterAtOnceLoseNothing() async {
        let ring = LogRing(capacity: 4096)
        let total = 200_000
        let producer = Task.detached {
            var queued = 0
            var seed: UInt8 = 0
            while queued < total {
                if LogRingTests.push(ring, length: Int(seed % 90), seed: seed).queued {
                    queued += 1
                    seed &+= 1
                }
            }
        }
        var received = 0
        var expectedSeed: UInt8 = 0
        var intact = true
        while received < total {
            ring.drain { header, payload in
                let seed = UInt8(truncatingIfNeeded: header.microseconds)
                if seed != expectedSeed || payload.count != Int(seed % 90) || !payload.allSatisfy({ $0 == seed }) { intact = false }
                expectedSeed &+= 1
                received += 1
            }
        }
        await producer.value
        #expect(intact)
        #expect(received == total)
        #expect(ring.accepted.load(ordering: .relaxed) == UInt64(total))
        #expect(ring.delivered.load(ordering: .relaxed) == UInt64(total))
    }
}
