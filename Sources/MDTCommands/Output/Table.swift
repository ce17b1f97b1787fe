/// An aligned text table: a header, a rule, then rows; numbers right-aligned, NULL shown as `NULL`.
/// Buffers every row (widths need the whole result); for huge results use tsv or ndjson.
public final class TableWriter: RowWriter {
    let out: BufferedOutput
    let color: Bool
    var columns: [String] = []
    var rows: [[Cell]] = []

    public init(out: BufferedOutput, color: Bool) {
        self.out = out
        self.color = color
    }

    public func begin(columns: [String]) throws(OutputError) { self.columns = columns }

    public func write(row: [Cell]) throws(OutputError) { rows.append(row) }

    public func end() throws(OutputError) {
        try out.write(Self.render(columns: columns, rows: rows, color: color))
        try out.flush()
    }

    /// The table as text (every line ends with a newline). An empty result prints the header only.
    public static func render(columns: [String], rows: [[Cell]], color: Bool = false) -> String {
        let n = max(columns.count, rows.map(\.count).max() ?? 0)
        guard n > 0 else { return "" }
        let names = (0..<n).map { $0 < columns.count ? columns[$0] : "c\($0 + 1)" }
        let texts: [[String]] = rows.map { r in (0..<n).map { i in i < r.count ? (r[i].text.map(TextWidth.printable) ?? "NULL") : "" } }
        // A column is numeric (right-aligned) when every non-null cell is a number.
        let numeric: [Bool] = (0..<n).map { i in
            var any = false
            for r in rows where i < r.count {
                if r[i] == .null { continue }
                if !r[i].isNumeric { return false }
                any = true
            }
            return any
        }
        var widths = names.map { TextWidth.of($0) }
        for r in texts { for i in 0..<n { widths[i] = max(widths[i], TextWidth.of(r[i])) } }

        func pad(_ s: String, _ i: Int, _ styled: String? = nil) -> String {
            let space = String(repeating: " ", count: max(0, widths[i] - TextWidth.of(s)))
            let shown = styled ?? s
            if i == n - 1 && !numeric[i] { return shown }  // no trailing spaces
            return numeric[i] ? space + shown : shown + space
        }
        var s = ""
        s += (0..<n).map { i in pad(names[i], i, color ? ANSI.bold(names[i]) : nil) }.joined(separator: "  ") + "\n"
        s += (0..<n).map { String(repeating: "─", count: widths[$0]) }.joined(separator: "  ") + "\n"
        for (ri, r) in texts.enumerated() {
            s += (0..<n).map { i in
                let isNull = i < rows[ri].count && rows[ri][i] == .null
                return pad(r[i], i, isNull && color ? ANSI.dim("NULL") : nil)
            }.joined(separator: "  ") + "\n"
        }
        return s
    }
}

/// Display width of text in a terminal: East Asian wide and emoji count 2, combining marks 0.
public enum TextWidth {
    public static func of(_ s: String) -> Int {
        var w = 0
        for ch in s {
            guard let first = ch.unicodeScalars.first else { continue }
            w += width(first)
        }
        return w
    }

    static func width(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 { return 0 }
        if u.properties.generalCategory == .nonspacingMark || u.properties.generalCategory == .enclosingMark { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v)
        {
            return 2
        }
        return 1
    }

    /// Control characters (tabs, newlines) shown escaped so a cell stays on one line.
    public static func printable(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return s }
        var r = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": r += "\\n"
            case "\t": r += "\\t"
            case "\r": r += "\\r"
            case let c where c.value < 0x20 || c.value == 0x7F: r += "\\x" + String(c.value, radix: 16)
            default: r.unicodeScalars.append(u)
            }
        }
        return r
    }
}
