import Foundation
import MarketData

/// `--start`/`--end` values: UTC `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fffffffff]][Z]` (`T` or a space),
/// or an integer of nanoseconds since the epoch.
enum ReplayTimeArgument {
    static func parse(_ text: String) -> Nanos? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if let n = Int64(s) { return n }
        var b = Array(s.utf8)
        if b.last == UInt8(ascii: "Z") { b.removeLast() }
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 10, let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        if b.count == 10 { return Time.utcNanos(year: y, month: mo, day: d) }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), let h = num(11, 2), b.count >= 16, b[13] == 0x3A,
              let mi = num(14, 2), h < 24, mi < 60 else { return nil }
        var sec = 0
        var frac: Int64 = 0
        if b.count > 16 {
            guard b[16] == 0x3A, let sv = num(17, 2), sv < 61 else { return nil }
            sec = sv
            if b.count > 19 {
                guard b[19] == UInt8(ascii: "."), b.count > 20, b.count - 20 <= 9 else { return nil }
                var digits = 0
                for i in 20..<b.count {
                    guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                    frac = frac * 10 + Int64(b[i] - 0x30)
                    digits += 1
                }
                while digits < 9 { frac *= 10; digits += 1 }
            }
        }
        return Time.utcNanos(year: y, month: mo, day: d, hour: h, minute: mi, second: sec, nanos: frac)
    }
}
