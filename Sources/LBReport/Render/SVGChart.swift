import Foundation

/// Minimal inline SVG charts for the HTML report: no scripts, no external resources.
enum SVGChart {
    struct Series {
        var name: String
        var color: String
        var values: [Double]
    }

    static func esc(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(ch)
            }
        }
        return o
    }

    static func num(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Lines over time with a y axis from 0 to the maximum; `xLabels` first and last are printed.
    static func lines(_ series: [Series], xLabels: [String], unit: String, width: Double = 900, height: Double = 220) -> String {
        let left = 60.0, bottom = 30.0, top = 20.0, right = 10.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = max(1, series.flatMap(\.values).max() ?? 1)
        let n = max(1, (series.first?.values.count ?? 1) - 1)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"chart\">"
        for k in 0...4 {
            let y = top + plotH - plotH * Double(k) / 4
            s += "<line x1=\"\(num(left))\" y1=\"\(num(y))\" x2=\"\(num(width - right))\" y2=\"\(num(y))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(num(left - 6))\" y=\"\(num(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(esc(Fmt.rate(maxValue * Double(k) / 4)))\(unit)</text>"
        }
        for series in series {
            let points = series.values.enumerated().map { i, v in
                "\(num(left + plotW * Double(i) / Double(n))),\(num(top + plotH - plotH * v / maxValue))"
            }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"2\" points=\"\(points)\"><title>\(esc(series.name))</title></polyline>"
        }
        if let first = xLabels.first, let last = xLabels.last {
            s += "<text x=\"\(num(left))\" y=\"\(num(height - 8))\" font-size=\"11\">\(esc(first))</text>"
            s += "<text x=\"\(num(width - right))\" y=\"\(num(height - 8))\" font-size=\"11\" text-anchor=\"end\">\(esc(last))</text>"
        }
        var lx = left + 10
        for series in series {
            s += "<rect x=\"\(num(lx))\" y=\"4\" width=\"10\" height=\"10\" fill=\"\(series.color)\"/><text x=\"\(num(lx + 14))\" y=\"13\" font-size=\"11\">\(esc(series.name))</text>"
            lx += 20 + Double(series.name.count) * 7
        }
        return s + "</svg>"
    }

    /// Vertical bars over time (e.g. requests/s), with an optional overlay series drawn in red.
    static func bars(_ values: [Double], overlay: [Double]?, xLabels: [String], name: String, overlayName: String, width: Double = 900, height: Double = 220) -> String {
        let left = 60.0, bottom = 30.0, top = 20.0, right = 10.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = max(1e-9, values.max() ?? 1)
        let barW = plotW / Double(max(1, values.count))
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"chart\">"
        for k in 0...4 {
            let y = top + plotH - plotH * Double(k) / 4
            s += "<line x1=\"\(num(left))\" y1=\"\(num(y))\" x2=\"\(num(width - right))\" y2=\"\(num(y))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(num(left - 6))\" y=\"\(num(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(esc(Fmt.rate(maxValue * Double(k) / 4)))</text>"
        }
        for (i, v) in values.enumerated() {
            let h = plotH * v / maxValue
            s += "<rect x=\"\(num(left + barW * Double(i)))\" y=\"\(num(top + plotH - h))\" width=\"\(num(max(1, barW - 1)))\" height=\"\(num(h))\" fill=\"#4a90d9\"><title>\(esc(xLabels[safe: i] ?? "")): \(Fmt.rate(v))</title></rect>"
        }
        if let overlay {
            let top100 = max(1e-9, overlay.max() ?? 0)
            let points = overlay.enumerated().map { i, v in
                "\(num(left + barW * (Double(i) + 0.5))),\(num(top + plotH - plotH * v / max(top100, 1e-9)))"
            }.joined(separator: " ")
            if top100 > 1e-9 {
                s += "<polyline fill=\"none\" stroke=\"#d0021b\" stroke-width=\"2\" points=\"\(points)\"><title>\(esc(overlayName)) (scaled; max \(Fmt.percent(top100)))</title></polyline>"
            }
        }
        if let first = xLabels.first, let last = xLabels.last {
            s += "<text x=\"\(num(left))\" y=\"\(num(height - 8))\" font-size=\"11\">\(esc(first))</text>"
            s += "<text x=\"\(num(width - right))\" y=\"\(num(height - 8))\" font-size=\"11\" text-anchor=\"end\">\(esc(last))</text>"
        }
        s += "<rect x=\"\(num(left + 10))\" y=\"4\" width=\"10\" height=\"10\" fill=\"#4a90d9\"/><text x=\"\(num(left + 24))\" y=\"13\" font-size=\"11\">\(esc(name))</text>"
        if overlay != nil {
            s += "<rect x=\"\(num(left + 140))\" y=\"4\" width=\"10\" height=\"10\" fill=\"#d0021b\"/><text x=\"\(num(left + 154))\" y=\"13\" font-size=\"11\">\(esc(overlayName))</text>"
        }
        return s + "</svg>"
    }

    /// Horizontal bars, one per labelled item; each item may carry two values (e.g. p50 and p99).
    static func horizontal(_ items: [(label: String, value: Double, second: Double?, color: String)], unit: String, width: Double = 900) -> String {
        let rowH = 22.0, labelW = 260.0
        let height = Double(items.count) * rowH + 20
        let maxValue = max(1e-9, items.map { max($0.value, $0.second ?? 0) }.max() ?? 1)
        let plotW = width - labelW - 80
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"chart\">"
        for (i, item) in items.enumerated() {
            let y = 10 + Double(i) * rowH
            s += "<text x=\"\(num(labelW - 6))\" y=\"\(num(y + 14))\" text-anchor=\"end\" font-size=\"12\">\(esc(item.label))</text>"
            if let second = item.second {
                s += "<rect x=\"\(num(labelW))\" y=\"\(num(y + 2))\" width=\"\(num(plotW * second / maxValue))\" height=\"16\" fill=\"#f5a623\" opacity=\"0.6\"/>"
            }
            s += "<rect x=\"\(num(labelW))\" y=\"\(num(y + 5))\" width=\"\(num(plotW * item.value / maxValue))\" height=\"10\" fill=\"\(item.color)\"/>"
            let text = item.second.map { "\(Fmt.rate(item.value)) / \(Fmt.rate($0))\(unit)" } ?? "\(Fmt.rate(item.value))\(unit)"
            s += "<text x=\"\(num(labelW + plotW * max(item.value, item.second ?? 0) / maxValue + 6))\" y=\"\(num(y + 14))\" font-size=\"11\">\(esc(text))</text>"
        }
        return s + "</svg>"
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
