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
            for guess in Self.cutPoints(size: input.size, pieces: pieces, workers: workers) {
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

    /// Where to cut `size` bytes into `pieces` (before moving to line boundaries): equal pieces, except
    /// that when there are enough, the last ones are smaller, so that the workers run out of work close
    /// together (one idles while another finishes its last piece): with 6 or more per worker, the last 4
    /// per worker are a sixteenth of the others' size (on 600 MB and 2 workers, 4.4 MB: 7 ms of
    /// parsing); with 4 or more, the last 2 are a quarter.
    static func cutPoints(size: Int, pieces: Int, workers: Int) -> [Int] {
        let (small, ratio) = pieces >= workers * 6 ? (workers * 4, 16) : pieces >= workers * 4 ? (workers * 2, 4) : (0, 1)
        // (pieces - small) pieces of `ratio` units and `small` of 1.
        let units = (pieces - small) * ratio + small
        var points: [Int] = []
        var at = 0
        for k in 0..<(pieces - 1) {
            at += k < pieces - small ? ratio : 1
            points.append(Int((Double(size) * Double(at) / Double(units)).rounded(.down)))
        }
        return points
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
