import CZlib
import Foundation
import Testing
@testable import LBLog
@testable import LBReport

/// One gzip member holding `text`.
func gzipped(_ text: String) -> [UInt8] {
    var stream = z_stream()
    deflateInit2_(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&stream) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count + 4096)
    input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { destination in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            stream.next_out = destination.baseAddress
            stream.avail_out = uInt(destination.count)
            _ = deflate(&stream, Z_FINISH)
        }
    }
    return Array(output[0..<Int(stream.total_out)])
}

/// gzip input goes through the producer thread and the shared block queue (several blocks here);
/// the result must be the plain file's, line numbers of bad lines included.
@Test func gzipStreamsMatchThePlainFile() throws {
    let text = scanFixture(lines: 45_000)
    #expect(text.utf8.count > ScanQueue.blockSize)  // several blocks (cut at half a block or more)
    let plainPath = writeTemp(text)
    let gzipPath = plainPath + ".gz"
    _ = FileManager.default.createFile(atPath: gzipPath, contents: Data(gzipped(text)))
    var options = ReportOptions()
    options.invalidSamples = 1000
    let plain = LogScanner.scan(try LogInputResolver.resolve([plainPath]), options: options, workers: 2)
    let gzip = LogScanner.scan(try LogInputResolver.resolve([gzipPath]), options: options, workers: 2)
    #expect(gzip.aggregate.lines == 45_000)
    #expect(gzip.aggregate.records == plain.aggregate.records)
    #expect(HalogCompat.percentiles(gzip.aggregate) == HalogCompat.percentiles(plain.aggregate))
    #expect(HalogCompat.servers(gzip.aggregate) == HalogCompat.servers(plain.aggregate))
    #expect(gzip.invalidSamples.map(\.line) == plain.invalidSamples.map(\.line))
    #expect(gzip.invalidSamples.count == 900)
    #expect(gzip.invalidSamples.last?.line == 44_995)
    #expect(gzip.failures.isEmpty && gzip.truncatedGzip.isEmpty)
}
