/// Quoting for SQL text and URL query arguments.
public enum SQLText {
    /// A ClickHouse string literal: `'it\'s'` (backslash and quote escaped).
    public static func literal(_ s: String) -> String {
        var out = "'"
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "'"
    }

    /// A quoted identifier: `` `name` `` (backquote and backslash escaped).
    public static func identifier(_ s: String) -> String {
        var out = "`"
        for ch in s.unicodeScalars {
            if ch == "`" || ch == "\\" { out += "\\" }
            out.unicodeScalars.append(ch)
        }
        return out + "`"
    }

    /// Percent-encodes `s` for a URL query component (unreserved characters kept).
    public static func percentEncode(_ s: String) -> String {
        let hex: [Character] = Array("0123456789ABCDEF")
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out.append("%")
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return out
    }
}
