import Foundation

/// A small, strict parser for the subset of TOML that `mdt.toml` uses.
///
/// Supported: comments, `[table]` headers (dotted, bare or quoted keys), `key = value` with dotted
/// keys, basic strings with escapes (`\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`), literal strings,
/// integers (decimal with `_` separators, `0x`/`0o`/`0b`), floats (fraction and exponent), booleans,
/// arrays of values (may span lines, trailing comma allowed) and inline tables `{ k = v }`.
/// Not supported (each is a clear error): multi-line strings, dates and times, arrays of tables.
///
/// Every error names the file and line: `mdt.toml:12: expected '=' after key 'url'`.
public enum TOML {
    /// A parsed value.
    public indirect enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case array([Value])
        case table([Entry])

        /// The TOML type name, for error messages.
        public var typeName: String {
            switch self {
            case .string: "string"
            case .integer: "integer"
            case .float: "float"
            case .boolean: "boolean"
            case .array: "array"
            case .table: "table"
            }
        }
    }

    /// One `key = value` with its full dotted path (table prefix included) and its line.
    public struct Entry: Equatable, Sendable {
        public var path: [String]
        public var value: Value
        public var line: Int
    }

    /// A `[table]` header and its line.
    public struct Header: Equatable, Sendable {
        public var path: [String]
        public var line: Int
    }

    /// The whole document: every header and every assignment, in file order.
    public struct Document: Equatable, Sendable {
        public var headers: [Header] = []
        public var entries: [Entry] = []
    }

    /// A syntax error at `file:line`.
    public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// Parses `text`; `file` is the name used in error messages.
    public static func parse(_ text: String, file: String = "mdt.toml") throws(ParseError) -> Document {
        var parser = Parser(bytes: Array(text.utf8), file: file)
        return try parser.parseDocument()
    }
}

private struct Parser {
    let bytes: [UInt8]
    let file: String
    var pos = 0
    var line = 1
    var document = TOML.Document()
    var currentTable: [String] = []
    var seenKeys: Set<[String]> = []
    var seenTables: Set<[String]> = []

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    func fail(_ message: String, line: Int? = nil) -> TOML.ParseError {
        TOML.ParseError(file: file, line: line ?? self.line, message: message)
    }

    var atEnd: Bool { pos >= bytes.count }
    var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    mutating func skipSpaces() {
        while let c = peek, c == 0x20 || c == 0x09 { pos += 1 }
    }

    mutating func skipComment() throws(TOML.ParseError) {
        guard peek == UInt8(ascii: "#") else { return }
        while let c = peek, c != 0x0A {
            if c < 0x20 && c != 0x09 && c != 0x0D { throw fail("control character in comment") }
            pos += 1
        }
    }

    /// After a value or header: only spaces, a comment, then a newline or the end.
    mutating func expectLineEnd() throws(TOML.ParseError) {
        skipSpaces()
        try skipComment()
        if atEnd { return }
        if peek == 0x0D, pos + 1 < bytes.count, bytes[pos + 1] == 0x0A { pos += 1 }
        guard peek == 0x0A else { throw fail("unexpected '\(describe(peek))' after value (one key = value per line)") }
        pos += 1
        line += 1
    }

    /// Skips blank space, newlines and comments (inside arrays).
    mutating func skipWhitespaceAndNewlines() throws(TOML.ParseError) {
        while true {
            skipSpaces()
            try skipComment()
            if peek == 0x0D, pos + 1 < bytes.count, bytes[pos + 1] == 0x0A { pos += 1 }
            if peek == 0x0A { pos += 1; line += 1; continue }
            return
        }
    }

    func describe(_ c: UInt8?) -> String {
        guard let c else { return "end of file" }
        if c == 0x0A { return "newline" }
        if c >= 0x20 && c < 0x7F { return String(UnicodeScalar(c)) }
        return String(format: "\\x%02X", c)
    }

    mutating func parseDocument() throws(TOML.ParseError) -> TOML.Document {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        while !atEnd {
            try skipWhitespaceAndNewlines()
            guard let c = peek else { break }
            if c == UInt8(ascii: "[") {
                try parseHeader()
            } else {
                let entryLine = line
                let key = try parseKey()
                skipSpaces()
                guard peek == UInt8(ascii: "=") else {
                    throw fail("expected '=' after key '\(key.joined(separator: "."))'")
                }
                pos += 1
                skipSpaces()
                let value = try parseValue()
                try add(path: currentTable + key, value: value, line: entryLine)
                try expectLineEnd()
            }
        }
        return document
    }

    mutating func add(path: [String], value: TOML.Value, line: Int) throws(TOML.ParseError) {
        // A key may not be assigned twice, nor be both a value and a table.
        for i in 1..<path.count where seenKeys.contains(Array(path[..<i])) {
            throw fail("key '\(path[..<i].joined(separator: "."))' is already a value, cannot extend it", line: line)
        }
        guard !seenKeys.contains(path), !seenTables.contains(path) else {
            throw fail("duplicate key '\(path.joined(separator: "."))'", line: line)
        }
        seenKeys.insert(path)
        document.entries.append(TOML.Entry(path: path, value: value, line: line))
    }

    mutating func parseHeader() throws(TOML.ParseError) {
        pos += 1  // '['
        if peek == UInt8(ascii: "[") { throw fail("arrays of tables ([[...]]) are not supported") }
        skipSpaces()
        let path = try parseKey()
        skipSpaces()
        guard peek == UInt8(ascii: "]") else { throw fail("expected ']' to close table header") }
        pos += 1
        if seenTables.contains(path) { throw fail("duplicate table [\(path.joined(separator: "."))]") }
        if seenKeys.contains(path) { throw fail("table [\(path.joined(separator: "."))] is already a value") }
        seenTables.insert(path)
        currentTable = path
        document.headers.append(TOML.Header(path: path, line: line))
        try expectLineEnd()
    }

    /// A dotted key: `a`, `a.b`, `"quoted key".c`.
    mutating func parseKey() throws(TOML.ParseError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = peek else { throw fail("expected a key") }
            if c == UInt8(ascii: "\"") {
                parts.append(try parseBasicString())
            } else if c == UInt8(ascii: "'") {
                parts.append(try parseLiteralString())
            } else {
                let start = pos
                while let b = peek, isBareKeyByte(b) { pos += 1 }
                guard pos > start else { throw fail("expected a key, found '\(describe(c))'") }
                parts.append(String(decoding: bytes[start..<pos], as: UTF8.self))
            }
            skipSpaces()
            if peek == UInt8(ascii: ".") { pos += 1; continue }
            return parts
        }
    }

    func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    mutating func parseValue() throws(TOML.ParseError) -> TOML.Value {
        guard let c = peek else { throw fail("expected a value") }
        switch c {
        case UInt8(ascii: "\""):
            if bytes[pos...].starts(with: Array("\"\"\"".utf8)) { throw fail("multi-line strings are not supported") }
            return .string(try parseBasicString())
        case UInt8(ascii: "'"):
            if bytes[pos...].starts(with: Array("'''".utf8)) { throw fail("multi-line strings are not supported") }
            return .string(try parseLiteralString())
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "{"):
            return try parseInlineTable()
        case 0x0A, 0x0D, UInt8(ascii: "#"):
            throw fail("expected a value after '='")
        default:
            return try parseBareValue()
        }
    }

    mutating func parseBasicString() throws(TOML.ParseError) -> String {
        pos += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("unterminated string") }
            if c == 0x0A { throw fail("unterminated string (newline before closing '\"')") }
            pos += 1
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                guard let e = peek else { throw fail("unterminated string") }
                pos += 1
                switch e {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = e == UInt8(ascii: "u") ? 4 : 8
                    guard pos + count <= bytes.count,
                        let code = UInt32(String(decoding: bytes[pos..<pos + count], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw fail("invalid unicode escape in string") }
                    pos += count
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("invalid escape '\\\(describe(e))' in string")
                }
                continue
            }
            if c < 0x20 && c != 0x09 { throw fail("control character in string") }
            out.append(c)
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return s
    }

    mutating func parseLiteralString() throws(TOML.ParseError) -> String {
        pos += 1
        let start = pos
        while true {
            guard let c = peek else { throw fail("unterminated string") }
            if c == 0x0A { throw fail("unterminated string (newline before closing \"'\")") }
            if c == UInt8(ascii: "'") { break }
            pos += 1
        }
        let slice = bytes[start..<pos]
        pos += 1
        guard let s = String(validating: slice, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return s
    }

    mutating func parseArray() throws(TOML.ParseError) -> TOML.Value {
        pos += 1  // '['
        var items: [TOML.Value] = []
        while true {
            try skipWhitespaceAndNewlines()
            guard let c = peek else { throw fail("unterminated array") }
            if c == UInt8(ascii: "]") { pos += 1; break }
            items.append(try parseValue())
            try skipWhitespaceAndNewlines()
            if peek == UInt8(ascii: ",") { pos += 1; continue }
            if peek == UInt8(ascii: "]") { pos += 1; break }
            throw fail("expected ',' or ']' in array, found '\(describe(peek))'")
        }
        return .array(items)
    }

    mutating func parseInlineTable() throws(TOML.ParseError) -> TOML.Value {
        pos += 1  // '{'
        var entries: [TOML.Entry] = []
        var seen: Set<[String]> = []
        skipSpaces()
        if peek == UInt8(ascii: "}") { pos += 1; return .table([]) }
        while true {
            skipSpaces()
            let key = try parseKey()
            skipSpaces()
            guard peek == UInt8(ascii: "=") else { throw fail("expected '=' after key '\(key.joined(separator: "."))'") }
            pos += 1
            skipSpaces()
            let value = try parseValue()
            if !seen.insert(key).inserted { throw fail("duplicate key '\(key.joined(separator: "."))' in inline table") }
            entries.append(TOML.Entry(path: key, value: value, line: line))
            skipSpaces()
            if peek == UInt8(ascii: ",") { pos += 1; continue }
            if peek == UInt8(ascii: "}") { pos += 1; break }
            throw fail("expected ',' or '}' in inline table, found '\(describe(peek))'")
        }
        return .table(entries)
    }

    /// Booleans, integers and floats: the token runs to a delimiter.
    mutating func parseBareValue() throws(TOML.ParseError) -> TOML.Value {
        let start = pos
        while let c = peek, !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: ",")
            || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == UInt8(ascii: "#"))
        {
            pos += 1
        }
        let token = String(decoding: bytes[start..<pos], as: UTF8.self)
        if token == "true" { return .boolean(true) }
        if token == "false" { return .boolean(false) }
        if let v = Self.integer(token) { return .integer(v) }
        if let v = Self.float(token) { return .float(v) }
        if token.isEmpty { throw fail("expected a value, found '\(describe(peek))'") }
        if token.contains(":") || (token.count >= 10 && token.dropFirst(4).first == "-") {
            throw fail("dates and times are not supported: \(token)")
        }
        throw fail("invalid value '\(token)' (strings need quotes)")
    }

    static func integer(_ token: String) -> Int64? {
        var t = Substring(token)
        var radix = 10
        var negative = false
        if t.hasPrefix("0x") { radix = 16; t = t.dropFirst(2) }
        else if t.hasPrefix("0o") { radix = 8; t = t.dropFirst(2) }
        else if t.hasPrefix("0b") { radix = 2; t = t.dropFirst(2) }
        else if t.hasPrefix("+") { t = t.dropFirst() }
        else if t.hasPrefix("-") { negative = true; t = t.dropFirst() }
        guard let digits = underscoresOK(t) else { return nil }
        if radix == 10 && digits.count > 1 && digits.hasPrefix("0") { return nil }  // no leading zeros
        guard let magnitude = UInt64(digits, radix: radix) else { return nil }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Removes `_` separators; each must sit between two digits.
    static func underscoresOK(_ t: Substring) -> String? {
        guard !t.isEmpty, t.first != "_", t.last != "_", !t.contains("__") else { return nil }
        return t.replacingOccurrences(of: "_", with: "")
    }

    static func float(_ token: String) -> Double? {
        var t = Substring(token)
        if t.hasPrefix("+") || t.hasPrefix("-") { t = t.dropFirst() }
        switch t {
        case "inf", "nan": return Double(token.replacingOccurrences(of: "inf", with: "infinity"))
        default: break
        }
        guard t.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
            t.allSatisfy({ $0.isASCII && ($0.isNumber || "._eE+-".contains($0)) }),
            t.first?.isNumber == true
        else { return nil }
        if let dot = t.firstIndex(of: ".") {
            let after = t.index(after: dot)
            guard after < t.endIndex, t[after].isNumber else { return nil }
        }
        guard let cleaned = underscoresOK(Substring(token)) else { return nil }
        return Double(cleaned)
    }
}
