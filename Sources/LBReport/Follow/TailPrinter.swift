import LBLog

/// How `lblog tail` prints a record: one line of text, or one JSON object (lb's JSON lines format).
public enum TailFormat: String, Sendable, CaseIterable {
    case text, json
}

/// Keeps the records that pass every `--filter` clause and renders them one per line.
///
/// Text: `2026-11-25 02:40:29.039 fe_main be_app/web1 200 Ta=3ms --NI GET /index.html` (date as logged,
/// frontend, backend/server, status, Ta, termination state, method and path without the query). A TCP
/// session shows `tcp` for the status, `Tt=` for its time and no request. The fields taken from the
/// line are written `TerminalSafe`, so a crafted log cannot drive the terminal `tail` prints to.
public struct TailPrinter: Sendable {
    public var format: TailFormat
    public var filters: [FilterClause]

    public init(format: TailFormat = .text, filters: [FilterClause] = []) {
        self.format = format
        self.filters = filters
    }

    /// True when the record passes the filters.
    public func accepts(_ e: LogEntry) -> Bool {
        for filter in filters where !filter.matches(e) { return false }
        return true
    }

    /// Appends the record's line (newline included) to `output` when it passes the filters.
    @discardableResult
    public func append(_ e: LogEntry, into output: inout [UInt8]) -> Bool {
        guard accepts(e) else { return false }
        switch format {
        case .json: JSONRecordFormat.render(LogRecord(e), into: &output)
        case .text: Self.text(e, into: &output)
        }
        output.append(0x0A)
        return true
    }

    static func text(_ e: LogEntry, into output: inout [UInt8]) {
        func add(_ text: String) { output.append(contentsOf: text.utf8) }
        func add(_ slice: ByteSlice) { TerminalSafe.append(slice.buffer, to: &output) }
        add(e.dateMilliseconds >= 0 ? LogDate.format(milliseconds: e.dateMilliseconds) : "-")
        output.append(0x20)
        add(e.frontend)
        output.append(0x20)
        add(e.backend)
        output.append(UInt8(ascii: "/"))
        add(e.server)
        if e.kind == .tcp {
            add(" tcp Tt=\(e.timeActive)ms ")
            add(TerminalSafe.escape(e.terminationString))
            return
        }
        add(e.status >= 0 ? " \(e.status)" : " -")
        add(" Ta=\(e.timeIsPartial ? "+" : "")\(e.timeActive)ms ")
        add(TerminalSafe.escape(e.terminationString))
        output.append(0x20)
        if e.isBadRequest {
            add("<BADREQ>")
        } else {
            if e.method.isEmpty { add("-") } else { add(e.method) }
            output.append(0x20)
            if e.path.isEmpty { add("-") } else { add(e.path) }
        }
    }
}
