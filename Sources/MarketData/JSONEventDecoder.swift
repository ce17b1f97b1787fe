/// Why a JSON event line could not be decoded; one line naming the field or byte offset.
public enum JSONDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a JSON object of the expected shape.
    case malformed(offset: Int, reason: String)
    case missingField(String)
    case badField(field: String, reason: String)
    case unknownType(String)

    public var description: String {
        switch self {
        case .malformed(let o, let r): "malformed JSON event at byte \(o + 1): \(r)"
        case .missingField(let f): "JSON event lacks the field \"\(f)\""
        case .badField(let f, let r): "JSON event field \"\(f)\": \(r)"
        case .unknownType(let t): "JSON event has unknown type \"\(t)\" (expected trade, quote, book or bar)"
        }
    }
}

/// Reads the NDJSON written by `JSONEventEncoder` back into the same event values, exactly.
/// Unknown fields are skipped; `ts_ns`/`receive_ts_ns` win over the ISO `ts`/`receive_ts` texts,
/// which are used when the integer forms are absent. Prices may be JSON numbers or strings.
/// Keep one decoder per thread and reuse it: its scratch space is allocated once.
public struct JSONEventDecoder: Sendable {
    enum Field: Int, CaseIterable {
        case type, symbol, ts, tsNs, receiveTs, receiveTsNs, seq, price, size, totalVolume, bid, ask, tickID, basis
        case marketCenter, conditions, aggressor, bidSize, askSize, last, action, side, orderID, mmid, orderCount
        case priority, intervalS, open, high, low, close, periodVolume, trades, openInterest

        var name: String {
            switch self {
            case .type: "type"
            case .symbol: "symbol"
            case .ts: "ts"
            case .tsNs: "ts_ns"
            case .receiveTs: "receive_ts"
            case .receiveTsNs: "receive_ts_ns"
            case .seq: "seq"
            case .price: "price"
            case .size: "size"
            case .totalVolume: "total_volume"
            case .bid: "bid"
            case .ask: "ask"
            case .tickID: "tick_id"
            case .basis: "basis"
            case .marketCenter: "market_center"
            case .conditions: "conditions"
            case .aggressor: "aggressor"
            case .bidSize: "bid_size"
            case .askSize: "ask_size"
            case .last: "last"
            case .action: "action"
            case .side: "side"
            case .orderID: "order_id"
            case .mmid: "mmid"
            case .orderCount: "order_count"
            case .priority: "priority"
            case .intervalS: "interval_s"
            case .open: "open"
            case .high: "high"
            case .low: "low"
            case .close: "close"
            case .periodVolume: "period_volume"
            case .trades: "trades"
            case .openInterest: "open_interest"
            }
        }
    }

    static let names: [[UInt8]] = Field.allCases.map { Array($0.name.utf8) }

    /// Per field: value start/end offsets, and kind (0 absent, 1 string, 2 string with escapes, 3 other).
    var starts: [Int]
    var ends: [Int]
    var kinds: [UInt8]
    var scratch: [UInt8] = []

    public init() {
        starts = Array(repeating: 0, count: Field.allCases.count)
        ends = starts
        kinds = Array(repeating: 0, count: Field.allCases.count)
        scratch.reserveCapacity(128)
    }

    public mutating func decode(_ bytes: [UInt8]) throws(JSONDecodeError) -> MarketEvent {
        let r: Result<MarketEvent, JSONDecodeError> = bytes.withUnsafeBytes { buf in
            do throws(JSONDecodeError) { return .success(try decode(buf)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    public mutating func decode(line: String) throws(JSONDecodeError) -> MarketEvent {
        try decode(Array(line.utf8))
    }

    /// Decodes one JSON object (surrounding whitespace and a trailing newline allowed).
    public mutating func decode(_ buf: UnsafeRawBufferPointer) throws(JSONDecodeError) -> MarketEvent {
        try scan(buf)
        guard kinds[Field.type.rawValue] != 0 else { throw .missingField("type") }
        // 0 trade, 1 quote, 2 book, 3 bar
        let type: Int = try withText(.type, buf) { (t) throws(JSONDecodeError) -> Int in
            if JSONEventDecoder.equal(t, "trade") { return 0 }
            if JSONEventDecoder.equal(t, "quote") { return 1 }
            if JSONEventDecoder.equal(t, "book") { return 2 }
            if JSONEventDecoder.equal(t, "bar") { return 3 }
            throw .unknownType(String(decoding: t, as: UTF8.self))
        }
        let symbol = try symbolValue(buf)
        let ts = try time(.tsNs, .ts, buf, required: true)
        let recv = try time(.receiveTsNs, .receiveTs, buf, required: false)
        if type == 0 {
            return .trade(Trade(symbol: symbol, eventTime: ts, receiveTime: recv,
                                price: try price(.price, buf, required: true), size: try u32(.size, buf),
                                totalVolume: try u64(.totalVolume, buf), bid: try price(.bid, buf), ask: try price(.ask, buf),
                                tickID: try u64(.tickID, buf), basis: try basis(buf),
                                marketCenter: UInt16(try uint(.marketCenter, buf, max: UInt64(UInt16.max))),
                                conditions: try u32(.conditions, buf),
                                aggressor: UInt8(try uint(.aggressor, buf, max: UInt64(UInt8.max))), seq: try u64(.seq, buf)))
        }
        if type == 1 {
            return .quote(Quote(symbol: symbol, eventTime: ts, receiveTime: recv,
                                bid: try price(.bid, buf), bidSize: try u32(.bidSize, buf),
                                ask: try price(.ask, buf), askSize: try u32(.askSize, buf),
                                last: try price(.last, buf), totalVolume: try u64(.totalVolume, buf), seq: try u64(.seq, buf)))
        }
        if type == 2 {
            return .book(BookUpdate(symbol: symbol, eventTime: ts, receiveTime: recv, action: try action(buf), side: try side(buf),
                                    price: try price(.price, buf), size: try u32(.size, buf), orderID: try u64(.orderID, buf),
                                    mmid: try mmid(buf), orderCount: try u32(.orderCount, buf),
                                    priority: try u64(.priority, buf), seq: try u64(.seq, buf)))
        }
        if type == 3 {
            guard kinds[Field.intervalS.rawValue] != 0 else { throw .missingField("interval_s") }
            let iv = try int(.intervalS, buf)
            guard let i32 = Int32(exactly: iv), let kind = BarKind(storedInterval: i32) else {
                throw .badField(field: "interval_s", reason: "\(iv) is not a bar interval (seconds > 0, or -1/-7/-30)")
            }
            return .bar(Bar(symbol: symbol, time: ts, kind: kind,
                            open: try price(.open, buf, required: true), high: try price(.high, buf, required: true),
                            low: try price(.low, buf, required: true), close: try price(.close, buf, required: true),
                            periodVolume: try u64(.periodVolume, buf), totalVolume: try u64(.totalVolume, buf),
                            trades: try u32(.trades, buf), openInterest: try u64(.openInterest, buf), receiveTime: recv))
        }
        throw .unknownType("?")
    }

    // MARK: scanning

    mutating func scan(_ b: UnsafeRawBufferPointer) throws(JSONDecodeError) {
        for i in 0..<kinds.count { kinds[i] = 0 }
        let n = b.count
        var i = 0
        func ws() { while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        ws()
        guard i < n, b[i] == UInt8(ascii: "{") else { throw .malformed(offset: i, reason: "expected '{'") }
        i += 1
        ws()
        var hint = 0
        if i < n, b[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                ws()
                guard i < n, b[i] == UInt8(ascii: "\"") else { throw .malformed(offset: i, reason: "expected a field name") }
                let (ks, ke, _) = try stringEnd(b, i)
                i = ke + 1
                ws()
                guard i < n, b[i] == UInt8(ascii: ":") else { throw .malformed(offset: i, reason: "expected ':'") }
                i += 1
                ws()
                guard i < n else { throw .malformed(offset: i, reason: "missing value") }
                let vs: Int, ve: Int, kind: UInt8
                switch b[i] {
                case UInt8(ascii: "\""):
                    let (s, e, esc) = try stringEnd(b, i)
                    vs = s; ve = e; kind = esc ? 2 : 1; i = e + 1
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    vs = i; i = try skipNested(b, i); ve = i; kind = 3
                default:
                    vs = i
                    while i < n, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: "}"), b[i] > 0x20 { i += 1 }
                    ve = i; kind = 3
                    if ve == vs { throw .malformed(offset: i, reason: "missing value") }
                }
                if let f = field(b, ks, ke, hint: hint) {
                    starts[f] = vs; ends[f] = ve; kinds[f] = kind
                    hint = f + 1
                }
                ws()
                guard i < n else { throw .malformed(offset: i, reason: "unterminated object") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; break }
                throw .malformed(offset: i, reason: "expected ',' or '}'")
            }
        }
        ws()
        if i != n { throw .malformed(offset: i, reason: "text after the object") }
    }

    /// For a string starting at `start` (the quote): content start, closing quote index, has escapes.
    func stringEnd(_ b: UnsafeRawBufferPointer, _ start: Int) throws(JSONDecodeError) -> (Int, Int, Bool) {
        var i = start + 1
        var esc = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { return (start + 1, i, esc) }
            if c == UInt8(ascii: "\\") { esc = true; i += 2; continue }
            if c < 0x20 { throw .malformed(offset: i, reason: "control character in a string") }
            i += 1
        }
        throw .malformed(offset: start, reason: "unterminated string")
    }

    func skipNested(_ b: UnsafeRawBufferPointer, _ start: Int) throws(JSONDecodeError) -> Int {
        var depth = 0
        var i = start
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i = try stringEnd(b, i).1 + 1; continue }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1; if depth == 0 { return i + 1 } }
            i += 1
        }
        throw .malformed(offset: start, reason: "unterminated nested value")
    }

    func field(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, hint: Int) -> Int? {
        let names = JSONEventDecoder.names
        if hint < names.count && matches(b, s, e, names[hint]) { return hint }
        for (k, name) in names.enumerated() where matches(b, s, e, name) { return k }
        return nil
    }

    @inline(__always)
    func matches(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ name: [UInt8]) -> Bool {
        if e - s != name.count { return false }
        var j = 0
        while j < name.count { if b[s + j] != name[j] { return false }; j += 1 }
        return true
    }

    // MARK: values

    static func equal(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        if bytes.count != text.utf8CodeUnitCount { return false }
        for j in 0..<bytes.count where bytes[j] != text.utf8Start[j] { return false }
        return true
    }

    /// Runs `body` on a field's text (string content unescaped into scratch when needed).
    mutating func withText<R>(_ f: Field, _ b: UnsafeRawBufferPointer,
                              _ body: (UnsafeRawBufferPointer) throws(JSONDecodeError) -> R) throws(JSONDecodeError) -> R {
        let k = f.rawValue
        let slice = UnsafeRawBufferPointer(rebasing: b[starts[k]..<ends[k]])
        if kinds[k] != 2 { return try body(slice) }
        try unescape(slice, f)
        let r: Result<R, JSONDecodeError> = scratch.withUnsafeBytes { p in
            do throws(JSONDecodeError) { return .success(try body(p)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    mutating func unescape(_ s: UnsafeRawBufferPointer, _ f: Field) throws(JSONDecodeError) {
        scratch.removeAll(keepingCapacity: true)
        var i = 0
        while i < s.count {
            let c = s[i]
            if c != UInt8(ascii: "\\") { scratch.append(c); i += 1; continue }
            guard i + 1 < s.count else { throw .badField(field: f.name, reason: "bad escape") }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                guard i + 4 <= s.count else { throw .badField(field: f.name, reason: "bad \\u escape") }
                var v: UInt32 = 0
                for j in 0..<4 {
                    let h = s[i + j]
                    let d: UInt8
                    switch h {
                    case 48...57: d = h - 48
                    case 65...70: d = h - 55
                    case 97...102: d = h - 87
                    default: throw .badField(field: f.name, reason: "bad \\u escape")
                    }
                    v = v << 4 | UInt32(d)
                }
                i += 4
                guard let scalar = Unicode.Scalar(v) else { throw .badField(field: f.name, reason: "\\u escape is not a character") }
                scratch.append(contentsOf: String(Character(scalar)).utf8)
            default:
                throw .badField(field: f.name, reason: "bad escape")
            }
        }
    }

    mutating func symbolValue(_ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> Symbol {
        guard kinds[Field.symbol.rawValue] != 0 else { throw .missingField("symbol") }
        return try withText(.symbol, b) { (bytes) throws(JSONDecodeError) -> Symbol in
            do throws(SymbolError) { return try Symbol(bytes: bytes) } catch {
                throw .badField(field: "symbol", reason: error.description)
            }
        }
    }

    func digits(_ f: Field, _ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: b[starts[f.rawValue]..<ends[f.rawValue]])
    }

    /// An unsigned integer field (0 when absent).
    func uint(_ f: Field, _ b: UnsafeRawBufferPointer, max: UInt64 = UInt64.max) throws(JSONDecodeError) -> UInt64 {
        if kinds[f.rawValue] == 0 { return 0 }
        let d = digits(f, b)
        if d.isEmpty { throw .badField(field: f.name, reason: "empty number") }
        var v: UInt64 = 0
        for c in d {
            let x = c &- 48
            guard x <= 9 else { throw .badField(field: f.name, reason: "not an unsigned integer") }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(x))
            if o1 || o2 { throw .badField(field: f.name, reason: "number out of range") }
            v = s
        }
        if v > max { throw .badField(field: f.name, reason: "\(v) is out of range (at most \(max))") }
        return v
    }

    func u64(_ f: Field, _ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> UInt64 { try uint(f, b) }
    func u32(_ f: Field, _ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> UInt32 { UInt32(try uint(f, b, max: UInt64(UInt32.max))) }

    /// A signed integer field (0 when absent).
    func int(_ f: Field, _ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> Int64 {
        if kinds[f.rawValue] == 0 { return 0 }
        let d = digits(f, b)
        guard let first = d.first else { throw .badField(field: f.name, reason: "empty number") }
        if first == UInt8(ascii: "-") {
            let m = try magnitude(UnsafeRawBufferPointer(rebasing: d[1...]), f)
            if m > UInt64(Int64.max) + 1 { throw .badField(field: f.name, reason: "number out of range") }
            return m == UInt64(Int64.max) + 1 ? Int64.min : -Int64(m)
        }
        let m = try magnitude(d, f)
        if m > UInt64(Int64.max) { throw .badField(field: f.name, reason: "number out of range") }
        return Int64(m)
    }

    func magnitude(_ d: UnsafeRawBufferPointer, _ f: Field) throws(JSONDecodeError) -> UInt64 {
        if d.isEmpty { throw .badField(field: f.name, reason: "empty number") }
        var v: UInt64 = 0
        for c in d {
            let x = c &- 48
            guard x <= 9 else { throw .badField(field: f.name, reason: "not an integer") }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(x))
            if o1 || o2 { throw .badField(field: f.name, reason: "number out of range") }
            v = s
        }
        return v
    }

    func price(_ f: Field, _ b: UnsafeRawBufferPointer, required: Bool = false) throws(JSONDecodeError) -> Price {
        if kinds[f.rawValue] == 0 {
            if required { throw .missingField(f.name) }
            return .zero
        }
        let parsed: Price?
        do throws(PriceError) { parsed = try Price.parse(digits(f, b)) } catch {
            throw .badField(field: f.name, reason: error.description)
        }
        guard let p = parsed else { throw .badField(field: f.name, reason: "empty price") }
        return p
    }

    /// `ts_ns` (integer) if present, else the ISO text `ts`.
    func time(_ nsField: Field, _ isoField: Field, _ b: UnsafeRawBufferPointer, required: Bool) throws(JSONDecodeError) -> Nanos {
        if kinds[nsField.rawValue] != 0 { return try int(nsField, b) }
        if kinds[isoField.rawValue] != 0 {
            guard let t = JSONEventDecoder.parseISO8601(digits(isoField, b)) else {
                throw .badField(field: isoField.name, reason: "not a time like 2026-03-09T13:30:00.123456789Z")
            }
            return t
        }
        if required { throw .missingField(nsField.name) }
        return 0
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z]` as UTC nanoseconds.
    public static func parseISO8601(_ s: UnsafeRawBufferPointer) -> Nanos? {
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= s.count else { return nil }
            var v = 0
            for j in from..<(from + len) { let d = s[j] &- 48; if d > 9 { return nil }; v = v * 10 + Int(d) }
            return v
        }
        guard s.count >= 19, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
              s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: " "), s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let sec = num(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        var i = 19
        var frac: Int64 = 0
        if i < s.count && s[i] == UInt8(ascii: ".") {
            i += 1
            var n = 0
            while i < s.count, s[i] &- 48 <= 9 {
                if n == 9 { return nil }
                frac = frac * 10 + Int64(s[i] - 48); n += 1; i += 1
            }
            if n == 0 { return nil }
            while n < 9 { frac *= 10; n += 1 }
        }
        if i < s.count && s[i] == UInt8(ascii: "Z") { i += 1 }
        if i != s.count { return nil }
        return Time.utcNanos(year: y, month: mo, day: d, hour: h, minute: mi, second: sec, nanos: frac)
    }

    mutating func basis(_ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> UInt8 {
        if kinds[Field.basis.rawValue] == 0 { return UInt8(ascii: "C") }
        return try withText(.basis, b) { (t) throws(JSONDecodeError) -> UInt8 in
            guard t.count == 1 else { throw .badField(field: "basis", reason: "expected one letter (C, E, O or ?)") }
            return t[0]
        }
    }

    mutating func action(_ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> BookAction {
        guard kinds[Field.action.rawValue] != 0 else { throw .missingField("action") }
        return try withText(.action, b) { (t) throws(JSONDecodeError) -> BookAction in
            for raw in UInt8(1)...8 {
                if let a = BookAction(rawValue: raw), JSONEventDecoder.equal(t, JSONEventEncoder.actionName(a)) { return a }
            }
            throw .badField(field: "action", reason: "unknown action \"\(String(decoding: t, as: UTF8.self))\"")
        }
    }

    mutating func side(_ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> Side {
        guard kinds[Field.side.rawValue] != 0 else { throw .missingField("side") }
        return try withText(.side, b) { (t) throws(JSONDecodeError) -> Side in
            if JSONEventDecoder.equal(t, "bid") { return .bid }
            if JSONEventDecoder.equal(t, "ask") { return .ask }
            throw .badField(field: "side", reason: "expected \"bid\" or \"ask\"")
        }
    }

    mutating func mmid(_ b: UnsafeRawBufferPointer) throws(JSONDecodeError) -> UInt32 {
        if kinds[Field.mmid.rawValue] == 0 { return 0 }
        return try withText(.mmid, b) { (t) throws(JSONDecodeError) -> UInt32 in
            guard t.count <= 4 else { throw .badField(field: "mmid", reason: "longer than 4 bytes") }
            var v: UInt32 = 0
            for c in t { v = v << 8 | UInt32(c) }
            return v
        }
    }
}
