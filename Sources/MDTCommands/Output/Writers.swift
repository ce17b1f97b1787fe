/// CSV (RFC 4180; NULL is an empty field) and TSV (ClickHouse TabSeparated escaping; NULL is `\N`).
public final class DelimitedWriter: RowWriter {
    public enum Style: Sendable { case csv, tsv }
    let out: BufferedOutput
    let style: Style
    let header: Bool
    var line: String = ""

    public init(out: BufferedOutput, style: Style, header: Bool = true) {
        self.out = out
        self.style = style
        self.header = header
    }

    public func begin(columns: [String]) throws(OutputError) {
        if header { try emit(columns.map { Cell.string($0) }) }
    }

    public func write(row: [Cell]) throws(OutputError) { try emit(row) }

    public func end() throws(OutputError) { try out.flush() }

    func emit(_ cells: [Cell]) throws(OutputError) {
        line.removeAll(keepingCapacity: true)
        for (i, c) in cells.enumerated() {
            if i > 0 { line.append(style == .csv ? "," : "\t") }
            switch style {
            case .csv: line.append(Self.csvField(c))
            case .tsv: line.append(Self.tsvField(c))
            }
        }
        line.append("\n")
        try out.write(line)
    }

    static func csvField(_ c: Cell) -> String {
        guard let t = c.text else { return "" }
        if t.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || t.hasPrefix(" ") || t.hasSuffix(" ") {
            return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return t
    }

    static func tsvField(_ c: Cell) -> String {
        guard let t = c.text else { return "\\N" }
        guard t.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\\" || $0 == "\r" }) else { return t }
        var s = ""
        for ch in t {
            switch ch {
            case "\t": s += "\\t"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\\": s += "\\\\"
            default: s.append(ch)
            }
        }
        return s
    }
}

/// JSON: an array of objects (`lines: false`) or one object per line (NDJSON).
public final class JSONRowWriter: RowWriter {
    let out: BufferedOutput
    let lines: Bool
    var keys: [String] = []
    var count = 0

    public init(out: BufferedOutput, lines: Bool) {
        self.out = out
        self.lines = lines
    }

    public func begin(columns: [String]) throws(OutputError) {
        keys = columns.map { JSONText.string($0) }
        if !lines { try out.write("[") }
    }

    public func write(row: [Cell]) throws(OutputError) {
        var s = lines ? "" : (count == 0 ? "\n" : ",\n")
        s += "{"
        for (i, c) in row.enumerated() {
            if i > 0 { s += "," }
            s += i < keys.count ? keys[i] : JSONText.string("c\(i + 1)")
            s += ":"
            s += JSONText.value(c)
        }
        s += lines ? "}\n" : "}"
        count += 1
        try out.write(s)
    }

    public func end() throws(OutputError) {
        if !lines { try out.write(count == 0 ? "]\n" : "\n]\n") }
        try out.flush()
    }
}

/// JSON text helpers shared by the writers and `mdt config --json`.
public enum JSONText {
    public static func string(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                r += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: r.unicodeScalars.append(u)
            }
        }
        return r + "\""
    }

    public static func value(_ c: Cell) -> String {
        switch c {
        case .null: "null"
        case .string(let s): string(s)
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .double(let d): d.isFinite ? Cell.format(d) : "null"
        case .number(let s): s.isEmpty ? "null" : s
        case .bool(let b): b ? "true" : "false"
        }
    }
}

/// One block per row: `Row 1:` then `name: value` lines, names aligned (like clickhouse-client's Vertical).
public final class VerticalWriter: RowWriter {
    let out: BufferedOutput
    let color: Bool
    var columns: [String] = []
    var width = 0
    var count = 0

    public init(out: BufferedOutput, color: Bool) {
        self.out = out
        self.color = color
    }

    public func begin(columns: [String]) throws(OutputError) {
        self.columns = columns
        width = columns.map { TextWidth.of($0) }.max() ?? 0
    }

    public func write(row: [Cell]) throws(OutputError) {
        count += 1
        let title = "Row \(count):"
        var s = count > 1 ? "\n" : ""
        s += (color ? ANSI.bold(title) : title) + "\n"
        s += String(repeating: "─", count: title.count) + "\n"
        for (i, c) in row.enumerated() {
            let name = i < columns.count ? columns[i] : "c\(i + 1)"
            let pad = String(repeating: " ", count: max(0, width - TextWidth.of(name)))
            let value = c.text.map(TextWidth.printable) ?? (color ? ANSI.dim("NULL") : "NULL")
            s += "\(name):\(pad) \(value)\n"
        }
        try out.write(s)
    }

    public func end() throws(OutputError) { try out.flush() }
}

enum ANSI {
    static func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }
    static func dim(_ s: String) -> String { "\u{1B}[2m\(s)\u{1B}[0m" }
    static func red(_ s: String) -> String { "\u{1B}[31m\(s)\u{1B}[0m" }
    static func yellow(_ s: String) -> String { "\u{1B}[33m\(s)\u{1B}[0m" }
}
