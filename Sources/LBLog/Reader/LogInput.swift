#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input to read: a file (plain or gzip, told apart by its first bytes) or standard input (`-`).
public struct LogInput: Sendable, Equatable {
    public var path: String
    public var isStandardInput: Bool { path == "-" }
    public var isGzip: Bool
    /// Bytes on disk (compressed size for gzip); 0 for stdin.
    public var size: Int
    /// Date of the first record, used to put rotated files in time order; nil if none was found.
    public var firstDate: Int64?

    public init(path: String, isGzip: Bool, size: Int, firstDate: Int64? = nil) {
        self.path = path
        self.isGzip = isGzip
        self.size = size
        self.firstDate = firstDate
    }

    /// Opens the input as a byte source of decompressed text. `prefetch` moves decompression to a
    /// second thread. The returned descriptor (if any) must be closed by the caller.
    public func open(prefetch: Bool, progress: ProgressCounter? = nil) throws -> (source: ByteSource, fd: Int32?) {
        if isStandardInput {
            let stdinSource = DescriptorSource(fd: 0, path: "<stdin>")
            let head = try stdinSource.peek(2)
            var source: ByteSource = stdinSource
            if GzipSource.isGzip(head) { source = try GzipSource(upstream: stdinSource, path: "<stdin>") }
            return (prefetch ? PrefetchSource(upstream: source) : source, nil)
        }
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw ReaderError.cannotOpen(path: path, reason: ReaderError.errnoText()) }
        var source: ByteSource = FileRangeSource(fd: fd, start: 0, end: Int.max, path: path, progress: progress)
        if isGzip {
            source = try GzipSource(upstream: source, path: path)
            if prefetch { source = PrefetchSource(upstream: source) }
        }
        return (source, fd)
    }
}

public enum LogInputResolver {
    /// Expands arguments into inputs: `-` is stdin, a directory gives its (non-hidden) files, a pattern
    /// with `*?[` is globbed. Files are then put in time order by their first record, so a rotated set
    /// (`access.log.2.gz access.log.1 access.log`) is read oldest first whatever order it was named in.
    public static func resolve(_ arguments: [String]) throws -> [LogInput] {
        orderByTime(try resolveInOrder(arguments))
    }

    /// Like `resolve`, without the time ordering (callers that resolve arguments one by one order the
    /// union themselves).
    public static func resolveInOrder(_ arguments: [String]) throws -> [LogInput] {
        var paths: [String] = []
        for argument in arguments {
            if argument == "-" { paths.append("-"); continue }
            var info = stat()
            if stat(argument, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    paths.append(contentsOf: try directoryFiles(argument))
                } else {
                    paths.append(argument)
                }
                continue
            }
            if argument.contains(where: { "*?[".contains($0) }) {
                let matches = glob(argument)
                if matches.isEmpty { throw ReaderError.noInput(pattern: argument) }
                for match in matches {
                    var matchInfo = stat()
                    if stat(match, &matchInfo) == 0, (matchInfo.st_mode & S_IFMT) == S_IFDIR {
                        paths.append(contentsOf: try directoryFiles(match))
                    } else {
                        paths.append(match)
                    }
                }
                continue
            }
            throw ReaderError.cannotOpen(path: argument, reason: ReaderError.errnoText())
        }
        var inputs: [LogInput] = []
        var seen = Set<String>()
        for path in paths where seen.insert(path).inserted {
            if path == "-" { inputs.append(LogInput(path: "-", isGzip: false, size: 0)); continue }
            inputs.append(try describe(path))
        }
        return inputs
    }

    /// Stable sort by first-record date; inputs without one (stdin, empty files) keep their place
    /// relative to each other and go after dated ones only if they were named after them.
    public static func orderByTime(_ inputs: [LogInput]) -> [LogInput] {
        guard inputs.count > 1, inputs.allSatisfy({ $0.firstDate != nil }) else { return inputs }
        return inputs.enumerated().sorted { a, b in
            let da = a.element.firstDate!, db = b.element.firstDate!
            return da != db ? da < db : a.offset < b.offset
        }.map(\.element)
    }

    public static func describe(_ path: String) throws -> LogInput {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw ReaderError.cannotOpen(path: path, reason: ReaderError.errnoText()) }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        var magic: [UInt8] = [0, 0]
        let got = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 2, 0) }
        var input = LogInput(path: path, isGzip: got == 2 && GzipSource.isGzip(magic), size: Int(info.st_size))
        input.firstDate = try? firstRecordDate(input)
        return input
    }

    /// Reads at most the first 256 KiB (decompressed) looking for a dated record.
    static func firstRecordDate(_ input: LogInput) throws -> Int64? {
        let (source, fd) = try input.open(prefetch: false)
        defer { if let fd { close(fd) } }
        let parser = LogLineParser()
        var entry = LogEntry()
        var found: Int64?
        var budget = 256 << 10
        let reader = LineReader(source: source, bufferSize: 64 << 10)
        try reader.forEachLine { p, n in
            budget -= n + 1
            if parser.parse(p, count: n, into: &entry) == .record, entry.dateMilliseconds >= 0 {
                found = entry.dateMilliseconds
                return false
            }
            return budget > 0
        }
        return found
    }

    static func directoryFiles(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else {
            throw ReaderError.cannotOpen(path: directory, reason: ReaderError.errnoText())
        }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            // readdir's records are only as long as their name: copying `pointee.d_name` (declared as 256
            // bytes) can read past the end of glibc's buffer into an unmapped page. Read the name in place.
            let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name.hasPrefix(".") { continue }
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { files.append(path) }
        }
        return files.sorted()
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths
    }
}
