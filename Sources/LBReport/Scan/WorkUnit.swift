import LBLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A piece of input one worker reads start to end: a whole file or stream, or a byte range of a plain
/// file cut at a line boundary so two cores can share one big file.
struct WorkUnit: Sendable {
    var inputIndex: Int
    /// Byte range of a plain file (`0..<Int.max`: all of it); nil = a stream (gzip, stdin) read through
    /// `LogInput.open` by a producer thread.
    var range: Range<Int>?

    /// Cuts plain files larger than `minimumSplit` into ranges ending on newlines: `pieces` (the
    /// workers) or more, up to 8 per worker for large files (pieces of at least `pieceSize`), which the
    /// workers take in turn. Smaller pieces end the workers together when one of them runs slower (a
    /// core shared with other work), so the merge does not wait for the slowest half of the file.
    static func plan(_ inputs: [LogInput], pieces workers: Int, minimumSplit: Int = 8 << 20,
                     pieceSize: Int = 32 << 20) -> [WorkUnit] {
        var units: [WorkUnit] = []
        for (index, input) in inputs.enumerated() {
            if input.isStandardInput || input.isGzip {
                units.append(WorkUnit(inputIndex: index, range: nil))
                continue
            }
            let pieces = Swift.max(workers, Swift.min(workers * 8, input.size / Swift.max(1, pieceSize)))
            guard pieces > 1, input.size >= minimumSplit else {
                units.append(WorkUnit(inputIndex: index, range: 0..<Int.max))
                continue
            }
            let fd = open(input.path, O_RDONLY)
            guard fd >= 0 else {
                units.append(WorkUnit(inputIndex: index, range: 0..<Int.max))
                continue
            }
            defer { close(fd) }
            var cuts = [0]
            for k in 1..<pieces {
                let guess = input.size * k / pieces
                if let cut = nextLineStart(fd: fd, from: guess, size: input.size), cut > cuts.last! {
                    cuts.append(cut)
                }
            }
            cuts.append(input.size)
            for k in 0..<(cuts.count - 1) where cuts[k] < cuts[k + 1] {
                units.append(WorkUnit(inputIndex: index, range: cuts[k]..<cuts[k + 1]))
            }
        }
        return units
    }

    /// The offset just after the first newline at or after `from`.
    static func nextLineStart(fd: Int32, from: Int, size: Int) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var offset = from
        while offset < size {
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if got <= 0 { return nil }
            if let nl = buffer[0..<got].firstIndex(of: 0x0A) { return offset + nl + 1 }
            offset += got
        }
        return nil
    }
}
