import Book
import Foundation
import MarketData
import Pipeline

/// Renders a book as a price ladder: bids and asks side by side (orders, size, price | price, size,
/// orders), best first, with a title line (symbol, source), a status line (spread, mid, last update
/// time, update rate) and a column header.
///
/// `frame` is for a terminal: cursor home, each line cleared to its end, the rest of the screen
/// cleared (so the ladder redraws in place without flicker), with optional colour. `plain` is for
/// pipes and files: no escape codes at all.
struct LadderRenderer {
    var color: Bool
    /// Shown on the title line, e.g. `live 127.0.0.1:9200 (by price)`.
    var sourceLabel: String
    /// Most rows of levels to draw (the terminal's height allowing).
    var depth: Int

    static let escape = "\u{1B}["
    static let home = escape + "H"
    static let clearLine = escape + "K"
    static let clearBelow = escape + "J"
    static let clearScreen = escape + "H" + escape + "2J"
    static let hideCursor = escape + "?25l"
    static let showCursor = escape + "?25h"

    /// The ladder's lines (no newlines, no escape codes unless `color`).
    func lines(_ s: BookSnapshot, stats: BookTrackerStats?, asOf: Nanos? = nil, maxRows: Int? = nil) -> [String] {
        var out: [String] = []
        let sym = s.symbol?.text ?? "?"
        out.append(bold(sym) + "  " + sourceLabel)
        var status: [String] = []
        if let b = s.bids.first, let a = s.asks.first {
            let spread = Price(raw: a.price.raw &- b.price.raw)
            let digits = Self.fractionDigits([b.price, a.price, spread])
            status.append("spread " + spread.text(minFractionDigits: digits))
        } else {
            status.append("spread -")
        }
        if let asOf { status.append("as of " + Self.timeText(asOf)) }
        status.append("last update " + (s.eventTime > 0 ? Self.timeText(s.eventTime) : "-"))
        if let stats {
            status.append(String(format: "%.1f upd/s", stats.rate))
            status.append("\(stats.updates) updates")
        }
        out.append(status.joined(separator: "  "))

        let rows = min(max(s.bids.count, s.asks.count), depth, maxRows ?? Int.max)
        let digits = Self.fractionDigits((s.bids.prefix(rows) + s.asks.prefix(rows)).map(\.price))
        func cells(_ l: BookLevel?) -> (String, String, String) {
            guard let l else { return ("", "", "") }
            return (String(l.orderCount), String(l.size), l.price.text(minFractionDigits: digits))
        }
        var table: [(String, String, String, String, String, String)] = []
        for i in 0..<rows {
            let b = cells(i < s.bids.count ? s.bids[i] : nil)
            let a = cells(i < s.asks.count ? s.asks[i] : nil)
            table.append((b.0, b.1, b.2, a.2, a.1, a.0))
        }
        let header = ("ORDERS", "SIZE", "BID", "ASK", "SIZE", "ORDERS")
        var w = [header.0.count, header.1.count, header.2.count, header.3.count, header.4.count, header.5.count]
        for r in table {
            w[0] = max(w[0], r.0.count); w[1] = max(w[1], r.1.count); w[2] = max(w[2], r.2.count)
            w[3] = max(w[3], r.3.count); w[4] = max(w[4], r.4.count); w[5] = max(w[5], r.5.count)
        }
        func right(_ t: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - t.count)) + t }
        func left(_ t: String, _ n: Int) -> String { t + String(repeating: " ", count: max(0, n - t.count)) }
        let headerLine = right(header.0, w[0]) + "  " + right(header.1, w[1]) + "  " + right(header.2, w[2]) + " | "
            + left(header.3, w[3]) + "  " + right(header.4, w[4]) + "  " + right(header.5, w[5])
        out.append(bold(headerLine))
        for r in table {
            let bid = right(r.0, w[0]) + "  " + right(r.1, w[1]) + "  " + right(r.2, w[2])
            let ask = left(r.3, w[3]) + "  " + right(r.4, w[4]) + "  " + right(r.5, w[5])
            out.append(paint(bid, 32) + " | " + paint(ask, 31))
        }
        if rows == 0 { out.append("(empty book)") }
        return out.map { l in
            var t = Substring(l)
            while t.last == " " { t = t.dropLast() }
            return String(t)
        }
    }

    /// One terminal frame: home, lines each cleared to the end, rest of the screen cleared.
    func frame(_ lines: [String]) -> String {
        var s = Self.home
        for l in lines { s += l + Self.clearLine + "\n" }
        return s + Self.clearBelow
    }

    /// The lines as plain text, one per line, ending with a newline.
    func plain(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }

    func bold(_ t: String) -> String { color ? Self.escape + "1m" + t + Self.escape + "0m" : t }
    func paint(_ t: String, _ code: Int) -> String { color ? Self.escape + "\(code)m" + t + Self.escape + "0m" : t }

    /// Fraction digits that show every price exactly, at least 2.
    static func fractionDigits(_ prices: [Price]) -> Int {
        var d = 2
        for p in prices {
            let t = p.text()
            if let dot = t.firstIndex(of: ".") { d = max(d, t.distance(from: dot, to: t.endIndex) - 1) }
        }
        return min(d, 9)
    }

    /// `2026-03-09 10:30:01.123 ET` (US/Eastern, milliseconds).
    static func timeText(_ t: Nanos) -> String {
        let l = Eastern.local(t)
        let s = l.secondOfDay
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d ET", l.year, l.month, l.day, s / 3600, s / 60 % 60, s % 60,
                      Int(l.nanos / 1_000_000))
    }

    /// The terminal's rows, when stdout is one.
    static func terminalRows() -> Int? {
        var ws = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_row > 0 else { return nil }
        return Int(ws.ws_row)
    }
}
