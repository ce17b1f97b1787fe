import MarketData

// The straight-line parse of a `Q`/`P` line in the default 16-field set (the fieldset IQConnect
// announces after `S,SET PROTOCOL`, and what almost every collector uses).
//
// Each field is parsed in the same pass that finds its end (no separate comma scan, no
// intermediate optionals per field), and anything out of the ordinary - a missing field, a price
// with more than 9 decimals, a time that is not `HH:MM:SS.ffffff`-shaped and valid, a bad byte -
// makes the fast path give up (return nil). The generic, fieldset-driven `parseUpdate` then parses
// the line again and produces the value or the exact error it always did. So the fast path only
// has to be right on the lines it accepts, and `Level1FastPathTests` checks that it is identical
// to the generic path on every fixture line and on synthetic lines.

/// A cursor over one line for the fast path. `e` excludes a single trailing comma, as `FieldCursor`.
@usableFromInline
struct L1FastCursor {
    @usableFromInline let p: UnsafePointer<UInt8>
    @usableFromInline let e: Int
    /// The line's byte count: loads of 8 bytes are fine up to here (the trailing comma included).
    @usableFromInline let n: Int
    @usableFromInline var i: Int
    @usableFromInline var exhausted: Bool

    @inline(__always)
    init(_ p: UnsafePointer<UInt8>, end: Int, count: Int, start: Int) {
        self.p = p; self.e = end; self.n = count; self.i = start; self.exhausted = false
    }

    /// Ends the current field at `j` (the first byte not taken by the field's parser): true when
    /// that is the end of the line or a comma, false when the field holds a byte the parser rejected.
    @inline(__always)
    mutating func finish(_ j: Int) -> Bool {
        if j >= e { exhausted = true; i = e; return true }
        if p[j] == 44 { i = j + 1; return true }
        return false
    }

    /// `Symbol(bytes:)` rules: 1...64 bytes of printable ASCII without space (comma ends the field).
    /// Returns the field's start and length (length 0: give up).
    @inline(__always)
    mutating func symbol() -> (at: Int, count: Int) {
        if exhausted { return (0, 0) }
        let s = i
        var j = i
        while j < e {
            let b = p[j]
            if b == 44 { break }
            if b &- 0x21 > 0x5D { return (0, 0) }  // outside 0x21...0x7E
            j += 1
        }
        let n = j - s
        if n == 0 || n > Symbol.maxLength { return (0, 0) }
        _ = finish(j)
        return (s, n)
    }

    /// A price as `Scan.fastPrice` accepts it (nil `out` for an empty field). false: give up.
    /// The common shapes inline (`Scan.price16`); the rest out of line, so that the seven calls in
    /// `parseQPFast` stay small. Transparent: the optimizer's `@inline(__always)` gives up in a caller as
    /// large as `parseQPFast`, and a call per price costs a frame and the cursor's round trip through memory.
    @_transparent
    mutating func price(_ out: inout Price?) -> Bool {
        if exhausted { return false }
        let s = i
        let w0: UInt64, w1: UInt64
        if s &+ 16 <= n {
            w0 = UnsafeRawPointer(p + s).loadUnaligned(as: UInt64.self).littleEndian
            w1 = UnsafeRawPointer(p + (s &+ 8)).loadUnaligned(as: UInt64.self).littleEndian
        } else {
            // Near the line's end: bytes past it read as 0, which ends any shape without a comma.
            w0 = Scan.load8(p, s, end: n)
            w1 = Scan.load8(p, s &+ 8, end: n)
        }
        switch Scan.price16(w0, w1, s) {
        case .value(let raw, let comma):
            out = Price(raw: raw)
            if comma >= e { exhausted = true; i = e } else { i = comma &+ 1 }
            return true
        case .empty:
            out = nil
            if s >= e { exhausted = true; i = e } else { i = s &+ 1 }
            return true
        case .other:
            return priceExact(&out)
        }
    }

    /// `price` for the shapes `Scan.price16` leaves (a sign, 8 or more digits in a run, the line's end
    /// right after the digits, a stray byte).
    @inline(never)
    mutating func priceExact(_ out: inout Price?) -> Bool {
        let s = i
        // Unsigned, at most 7 integer and 7 fraction digits: two SWAR loads (bytes past the line read as 0).
        // (A digit run cannot pass `e`: only a comma can follow it in the line.)
        if let (j, raw, digits) = Scan.unsignedPrice(p, s, fieldEnd: e, readable: n), j >= e || p[j] == 44 {
            _ = finish(j)
            if j == s { out = nil; return true }
            if digits == 0 { return false }
            out = Price(raw: raw)
            return true
        }
        // Anything else (a sign, longer digit runs, a stray byte): the byte-at-a-time reader on the field.
        guard let f = field(), let v = Scan.fastPrice(f) else { return false }
        out = v
        return true
    }

    /// An unsigned integer of at most 19 digits (cannot overflow); nil `out` for an empty field.
    @inline(__always)
    mutating func uint(_ out: inout UInt64?) -> Bool {
        if exhausted { return false }
        let s = i
        let (l, w) = Scan.digits8(p, s, end: n)
        if l < 8 {
            if !finish(s &+ l) { return false }
            out = l == 0 ? nil : w
            return true
        }
        return uintLong(&out)
    }

    /// `uint` for 8 digits or more.
    @inline(never)
    mutating func uintLong(_ out: inout UInt64?) -> Bool {
        guard let f = field(), f.count <= 19, let v = Scan.uint64(f) else { return false }
        out = v
        return true
    }

    /// The rest of the current field (up to the next comma or the line's end), taken; nil when it is empty.
    @inline(__always)
    mutating func field() -> UnsafeRawBufferPointer? {
        let s = i
        var j = s
        while j < e && p[j] != 44 { j += 1 }
        _ = finish(j)
        return j == s ? nil : UnsafeRawBufferPointer(start: p + s, count: j - s)
    }

    /// `FieldCursor.size`: 32 bits, saturating.
    @inline(__always)
    mutating func size(_ out: inout UInt32?) -> Bool {
        var v: UInt64?
        if !uint(&v) { return false }
        if let v { out = v > UInt64(UInt32.max) ? UInt32.max : UInt32(truncatingIfNeeded: v) } else { out = nil }
        return true
    }

    /// `FieldCursor.timeOfDay`: `HH:MM:SS.ffffff` (the feed's shape) straight; other shapes through
    /// `Scan.timeOfDay`. nil `out` for empty or no-value; false for an invalid time.
    @inline(__always)
    mutating func time(_ out: inout (Int, Int64)?) -> Bool {
        if exhausted { return false }
        let s = i
        if s &+ 16 <= n, let t = Scan.time15(p, s) {
            out = t
            _ = finish(s &+ 15)
            return true
        }
        return timeOther(&out)
    }

    /// `time` for any other shape.
    @inline(never)
    mutating func timeOther(_ out: inout (Int, Int64)?) -> Bool {
        guard let f = field() else { out = nil; return true }
        switch Scan.timeOfDay(f) {
        case .value(let a, let b): out = (a, b); return true
        case .noValue: out = nil; return true
        case .invalid: return false
        }
    }

    /// `MessageContents.parse` up to the comma (never fails on a present field).
    @inline(__always)
    mutating func contents(_ out: inout MessageContents, _ letter: inout UInt8) -> Bool {
        if exhausted { return false }
        var j = i
        var m: UInt16 = 0
        var l: UInt8 = 0
        while j < e {
            let b = p[j]
            if b == 44 { break }
            m |= MessageContents.bit(b)
            if b == UInt8(ascii: "C") || b == UInt8(ascii: "E") || b == UInt8(ascii: "O") { l = b }
            j += 1
        }
        _ = finish(j)
        out = MessageContents(rawValue: m)
        letter = l
        return true
    }

    /// `Scan.conditions` up to the comma; false on a non-hex byte.
    @inline(__always)
    mutating func conditions(_ out: inout UInt32) -> Bool {
        if exhausted { return false }
        var j = i
        var v: UInt32 = 0
        var n = 0
        while j < e {
            let b = p[j]
            let d: UInt8
            if b &- 48 <= 9 { d = b &- 48 } else if b &- 65 <= 5 { d = b &- 55 } else if b &- 97 <= 5 { d = b &- 87 } else { break }
            if n < 8 { v = v << 4 | UInt32(d) }
            n += 1
            j += 1
        }
        if !finish(j) { return false }
        out = v
        return true
    }
}

extension Level1Parser {
    /// A `Q`/`P` line: the straight-line parse when the fieldset is the default one and the line is
    /// ordinary, else the generic `parseUpdate` (which also produces every error).
    @usableFromInline
    mutating func parseQP(_ line: UnsafeRawBufferPointer, summary: Bool, receiveTime: Nanos) throws(IQFeedParseError) -> Level1Message {
        if isDefaultFieldSet {
            var u = Level1Update()
            if parseQPFast(line, summary: summary, receiveTime: receiveTime, into: &u) { return .update(u) }
        }
        return .update(try parseUpdate(line, summary: summary, receiveTime: receiveTime))
    }

    /// The straight-line parse of a default-fieldset `Q`/`P` line into `u` (every field written).
    /// false, with `u` untouched, when the line is not ordinary: then `parseUpdate` decides.
    @usableFromInline
    mutating func parseQPFast(_ line: UnsafeRawBufferPointer, summary: Bool, receiveTime: Nanos, into u: inout Level1Update) -> Bool {
        guard line.count > 0, let b = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var e = line.count
        if b[e - 1] == 44 { e -= 1 }
        // The type field is one byte and a comma follows (checked by the caller); a line `Q,` has no symbol.
        if e <= 1 { return false }
        var c = L1FastCursor(b, end: e, count: line.count, start: 2)
        let (symAt, symCount) = c.symbol()
        if symCount == 0 { return false }
        var mrt: Price?, mrtSize: UInt32?, mrtTime: (Int, Int64)?, mrtMC: UInt64?, totalVolume: UInt64?
        var bid: Price?, bidSize: UInt32?, ask: Price?, askSize: UInt32?
        var open: Price?, high: Price?, low: Price?, close: Price?
        var contents = MessageContents(), letter: UInt8 = 0, cond: UInt32 = 0
        guard c.price(&mrt), c.size(&mrtSize), c.time(&mrtTime), c.uint(&mrtMC), c.uint(&totalVolume),
              c.price(&bid), c.size(&bidSize), c.price(&ask), c.size(&askSize),
              c.price(&open), c.price(&high), c.price(&low), c.price(&close),
              c.contents(&contents, &letter), c.conditions(&cond) else { return false }
        let sym = symbols.symbol(b, at: symAt, count: symCount, end: line.count)
        // As parseUpdate with: no Most Recent Trade Date, no Bid/Ask Time, Message Contents present.
        var tradeTime: Nanos?
        if let (s, n) = mrtTime { tradeTime = timeOnTradingDate(s, n) }
        let hasTrade = letter != 0 && mrt != nil
        let hasQuote = contents.rawValue & (MessageContents.bid.rawValue | MessageContents.ask.rawValue) != 0
        let qt = hasTrade ? tradeTime : nil
        let zero = Price(raw: 0)
        u.isSummary = summary
        u.symbol = sym
        u.contents = contents
        u.hasTrade = hasTrade
        if hasTrade {
            u.tradeSlot = Trade(symbol: sym, eventTime: tradeTime ?? receiveTime, receiveTime: receiveTime, price: mrt ?? zero,
                                size: mrtSize ?? 0, totalVolume: totalVolume ?? 0, bid: bid ?? zero, ask: ask ?? zero,
                                tickID: 0, basis: letter, marketCenter: UInt16(truncatingIfNeeded: mrtMC ?? 0),
                                conditions: cond, aggressor: 0)
        }
        u.hasQuote = hasQuote
        if hasQuote {
            u.quoteSlot = Quote(symbol: sym, eventTime: qt ?? receiveTime, receiveTime: receiveTime, bid: bid ?? zero,
                                bidSize: bidSize ?? 0, ask: ask ?? zero, askSize: askSize ?? 0, last: mrt ?? zero,
                                totalVolume: totalVolume ?? 0)
        }
        u.open = open; u.high = high; u.low = low; u.close = close
        u.totalVolume = totalVolume
        return true
    }
}
