import CZlib
import Foundation
import Testing
@testable import LBLog

/// gzip members compressed here with zlib, one per chunk of text (as lb's rotating file writes them).
func gzipMembers(_ chunks: [String]) -> [UInt8] {
    var out: [UInt8] = []
    for chunk in chunks {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        var input = Array(chunk.utf8)
        var buffer = [UInt8](repeating: 0, count: input.count + 1024)
        input.withUnsafeMutableBufferPointer { source in
            buffer.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                _ = deflate(&stream, Z_FINISH)
            }
        }
        out += buffer[0..<Int(stream.total_out)]
        deflateEnd(&stream)
    }
    return out
}

final class TempDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "lblog-reader-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }
}

/// Every line the reader yields for one input.
func readLines(_ input: LogInput, bufferSize: Int = 1 << 16) throws -> [String] {
    let (source, fd) = try input.open(prefetch: true)
    defer { if let fd { close(fd) } }
    var lines: [String] = []
    try LineReader(source: source, bufferSize: bufferSize).forEachLine { p, n in
        lines.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        return true
    }
    return lines
}

func httpLine(_ second: Int, path: String = "/x") -> String {
    let s = second < 10 ? "0\(second)" : "\(second)"
    return "127.0.0.1:1 [25/Nov/2026:02:40:\(s).000] fe be/s 0/0/0/0/\(second) 200 10 - - ---- 1/1/0/0/0 0/0 \"GET \(path) HTTP/1.1\""
}

@Test func readsMultiMemberGzipDetectedByContent() throws {
    let dir = TempDirectory()
    // No .gz suffix: detection is by the magic bytes.
    let path = dir.write("access.log", gzipMembers([httpLine(1) + "\n" + httpLine(2) + "\n", httpLine(3) + "\n"]))
    let input = try LogInputResolver.describe(path)
    #expect(input.isGzip)
    #expect(try readLines(input) == [httpLine(1), httpLine(2), httpLine(3)])
}

@Test func truncatedLastMemberYieldsWhatCameBefore() throws {
    let dir = TempDirectory()
    var bytes = gzipMembers([httpLine(1) + "\n", String(repeating: httpLine(2) + "\n", count: 50)])
    let cut = bytes.count - 30
    bytes.removeLast(bytes.count - cut)
    let path = dir.write("cut.gz", bytes)
    let input = try LogInputResolver.describe(path)
    let (source, fd) = try input.open(prefetch: false)
    defer { if let fd { close(fd) } }
    var lines: [String] = []
    try LineReader(source: source).forEachLine { p, n in
        lines.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        return true
    }
    #expect(lines.first == httpLine(1))
    #expect((source as? GzipSource)?.wasTruncated == true)
}

@Test(arguments: [7, 64, 1 << 16])
func linesSurviveBlockBoundaries(bufferSize: Int) throws {
    let dir = TempDirectory()
    let expected = (0..<200).map { httpLine($0 % 60, path: "/" + String(repeating: "p", count: $0)) }
    // Last line without a newline.
    let path = dir.write("plain.log", Array(expected.joined(separator: "\n").utf8))
    #expect(try readLines(try LogInputResolver.describe(path), bufferSize: bufferSize) == expected)
}

@Test func rotatedSetIsReadOldestFirstWhateverTheNames() throws {
    let dir = TempDirectory()
    dir.write("access.log", Array((httpLine(30) + "\n").utf8))
    dir.write("access.log.1", Array((httpLine(20) + "\n").utf8))
    dir.write("access.log.2.gz", gzipMembers([httpLine(10) + "\n"]))
    let fromDirectory = try LogInputResolver.resolve([dir.path])
    #expect(fromDirectory.map { ($0.path as NSString).lastPathComponent } == ["access.log.2.gz", "access.log.1", "access.log"])
    let fromGlob = try LogInputResolver.resolve([dir.path + "/access.log*"])
    #expect(fromGlob.map(\.path) == fromDirectory.map(\.path))
}

@Test func missingInputsAreErrors() {
    #expect(throws: ReaderError.self) { try LogInputResolver.resolve(["/nonexistent/lblog/file.log"]) }
    #expect(throws: ReaderError.self) { try LogInputResolver.resolve(["/nonexistent/lblog/*.log"]) }
}
