import Foundation

/// Lexical scanning of SQL text that knows where string literals, quoted identifiers and comments
/// are, so `;` separators and `{name:Type}` placeholders are only found in code.
enum SQLScanner {
    /// What a byte range of the SQL is.
    enum Region: Equatable {
        case code, stringLiteral, quotedIdentifier, comment
    }

    /// Calls `body` for each maximal region, in order, with its byte offsets `[start, end)`.
    static func regions(_ sql: [UInt8], _ body: (Region, Int, Int) -> Void) {
        var i = 0
        var codeStart = 0
        let n = sql.count
        func flushCode(_ end: Int) { if end > codeStart { body(.code, codeStart, end) } }
        while i < n {
            let c = sql[i]
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") {
                flushCode(i)
                let start = i
                i += 1
                while i < n {
                    if sql[i] == UInt8(ascii: "\\") { i += 2; continue }
                    if sql[i] == c {
                        // A doubled quote is an escaped quote inside the literal.
                        if i + 1 < n, sql[i + 1] == c { i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
                i = min(i, n)
                body(c == UInt8(ascii: "'") ? .stringLiteral : .quotedIdentifier, start, i)
                codeStart = i
            } else if c == UInt8(ascii: "-"), i + 1 < n, sql[i + 1] == UInt8(ascii: "-") {
                flushCode(i)
                let start = i
                while i < n, sql[i] != UInt8(ascii: "\n") { i += 1 }
                body(.comment, start, i)
                codeStart = i
            } else if c == UInt8(ascii: "/"), i + 1 < n, sql[i + 1] == UInt8(ascii: "*") {
                flushCode(i)
                let start = i
                i += 2
                while i < n, !(sql[i] == UInt8(ascii: "*") && i + 1 < n && sql[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i = min(i + 2, n)
                body(.comment, start, i)
                codeStart = i
            } else {
                i += 1
            }
        }
        flushCode(n)
    }

    /// Splits a script on `;` outside literals and comments; statements that are empty or only
    /// comments are dropped. Each statement is trimmed.
    static func splitStatements(_ sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var cuts: [Int] = []
        regions(bytes) { region, start, end in
            guard region == .code else { return }
            for i in start..<end where bytes[i] == UInt8(ascii: ";") { cuts.append(i) }
        }
        var out: [String] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            let piece = String(decoding: bytes[start..<cut], as: UTF8.self)
            start = min(cut + 1, bytes.count)
            if hasCode(piece) { out.append(piece.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return out
    }

    /// Whether the text contains anything besides whitespace and comments.
    static func hasCode(_ sql: String) -> Bool {
        var found = false
        let bytes = Array(sql.utf8)
        regions(bytes) { region, start, end in
            if region != .comment, bytes[start..<end].contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) {
                found = true
            }
        }
        return found
    }

    /// The statement's code with comments removed (for keyword checks).
    static func codeOnly(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        regions(bytes) { region, start, end in
            if region == .comment { out.append(0x20) } else { out.append(contentsOf: bytes[start..<end]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a statement returns rows (so mdt asks for a format), judged by its first keyword.
    static func returnsRows(_ sql: String) -> Bool {
        let code = codeOnly(sql).drop { $0.isWhitespace || $0 == "(" }
        let word = code.prefix { $0.isLetter }.uppercased()
        return ["SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN"].contains(word)
    }

    /// The format named by a trailing `FORMAT Name` clause the user wrote, if any.
    static func trailingFormat(_ sql: String) -> String? {
        let code = codeOnly(sql)
        var words = code.split(whereSeparator: { $0.isWhitespace || $0 == ";" })
        guard words.count >= 2, let last = words.popLast(), let kw = words.last, kw.uppercased() == "FORMAT",
              last.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else { return nil }
        return String(last)
    }
}
