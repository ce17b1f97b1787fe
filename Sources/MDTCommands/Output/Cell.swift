import ArgumentParser

/// One value in a result row. Numbers are right-aligned in tables and unquoted in JSON.
public enum Cell: Equatable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    case null
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// A number already formatted exactly (e.g. a fixed-point price `189.250000000`): numeric in JSON and tables.
    case number(String)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }

    public var isNumeric: Bool {
        switch self {
        case .int, .uint, .double, .number: true
        default: false
        }
    }

    /// Plain text, NULL as nil.
    public var text: String? {
        switch self {
        case .null: nil
        case .string(let s): s
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .double(let d): Cell.format(d)
        case .number(let s): s
        case .bool(let b): b ? "true" : "false"
        }
    }

    static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

/// `--format`: how rows are written to stdout.
public enum OutputFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    case table, csv, tsv, json, ndjson, vertical

    /// `table` on a terminal, `tsv` into a pipe or file.
    public static func automatic(isTTY: Bool) -> OutputFormat { isTTY ? .table : .tsv }
}

/// Writes rows in one format. Streaming formats write as rows arrive; `table` buffers to align columns.
public protocol RowWriter: AnyObject {
    /// Called once before any row.
    func begin(columns: [String]) throws(OutputError)
    func write(row: [Cell]) throws(OutputError)
    /// Called once at the end (writes buffered tables, closes JSON arrays, flushes).
    func end() throws(OutputError)
}

extension RowWriter {
    /// Writes a whole result at once.
    public func writeAll(columns: [String], rows: [[Cell]]) throws(OutputError) {
        try begin(columns: columns)
        for r in rows { try write(row: r) }
        try end()
    }
}

/// Options that shape the writers.
public struct OutputSettings: Sendable {
    public var format: OutputFormat
    /// Colour on stdout (headers, NULL): only when `--color on`, or `auto` and stdout is a TTY.
    public var color: Bool
    /// Colour on stderr (log levels, errors).
    public var stderrColor: Bool
    /// Print a header line in csv/tsv.
    public var header: Bool
    /// Whether stderr is a terminal (progress lines only then) and `--quiet` is off.
    public var progress: Bool

    public init(format: OutputFormat = .tsv, color: Bool = false, stderrColor: Bool = false, header: Bool = true, progress: Bool = false) {
        self.format = format
        self.color = color
        self.stderrColor = stderrColor
        self.header = header
        self.progress = progress
    }
}

/// Makes the writer for a format.
public func makeRowWriter(_ settings: OutputSettings, to out: BufferedOutput) -> any RowWriter {
    switch settings.format {
    case .table: TableWriter(out: out, color: settings.color)
    case .csv: DelimitedWriter(out: out, style: .csv, header: settings.header)
    case .tsv: DelimitedWriter(out: out, style: .tsv, header: settings.header)
    case .json: JSONRowWriter(out: out, lines: false)
    case .ndjson: JSONRowWriter(out: out, lines: true)
    case .vertical: VerticalWriter(out: out, color: settings.color)
    }
}
