import Foundation

/// One OHLCV bar to draw.
struct ChartBar: Equatable {
    var time: String
    var open: Double
    var high: Double
    var low: Double
    var close: Double
    var volume: Double
}

/// A candlestick chart with volume bars underneath, as a self-contained SVG document
/// (hand-written SVG text: no fonts or scripts needed). Up candles are hollow green, down
/// candles filled red; the price axis has 5 labelled grid lines, the time axis up to 6 labels.
enum CandlestickChart {
    static func svg(title: String, bars: [ChartBar], width: Int = 960, height: Int = 540) -> String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 40.0
        let w = Double(width), h = Double(height)
        let plotW = w - left - right
        let priceH = (h - top - bottom) * 0.72
        let gap = 12.0
        let volTop = top + priceH + gap
        let volH = h - bottom - volTop
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="11">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="\(fmt(left))" y="24" font-size="15" font-weight="bold" fill="#222">\(escape(title))</text>

            """
        guard !bars.isEmpty else {
            s += "<text x=\"\(fmt(w / 2))\" y=\"\(fmt(h / 2))\" text-anchor=\"middle\" fill=\"#666\">no data</text>\n</svg>\n"
            return s
        }
        var lo = bars.map(\.low).min() ?? 0, hi = bars.map(\.high).max() ?? 1
        if hi <= lo { hi = lo + max(abs(lo) * 0.01, 0.01); lo -= max(abs(lo) * 0.01, 0.01) }
        let pad = (hi - lo) * 0.05
        lo -= pad
        hi += pad
        let maxVol = max(bars.map(\.volume).max() ?? 1, 1)
        func y(_ p: Double) -> Double { top + (hi - p) / (hi - lo) * priceH }
        let step = plotW / Double(bars.count)
        let body = max(1, step * 0.7)

        // Grid and price labels.
        s += "<g stroke=\"#e5e5e5\" stroke-width=\"1\">\n"
        for i in 0...4 {
            let p = lo + (hi - lo) * Double(i) / 4
            s += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(p)))\" x2=\"\(fmt(w - right))\" y2=\"\(fmt(y(p)))\"/>\n"
        }
        s += "</g>\n<g fill=\"#444\" text-anchor=\"end\">\n"
        for i in 0...4 {
            let p = lo + (hi - lo) * Double(i) / 4
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(p) + 4))\">\(priceLabel(p, range: hi - lo))</text>\n"
        }
        s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(volTop + 10))\">\(volumeLabel(maxVol))</text>\n</g>\n"

        // Candles.
        s += "<g id=\"candles\" stroke-width=\"1\">\n"
        for (i, b) in bars.enumerated() {
            let cx = left + step * (Double(i) + 0.5)
            let up = b.close >= b.open
            let color = up ? "#1a9850" : "#d73027"
            let top = y(max(b.open, b.close)), bot = y(min(b.open, b.close))
            s += "<line class=\"wick\" x1=\"\(fmt(cx))\" y1=\"\(fmt(y(b.high)))\" x2=\"\(fmt(cx))\" y2=\"\(fmt(y(b.low)))\" stroke=\"\(color)\"/>\n"
            s += "<rect class=\"candle \(up ? "up" : "down")\" x=\"\(fmt(cx - body / 2))\" y=\"\(fmt(top))\" width=\"\(fmt(body))\" "
                + "height=\"\(fmt(max(1, bot - top)))\" fill=\"\(up ? "#ffffff" : color)\" stroke=\"\(color)\">"
                + "<title>\(escape(b.time)) O \(num(b.open)) H \(num(b.high)) L \(num(b.low)) C \(num(b.close)) V \(num(b.volume))</title></rect>\n"
        }
        s += "</g>\n"

        // Volume bars.
        s += "<g id=\"volume\" fill-opacity=\"0.6\">\n"
        for (i, b) in bars.enumerated() {
            let cx = left + step * (Double(i) + 0.5)
            let vh = b.volume / maxVol * volH
            let color = b.close >= b.open ? "#1a9850" : "#d73027"
            s += "<rect class=\"vol\" x=\"\(fmt(cx - body / 2))\" y=\"\(fmt(volTop + volH - vh))\" width=\"\(fmt(body))\" height=\"\(fmt(vh))\" fill=\"\(color)\"/>\n"
        }
        s += "</g>\n"

        // Axes and time labels.
        s += "<g stroke=\"#999\"><line x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(h - bottom))\"/>"
        s += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(h - bottom))\" x2=\"\(fmt(w - right))\" y2=\"\(fmt(h - bottom))\"/></g>\n"
        s += "<g fill=\"#444\" text-anchor=\"middle\">\n"
        let labels = min(6, bars.count)
        for k in 0..<labels {
            let i = labels == 1 ? 0 : k * (bars.count - 1) / (labels - 1)
            let cx = left + step * (Double(i) + 0.5)
            s += "<text x=\"\(fmt(cx))\" y=\"\(fmt(h - bottom + 16))\">\(escape(bars[i].time))</text>\n"
        }
        s += "</g>\n</svg>\n"
        return s
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func num(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.4f", v)
    }

    static func priceLabel(_ p: Double, range: Double) -> String {
        let digits = range >= 100 ? 0 : range >= 1 ? 2 : 4
        return String(format: "%.\(digits)f", p)
    }

    static func volumeLabel(_ v: Double) -> String {
        if v >= 1e9 { return String(format: "%.1fG", v / 1e9) }
        if v >= 1e6 { return String(format: "%.1fM", v / 1e6) }
        if v >= 1e3 { return String(format: "%.1fk", v / 1e3) }
        return num(v)
    }

    static func escape(_ s: String) -> String {
        var r = ""
        for c in s {
            switch c {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            default: r.append(c)
            }
        }
        return r
    }
}
