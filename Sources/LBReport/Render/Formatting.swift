import Foundation

/// Small text helpers shared by the renderers.
enum Fmt {
    static func int(_ v: Int) -> String {
        let digits = String(v.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return v < 0 ? "-" + out : out
    }

    static func ms(_ v: Int?) -> String { v.map(String.init) ?? "-" }

    static func percent(_ share: Double, digits: Int = 2) -> String { String(format: "%.\(digits)f%%", share * 100) }

    static func rate(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : String(format: "%.2f", v) }

    static func pctLabel(_ p: Double) -> String {
        p == p.rounded() ? "p\(Int(p))" : "p\(String(format: "%g", p))"
    }

    static func bytes(_ v: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(v)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(v) B" : String(format: "%.1f %@", value, units[unit])
    }

    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value, scaled to the largest.
    static func sparkline(_ values: [Double]) -> String {
        let top = values.max() ?? 0
        guard top > 0 else { return String(repeating: sparks[0], count: values.count) }
        return String(values.map { sparks[min(7, Int(($0 / top) * 7.999))] })
    }

    /// Left-aligned first column, right-aligned others. Cells are made `TerminalSafe` here, before
    /// their widths are measured, since many hold names and URLs from the log.
    static func table(_ header: [String], _ rows: [[String]], indent: String = "  ", leftAlignLast: Bool = false) -> String {
        let rows = rows.map { $0.map(TerminalSafe.escape) }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            var out = indent
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                if i == cells.count - 1 && leftAlignLast && i > 0 { out += "  " + cell; continue }
                out += i == 0 ? cell + pad : "  " + pad + cell
            }
            return out
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
