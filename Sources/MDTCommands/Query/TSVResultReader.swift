/// Turns a streamed `TabSeparatedWithNamesAndTypes` result into typed rows as the bytes arrive:
/// line 1 holds the column names, line 2 their ClickHouse types, then one row per line.
/// Nothing is kept beyond the current partial line and one complete line held back: a server
/// exception appended to a 200 response (a killed query) is a last line that must not become a row,
/// so a line is emitted only once the next one has started, and the held line at `finish()`.
final class TSVResultReader {
    enum Kind: Equatable { case string, number, float, bool }

    private(set) var columns: [String] = []
    private(set) var types: [String] = []
    private var kinds: [Kind] = []
    private var nullable: [Bool] = []
    private var partial: [UInt8] = []
    private var held: [UInt8]?
    private var headerLines = 0
    private(set) var rows: UInt64 = 0
    /// Whether the header (names and types) has been seen.
    var hasHeader: Bool { headerLines == 2 }
    private let onHeader: ([String], [String]) throws -> Void
    private let onRow: ([Cell]) throws -> Void
    private var cells: [Cell] = []

    init(onHeader: @escaping ([String], [String]) throws -> Void, onRow: @escaping ([Cell]) throws -> Void) {
        self.onHeader = onHeader
        self.onRow = onRow
        partial.reserveCapacity(4096)
    }

    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        var start = 0
        let n = chunk.count
        while start < n {
            guard let nl = chunk[start..<n].firstIndex(of: 0x0A) else {
                partial.append(contentsOf: chunk[start..<n])
                return
            }
            partial.append(contentsOf: chunk[start..<nl])
            try completeLine()
            start = nl + 1
        }
    }

    /// The stream ended normally: emits the held line (and a final line without a newline).
    func finish() throws {
        if !partial.isEmpty { try completeLine() }
        if let h = held {
            held = nil
            try emit(h)
        }
        if headerLines == 1 {
            // Names without types (should not happen): treat all as strings.
            try startColumns(types: columns.map { _ in "String" })
        }
    }

    private func completeLine() throws {
        let line = partial
        partial.removeAll(keepingCapacity: true)
        if headerLines == 0 {
            columns = Self.fields(line).map { Self.unescape($0) }
            headerLines = 1
            return
        }
        if headerLines == 1 {
            headerLines = 2
            try startColumns(types: Self.fields(line).map { Self.unescape($0) })
            return
        }
        if let h = held { try emit(h) }
        held = line
    }

    private func startColumns(types: [String]) throws {
        headerLines = 2
        self.types = types
        kinds = []
        nullable = []
        for t in types {
            var base = t
            var isNull = false
            for wrapper in ["LowCardinality", "Nullable", "LowCardinality"] {
                if let inner = QueryParameters.unwrap(base, wrapper) {
                    base = inner
                    if wrapper == "Nullable" { isNull = true }
                }
            }
            nullable.append(isNull)
            kinds.append(Self.kind(of: base))
        }
        try onHeader(columns, types)
    }

    static func kind(of base: String) -> Kind {
        if base.hasPrefix("Int") || base.hasPrefix("UInt") || base.hasPrefix("Decimal") { return .number }
        if base.hasPrefix("Float") { return .float }
        if base == "Bool" { return .bool }
        return .string
    }

    private func emit(_ line: [UInt8]) throws {
        cells.removeAll(keepingCapacity: true)
        var i = 0
        for field in Self.fields(line) {
            let kind = i < kinds.count ? kinds[i] : .string
            let isNullable = i < nullable.count ? nullable[i] : false
            if isNullable, field.count == 2, field[field.startIndex] == UInt8(ascii: "\\"), field[field.startIndex + 1] == UInt8(ascii: "N") {
                cells.append(.null)
            } else {
                switch kind {
                case .number: cells.append(.number(String(decoding: field, as: UTF8.self)))
                case .float:
                    let text = String(decoding: field, as: UTF8.self)
                    if let d = Double(text), !d.isFinite { cells.append(.double(d)) } else { cells.append(.number(text)) }
                case .bool: cells.append(.bool(field.elementsEqual("true".utf8) || field.elementsEqual("1".utf8)))
                case .string: cells.append(.string(Self.unescape(field)))
                }
            }
            i += 1
        }
        rows += 1
        try onRow(cells)
    }

    /// Tab-separated fields of a line (the raw bytes, still escaped).
    static func fields(_ line: [UInt8]) -> [ArraySlice<UInt8>] {
        line.split(separator: 0x09, omittingEmptySubsequences: false)
    }

    /// Undoes TabSeparated escaping: `\t \n \r \\ \' \b \f \0` and `\N`-free text.
    static func unescape(_ field: ArraySlice<UInt8>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var i = field.startIndex
        while i < field.endIndex {
            let b = field[i]
            if b == UInt8(ascii: "\\"), i + 1 < field.endIndex {
                let e = field[i + 1]
                switch e {
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "0"): out.append(0x00)
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "v"): out.append(0x0B)
                default: out.append(e)
                }
                i += 2
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
