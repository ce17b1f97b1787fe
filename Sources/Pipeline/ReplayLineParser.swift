import IQFeed
import MarketData

/// What one input line of a replay file was.
public enum ReplayLineKind: Sendable, Equatable {
    /// A market-data line: its events were appended (a `Q` line may give a trade and a quote).
    case market
    /// A valid line that carries no market event (system, fundamental, news, admin stats, `T`
    /// timestamps, lookup end markers, symbol/chain rows...): counted, not printed as an event.
    case other
}

/// Parses any line mdt may find in a recorded file: IQFeed lines of every port, or mdt's own
/// NDJSON events. Which parser applies is decided per line from its first two fields:
///
/// | line starts with                                   | parsed as                         |
/// |----------------------------------------------------|-----------------------------------|
/// | `{`                                                | mdt NDJSON event (JSONEventDecoder) |
/// | a date `YYYY-MM-DD` or `LH`                        | lookup history row (no request id) |
/// | `ID,LH,...` or `ID,YYYY-MM-DD...`                  | lookup history row with request id |
/// | `LS`/`LC`/`LM` (or `ID,` then one), `!ENDMSG!`, `ID,!ENDMSG!`, `ID,E,...`, `E,!NO_DATA!` | lookup control/other rows: skipped |
/// | `BH`/`BU`/`BC` (or `ID,` then one)                 | derivative (9400) bar              |
/// | `0`, `2`-`9`, `Z`, `U`, `M`, `q`, `O` (one char)   | Level 2 (9200); legacy `Z`/`2`/`U` depth carries no event |
/// | `S,CLEAR DEPTH`                                    | Level 2 clear (a `.clear` BookUpdate) |
/// | `S,STATS`, `S,CLIENTSTATS`                         | admin (9300)                       |
/// | anything else (`Q`, `P`, `F`, `T`, `S`, `n`, `E`, `R`, `N`, `C`...) | Level 1 (5009)  |
///
/// Lookup rows carry no symbol: they get `lookupSymbol`. Their kind is taken from the number of
/// fields after the request id and tag: 9 or more ticks (HTX), 8 interval bars (HIX, labelled
/// `.seconds(0)`), 7 or fewer daily bars (HDX).
/// `P` summaries give their quote only (their trade repeats the last one), as `mdt collect` does.
public struct ReplayLineParser: Sendable {
    var l1: Level1Parser
    var l2 = Level2Parser()
    var admin = AdminParser()
    var derivative = DerivativeParser()
    var json = JSONEventDecoder()
    var ticks: LookupReplyParser
    var intervals: LookupReplyParser
    var daily: LookupReplyParser

    /// `now` seeds the Eastern date of L1 times until the first `T` line; `lookupSymbol` labels lookup rows.
    public init(now: Nanos = 0, lookupSymbol: Symbol = Symbol(unchecked: "LOOKUP")) {
        l1 = Level1Parser(now: now)
        ticks = LookupReplyParser(kind: .ticks, symbol: lookupSymbol)
        intervals = LookupReplyParser(kind: .intervals(.seconds(0)), symbol: lookupSymbol)
        daily = LookupReplyParser(kind: .calendar(.daily), symbol: lookupSymbol)
    }

    /// The error of a line that did not parse (IQFeed or JSON), as one line of text.
    public struct LineError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    enum Route { case json, lookup(fields: Int), lookupOther, derivative, level2, admin, level1 }

    /// Parses one line (no terminator, not empty), appending its events to `events`.
    public mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos, into events: inout [MarketEvent]) throws(LineError) -> ReplayLineKind {
        switch Self.route(line) {
        case .json:
            do {
                events.append(try json.decode(line))
                return .market
            } catch { throw LineError(description: "NDJSON event: \(error)") }
        case .lookupOther:
            return .other
        case .lookup(let n):
            let r: Result<LookupLine, IQFeedParseError>
            if n >= 9 { r = Result { () throws(IQFeedParseError) in try ticks.parse(line, receiveTime: receiveTime) } }
            else if n == 8 { r = Result { () throws(IQFeedParseError) in try intervals.parse(line, receiveTime: receiveTime) } }
            else { r = Result { () throws(IQFeedParseError) in try daily.parse(line, receiveTime: receiveTime) } }
            switch r {
            case .failure(let e): throw LineError(description: e.description)
            case .success(.tick(var t)):
                if t.receiveTime == 0 { t.receiveTime = receiveTime }
                events.append(.trade(t)); return .market
            case .success(.bar(var b)):
                if b.receiveTime == 0 { b.receiveTime = receiveTime }
                events.append(.bar(b)); return .market
            case .success: return .other
            }
        case .derivative:
            do {
                if case .bar(_, _, var b) = try derivative.parse(line, receiveTime: receiveTime) {
                    if b.receiveTime == 0 { b.receiveTime = receiveTime }
                    events.append(.bar(b)); return .market
                }
                return .other
            } catch { throw LineError(description: error.description) }
        case .level2:
            do {
                switch try l2.parse(line, receiveTime: receiveTime) {
                case .book(let b): events.append(.book(b)); return .market
                case .system(.clearDepth(let sym, let side)):
                    events.append(.book(BookUpdate(symbol: sym, eventTime: receiveTime, receiveTime: receiveTime, action: .clear, side: side)))
                    return .market
                default: return .other
                }
            } catch { throw LineError(description: error.description) }
        case .admin:
            do { _ = try admin.parse(line, receiveTime: receiveTime); return .other } catch { throw LineError(description: error.description) }
        case .level1:
            do {
                if case .update(let u) = try l1.parse(line, receiveTime: receiveTime) {
                    var any = false
                    if let t = u.trade, !u.isSummary { events.append(.trade(t)); any = true }
                    if let q = u.quote { events.append(.quote(q)); any = true }
                    return any ? .market : .other
                }
                return .other
            } catch { throw LineError(description: error.description) }
        }
    }

    // MARK: routing

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// `YYYY-MM-DD` at the start of a field.
    static func startsWithDate(_ f: UnsafeRawBufferPointer) -> Bool {
        f.count >= 10 && isDigit(f[0]) && isDigit(f[1]) && isDigit(f[2]) && isDigit(f[3]) && f[4] == 0x2D
            && isDigit(f[5]) && isDigit(f[6]) && f[7] == 0x2D && isDigit(f[8]) && isDigit(f[9])
    }

    static func equals(_ f: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        guard f.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<f.count where f[i] != p[i] { return false }
        return true
    }

    static func isTag(_ f: UnsafeRawBufferPointer) -> Bool {
        f.count == 2 && f[0] == UInt8(ascii: "L")
            && (f[1] == UInt8(ascii: "H") || f[1] == UInt8(ascii: "S") || f[1] == UInt8(ascii: "C") || f[1] == UInt8(ascii: "M"))
    }

    static func isBarType(_ f: UnsafeRawBufferPointer) -> Bool {
        f.count == 2 && f[0] == UInt8(ascii: "B") && (f[1] == UInt8(ascii: "H") || f[1] == UInt8(ascii: "U") || f[1] == UInt8(ascii: "C"))
    }

    /// Number of comma-separated fields, not counting one trailing empty field.
    static func fieldCount(_ line: UnsafeRawBufferPointer) -> Int {
        var n = 1
        for b in line where b == 0x2C { n += 1 }
        if line.last == 0x2C { n -= 1 }
        return n
    }

    static func route(_ line: UnsafeRawBufferPointer) -> Route {
        let first = line[0]
        if first == UInt8(ascii: "{") { return .json }
        // The first two fields.
        let comma0 = line.firstIndex(of: 0x2C) ?? line.count
        let f0 = UnsafeRawBufferPointer(rebasing: line[0..<comma0])
        var f1 = UnsafeRawBufferPointer(start: nil, count: 0)
        if comma0 < line.count {
            let rest = UnsafeRawBufferPointer(rebasing: line[(comma0 + 1)...])
            let c1 = rest.firstIndex(of: 0x2C) ?? rest.count
            f1 = UnsafeRawBufferPointer(rebasing: rest[0..<c1])
        }
        if startsWithDate(f0) { return .lookup(fields: fieldCount(line)) }
        if equals(f0, "LH") { return .lookup(fields: fieldCount(line) - 1) }
        if isTag(f0) || equals(f0, "!ENDMSG!") { return .lookupOther }
        if isBarType(f0) || isBarType(f1) { return .derivative }
        if equals(f1, "LH") { return .lookup(fields: fieldCount(line) - 2) }
        if startsWithDate(f1) { return .lookup(fields: fieldCount(line) - 1) }
        if isTag(f1) || equals(f1, "!ENDMSG!") || equals(f1, "!NO_DATA!") { return .lookupOther }
        // `ID,E,<text>`: a lookup error for a request id (streaming `E` lines have a 1-char type).
        if f0.count > 1 && equals(f1, "E") { return .lookupOther }
        if f0.count == 1 {
            switch f0[0] {
            case UInt8(ascii: "0"), UInt8(ascii: "2")...UInt8(ascii: "9"),
                 UInt8(ascii: "Z"), UInt8(ascii: "U"), UInt8(ascii: "M"), UInt8(ascii: "q"), UInt8(ascii: "O"):
                return .level2
            case UInt8(ascii: "S"):
                if equals(f1, "CLEAR DEPTH") { return .level2 }
                if equals(f1, "STATS") || equals(f1, "CLIENTSTATS") { return .admin }
            default: break
            }
        }
        return .level1
    }
}

extension MarketEvent {
    /// The event time (a bar's start time).
    @inlinable public var eventTime: Nanos {
        switch self {
        case .trade(let t): t.eventTime
        case .quote(let q): q.eventTime
        case .book(let b): b.eventTime
        case .bar(let b): b.time
        }
    }

    /// The sequence number (0 for bars, which have none).
    @inlinable public var seq: UInt64 {
        switch self {
        case .trade(let t): t.seq
        case .quote(let q): q.seq
        case .book(let b): b.seq
        case .bar: 0
        }
    }

    /// Sets the sequence number (no effect on bars).
    @inlinable public mutating func setSeq(_ s: UInt64) {
        switch self {
        case .trade(var t): t.seq = s; self = .trade(t)
        case .quote(var q): q.seq = s; self = .quote(q)
        case .book(var b): b.seq = s; self = .book(b)
        case .bar: break
        }
    }
}
