import ClickHouse
import Foundation

/// Why a `--param` could not be used. Exit 64: the command line is wrong.
enum QueryParameterError: MDTError, Equatable {
    case malformed(String)
    case missing(name: String, type: String)
    case unused(name: String)
    case badValue(name: String, type: String, value: String, reason: String)
    case unsupportedType(name: String, type: String)
    case badPlaceholder(String)

    var exitStatus: MDTExit { .usage }

    var description: String {
        switch self {
        case .malformed(let s): "--param '\(s)': expected name=value"
        case .missing(let name, let type): "no --param \(name)=... for placeholder {\(name):\(type)}"
        case .unused(let name): "--param \(name) is not used by any {\(name):Type} placeholder in the SQL"
        case .badValue(let name, let type, let value, let reason):
            "--param \(name)=\(Self.shown(value)): not a valid \(type) (\(reason))"
        case .unsupportedType(let name, let type):
            "placeholder {\(name):\(type)}: type \(type) cannot be bound on this server (supported: String, FixedString, "
                + "[U]Int8-256, Float32/64, Decimal, Date, DateTime, UUID, Identifier, Nullable/LowCardinality of those)"
        case .badPlaceholder(let s): "malformed placeholder '\(s)': expected {name:Type}"
        }
    }

    static func shown(_ v: String) -> String { v.count > 60 ? String(v.prefix(60)) + "..." : v }
}

/// A `{name:Type}` placeholder found in SQL code.
struct Placeholder: Equatable {
    var name: String
    var type: String
    /// Byte range of the whole `{...}` in the SQL's UTF-8.
    var start: Int
    var end: Int
}

/// `--param name=value` handling: on modern servers the values travel as `param_<name>` URL
/// arguments; on legacy servers (no query parameters) they are bound into the SQL text by type,
/// so a value is always one literal and can never change the statement's structure.
enum QueryParameters {
    /// Parses `name=value` flags (the first `=` splits; later ones belong to the value).
    static func parse(_ items: [String]) throws(QueryParameterError) -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else { throw .malformed(item) }
            let name = String(item[..<eq])
            guard isIdentifier(name) else { throw .malformed(item) }
            out[name] = String(item[item.index(after: eq)...])
        }
        return out
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// A value as the server expects a `param_<name>` URL argument: ClickHouse reads parameter
    /// values in TabSeparated escaping, so backslashes, tabs and newlines must be escaped or the
    /// server would unescape (or reject) them.
    static func serverEscaped(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\0" }) else { return value }
        var out = ""
        for u in value.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Every `{name:Type}` in code (not in literals or comments), in order.
    static func placeholders(in sql: String) throws(QueryParameterError) -> [Placeholder] {
        let bytes = Array(sql.utf8)
        var codeRanges: [Range<Int>] = []
        SQLScanner.regions(bytes) { region, start, end in
            if region == .code { codeRanges.append(start..<end) }
        }
        var found: [Placeholder] = []
        var resumeAt = 0
        for range in codeRanges {
            var i = max(range.lowerBound, resumeAt)
            while i < range.upperBound {
                guard bytes[i] == UInt8(ascii: "{") else { i += 1; continue }
                // The matching `}` may lie past a quoted part of the type, e.g. {t:DateTime('UTC')}.
                var j = i + 1
                while j < bytes.count, bytes[j] != UInt8(ascii: "}"), bytes[j] != UInt8(ascii: "{"), bytes[j] != UInt8(ascii: "\n") { j += 1 }
                guard j < bytes.count, bytes[j] == UInt8(ascii: "}") else { i += 1; continue }
                let inner = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                guard let colon = inner.firstIndex(of: ":") else { i = j + 1; continue }
                let name = inner[..<colon].trimmingCharacters(in: .whitespaces)
                let type = inner[inner.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard isIdentifier(name), !type.isEmpty else { throw .badPlaceholder("{" + inner + "}") }
                found.append(Placeholder(name: name, type: type, start: i, end: j + 1))
                i = j + 1
                resumeAt = i
            }
        }
        return found
    }

    /// Checks that every placeholder has a value and every value a placeholder (all statements together).
    static func check(statements: [String], values: [String: String]) throws(QueryParameterError) {
        var used = Set<String>()
        for sql in statements {
            for p in try placeholders(in: sql) {
                guard values[p.name] != nil else { throw .missing(name: p.name, type: p.type) }
                used.insert(p.name)
            }
        }
        if let unused = values.keys.sorted().first(where: { !used.contains($0) }) { throw .unused(name: unused) }
    }

    /// The SQL with every placeholder replaced by its value as a literal of the placeholder's type.
    static func bind(_ sql: String, values: [String: String]) throws(QueryParameterError) -> String {
        let list = try placeholders(in: sql)
        guard !list.isEmpty else { return sql }
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var at = 0
        for p in list {
            guard let value = values[p.name] else { throw .missing(name: p.name, type: p.type) }
            out.append(contentsOf: bytes[at..<p.start])
            out.append(contentsOf: try literal(value, type: p.type, name: p.name).utf8)
            at = p.end
        }
        out.append(contentsOf: bytes[at...])
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as SQL text of `type`. Strings are quoted with every quote and backslash escaped;
    /// numbers, dates and times are validated and never quoted loosely.
    static func literal(_ value: String, type rawType: String, name: String) throws(QueryParameterError) -> String {
        let type = rawType.trimmingCharacters(in: .whitespaces)
        func bad(_ reason: String) -> QueryParameterError { .badValue(name: name, type: type, value: value, reason: reason) }
        if let inner = unwrap(type, "Nullable") {
            if value == "\\N" || value.uppercased() == "NULL" { return "NULL" }
            return try literal(value, type: inner, name: name)
        }
        if let inner = unwrap(type, "LowCardinality") { return try literal(value, type: inner, name: name) }
        if type == "String" || unwrap(type, "FixedString") != nil { return SQLText.literal(value) }
        if type == "Identifier" {
            guard !value.isEmpty, !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else { throw bad("empty or control characters") }
            return SQLText.identifier(value)
        }
        if let (signed, bits) = integerType(type) {
            let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw bad("expected an integer") }
            if value.hasPrefix("-"), !signed { throw bad("negative value for an unsigned type") }
            if bits <= 64 {
                if signed {
                    guard let v = Int64(value) else { throw bad("out of range") }
                    let limit = bits == 64 ? Int64.max : (Int64(1) << (bits - 1)) - 1
                    guard v <= limit, v >= -limit - 1 else { throw bad("out of range") }
                } else {
                    guard let v = UInt64(value) else { throw bad("out of range") }
                    guard bits == 64 || v <= (UInt64(1) << bits) - 1 else { throw bad("out of range") }
                }
            }
            // Leading zeros would not change the value, but keep the text canonical.
            return value.hasPrefix("-") ? "-" + stripZeros(digits) : stripZeros(digits)
        }
        if type == "Float32" || type == "Float64" {
            let lower = value.lowercased()
            if ["nan", "inf", "+inf", "-inf"].contains(lower) {
                return lower == "nan" ? "nan" : (lower == "-inf" ? "-inf" : "inf")
            }
            guard isDecimalNumber(value, allowExponent: true), Double(value) != nil else { throw bad("expected a number") }
            return value
        }
        if type.hasPrefix("Decimal") {
            guard isDecimalNumber(value, allowExponent: false) else { throw bad("expected a decimal number") }
            return "CAST(\(SQLText.literal(value)) AS \(type))"
        }
        if type == "Date" {
            guard parseDate(value) != nil else { throw bad("expected YYYY-MM-DD") }
            return "toDate(\(SQLText.literal(value)))"
        }
        if type == "DateTime" || type.hasPrefix("DateTime(") {
            guard let text = normalizeDateTime(value) else { throw bad("expected YYYY-MM-DD HH:MM:SS or Unix seconds") }
            if let tz = unwrap(type, "DateTime") { return "toDateTime(\(text), \(tz))" }
            return "toDateTime(\(text))"
        }
        if type == "UUID" {
            let hex = value.filter { $0 != "-" }
            guard value.count == 36, hex.count == 32, hex.allSatisfy(\.isHexDigit) else { throw bad("expected a UUID") }
            return "toUUID(\(SQLText.literal(value)))"
        }
        throw .unsupportedType(name: name, type: type)
    }

    /// `Name(inner)` -> inner, else nil.
    static func unwrap(_ type: String, _ name: String) -> String? {
        guard type.hasPrefix(name + "("), type.hasSuffix(")") else { return nil }
        return String(type.dropFirst(name.count + 1).dropLast()).trimmingCharacters(in: .whitespaces)
    }

    static func integerType(_ type: String) -> (signed: Bool, bits: Int)? {
        let signed = type.hasPrefix("Int")
        guard signed || type.hasPrefix("UInt") else { return nil }
        guard let bits = Int(type.dropFirst(signed ? 3 : 4)), [8, 16, 32, 64, 128, 256].contains(bits) else { return nil }
        return (signed, bits)
    }

    static func stripZeros(_ digits: Substring) -> String {
        let s = digits.drop { $0 == "0" }
        return s.isEmpty ? "0" : String(s)
    }

    /// `-?digits[.digits][e[+-]digits]`: nothing else (no spaces, no operators, no quotes).
    static func isDecimalNumber(_ s: String, allowExponent: Bool) -> Bool {
        var chars = Substring(s)
        if chars.first == "-" || chars.first == "+" { chars = chars.dropFirst() }
        let intPart = chars.prefix { $0.isASCII && $0.isNumber }
        chars = chars.dropFirst(intPart.count)
        var fracDigits = 0
        if chars.first == "." {
            chars = chars.dropFirst()
            let frac = chars.prefix { $0.isASCII && $0.isNumber }
            fracDigits = frac.count
            chars = chars.dropFirst(frac.count)
        }
        guard intPart.count + fracDigits > 0 else { return false }
        if allowExponent, chars.first == "e" || chars.first == "E" {
            chars = chars.dropFirst()
            if chars.first == "-" || chars.first == "+" { chars = chars.dropFirst() }
            let exp = chars.prefix { $0.isASCII && $0.isNumber }
            guard !exp.isEmpty else { return false }
            chars = chars.dropFirst(exp.count)
        }
        return chars.isEmpty
    }

    /// `YYYY-MM-DD` with a real calendar day.
    static func parseDate(_ s: String) -> (Int, Int, Int)? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
        else { return nil }
        let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1] ? (y, m, d) : nil
    }

    /// A DateTime value as a SQL literal: `'YYYY-MM-DD HH:MM:SS'` (a `T` and a trailing `Z` are accepted)
    /// or Unix seconds as a bare integer.
    static func normalizeDateTime(_ s: String) -> String? {
        if !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), s.count <= 10 { return s }
        var t = s
        if t.hasSuffix("Z") { t.removeLast() }
        guard t.count == 19 else { return nil }
        let date = String(t.prefix(10)), sep = t[t.index(t.startIndex, offsetBy: 10)], time = t.suffix(8)
        guard parseDate(date) != nil, sep == " " || sep == "T" else { return nil }
        let hms = time.split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, hms.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(hms[0]), let m = Int(hms[1]), let sec = Int(hms[2]), h < 24, m < 60, sec < 60
        else { return nil }
        return SQLText.literal(date + " " + time)
    }
}
