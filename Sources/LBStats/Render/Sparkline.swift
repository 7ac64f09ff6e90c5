/// A rate history drawn as a small inline SVG line (two pixels per second, newest on the right), so the
/// page shows recent traffic without scripts or external resources.
enum Sparkline {
    static let step = 2, width = RateHistory.seconds * step, height = 16

    /// The SVG for `rate`, nil before the first second is measured.
    static func svg(_ rate: EventRate?, unit: String) -> String? {
        guard let rate, !rate.recent.isEmpty else { return nil }
        let peak = max(1, rate.recent.max() ?? 1)
        let start = RateHistory.seconds - rate.recent.count
        var points = ""
        points.reserveCapacity(rate.recent.count * 6)
        for (offset, value) in rate.recent.enumerated() {
            // Top and bottom keep one pixel free so the stroke is never clipped.
            let y = (height - 1) - (value * (height - 2) + peak / 2) / peak
            if !points.isEmpty { points += " " }
            points += "\((start + offset) * step + 1),\(y)"
        }
        let label = "\(unit) per second over the last \(rate.recent.count) s: now \(rate.current), peak \(peak)"
        return "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" "
            + "aria-label=\"\(label)\"><title>\(label)</title><polyline points=\"\(points)\"/></svg>"
    }
}
