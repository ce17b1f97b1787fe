import ArgumentParser
import Foundation
import MarketData

/// A point in time on the command line (`--at`, `--since`, `--replay-from`):
/// - ISO-8601 with a zone: `2026-03-09T14:30:00Z`, `2026-03-09T10:30:00.250-04:00`;
/// - wall-clock time in US/Eastern (the exchange's time, with real DST): `2026-03-09 10:30:00`,
///   `2026-03-09T10:30:00` (no zone), `2026-03-09` (midnight), `10:30` or `10:30:00` (today);
/// - relative to now: `now`, `-5m`, `-90s`, `-1h30m`, `5m ago`, `2d ago` (units ms, s, m, h, d).
/// A malformed value is a usage error (exit 64).
struct TimeArgument: ExpressibleByArgument, Sendable, Equatable {
    var nanos: Nanos
    var text: String

    init?(argument: String) {
        guard let t = TimeArgument.parse(argument, now: TimeArgument.wallNow()) else { return nil }
        nanos = t
        text = argument
    }

    init(nanos: Nanos, text: String) { self.nanos = nanos; self.text = text }

    static var defaultCompletionKind: CompletionKind { .default }

    static func wallNow() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The UTC ns `text` names, or nil when it is not a time in one of the forms above.
    static func parse(_ raw: String, now: Nanos) -> Nanos? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return nil }
        if s.lowercased() == "now" { return now }
        if s.hasPrefix("-") { return duration(String(s.dropFirst())).map { now - $0 } }
        if s.lowercased().hasSuffix(" ago") { return duration(String(s.dropLast(4)).trimmingCharacters(in: .whitespaces)).map { now - $0 } }
        if s.count <= 12, s.contains(":"), !s.contains("-") { return timeToday(s, now: now) }
        return absolute(s)
    }

    /// `1h30m`, `90s`, `250ms`, `2d` as nanoseconds (nil for anything else, or zero parts).
    static func duration(_ s: String) -> Int64? {
        let b = Array(s.utf8)
        guard !b.isEmpty else { return nil }
        var i = 0
        var total: Int64 = 0
        while i < b.count {
            var n: Int64 = 0
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                let (m, o1) = n.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(b[i] - 48))
                if o1 || o2 { return nil }
                n = a; i += 1
            }
            guard i > start else { return nil }
            let unitStart = i
            while i < b.count, (b[i] >= 97 && b[i] <= 122) || (b[i] >= 65 && b[i] <= 90) { i += 1 }
            let unit = String(decoding: b[unitStart..<i], as: UTF8.self).lowercased()
            let scale: Int64
            switch unit {
            case "ms": scale = 1_000_000
            case "s", "sec", "secs": scale = Time.nanosPerSecond
            case "m", "min", "mins": scale = 60 * Time.nanosPerSecond
            case "h", "hr", "hrs": scale = 3600 * Time.nanosPerSecond
            case "d", "day", "days": scale = Time.nanosPerDay
            default: return nil
            }
            let (v, o) = n.multipliedReportingOverflow(by: scale)
            if o { return nil }
            total += v
        }
        return total
    }

    /// `HH:MM[:SS[.f]]` today in US/Eastern.
    static func timeToday(_ s: String, now: Nanos) -> Nanos? {
        guard let (sec, frac, rest) = clock(Array(s.utf8), at: 0), rest == s.utf8.count else { return nil }
        let l = Eastern.local(now)
        return Eastern.utcNanos(year: l.year, month: l.month, day: l.day, hour: sec / 3600, minute: sec / 60 % 60,
                                second: sec % 60, nanos: frac)
    }

    /// `YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][Z|±HH:MM|±HHMM]`.
    static func absolute(_ s: String) -> Nanos? {
        let b = Array(s.utf8)
        guard b.count >= 10, b[4] == 45, b[7] == 45, let y = num(b, 0, 4), let mo = num(b, 5, 2), let d = num(b, 8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        // Reject days a month does not have (2026-02-30).
        let days = Time.daysFromCivil(year: y, month: mo, day: d)
        let back = Time.civilFromDays(days)
        guard back.year == y, back.month == mo, back.day == d else { return nil }
        if b.count == 10 { return Eastern.utcNanos(year: y, month: mo, day: d) }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
              let (sec, frac, end) = clock(b, at: 11) else { return nil }
        let hour = sec / 3600, minute = sec / 60 % 60, second = sec % 60
        if end == b.count {
            return Eastern.utcNanos(year: y, month: mo, day: d, hour: hour, minute: minute, second: second, nanos: frac)
        }
        let utc = Time.utcNanos(year: y, month: mo, day: d, hour: hour, minute: minute, second: second, nanos: frac)
        if b[end] == UInt8(ascii: "Z") || b[end] == UInt8(ascii: "z") {
            return end + 1 == b.count ? utc : nil
        }
        guard b[end] == UInt8(ascii: "+") || b[end] == UInt8(ascii: "-") else { return nil }
        let sign: Int64 = b[end] == UInt8(ascii: "+") ? 1 : -1
        let offsetMinutes: Int
        if b.count == end + 6, b[end + 3] == 58, let h = num(b, end + 1, 2), let m = num(b, end + 4, 2), h < 24, m < 60 {
            offsetMinutes = h * 60 + m
        } else if b.count == end + 5, let h = num(b, end + 1, 2), let m = num(b, end + 3, 2), h < 24, m < 60 {
            offsetMinutes = h * 60 + m
        } else if b.count == end + 3, let h = num(b, end + 1, 2), h < 24 {
            offsetMinutes = h * 60
        } else {
            return nil
        }
        return utc - sign * Int64(offsetMinutes) * 60 * Time.nanosPerSecond
    }

    /// `HH:MM[:SS[.f{1,9}]]` at `i`: (second of day, fraction in ns, index after it).
    static func clock(_ b: [UInt8], at i: Int) -> (Int, Int64, Int)? {
        guard let h = num(b, i, 2), b.count > i + 2, b[i + 2] == 58, let m = num(b, i + 3, 2), h < 24, m < 60 else { return nil }
        var j = i + 5
        var sec = 0
        var frac: Int64 = 0
        if j < b.count, b[j] == 58 {
            guard let s = num(b, j + 1, 2), s < 60 else { return nil }
            sec = s
            j += 3
            if j < b.count, b[j] == 46 {
                j += 1
                var digits = 0
                while j < b.count, b[j] >= 48, b[j] <= 57 {
                    guard digits < 9 else { return nil }
                    frac = frac * 10 + Int64(b[j] - 48); digits += 1; j += 1
                }
                guard digits > 0 else { return nil }
                while digits < 9 { frac *= 10; digits += 1 }
            }
        }
        return (h * 3600 + m * 60 + sec, frac, j)
    }

    static func num(_ b: [UInt8], _ from: Int, _ len: Int) -> Int? {
        guard from >= 0, from + len <= b.count else { return nil }
        var v = 0
        for k in from..<(from + len) {
            let d = Int(b[k]) - 48
            guard d >= 0, d <= 9 else { return nil }
            v = v * 10 + d
        }
        return v
    }
}
