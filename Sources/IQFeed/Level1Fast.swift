import MarketData

// The straight-line parse of a `Q`/`P` line in the default 16-field set (the fieldset IQConnect
// announces after `S,SET PROTOCOL`, and what almost every collector uses).
//
// The line is first copied into a stack buffer that ends it with a comma and 16 zero bytes. Then
// every field ends at a comma, every read of 16 bytes from a field's start is in bounds, and a
// missing field reads as a 0 byte: no reader checks where the line ends. Each field is parsed in
// the same pass that finds its comma, and anything out of the ordinary - a missing field, a price
// with more than 9 decimals, a time that is not `HH:MM:SS.ffffff`-shaped and valid, a bad byte -
// makes the fast path give up (return false). The generic, fieldset-driven `parseUpdate` then
// parses the line again and produces the value or the exact error it always did. So the fast path
// only has to be right on the lines it accepts, and `Level1FastPathTests` checks that it is
// identical to the generic path on every fixture line and on synthetic and mutated lines.

/// The field readers of the fast path, on a padded copy of the line: `p[0..<m]` is the line and ends
/// with a comma, and 16 zero bytes follow. Each reader takes the offset of its field's first byte
/// (at most `m`) and returns the offset after the field's comma, or -1 to give up.
@usableFromInline
enum L1Field {
    /// A price as `Scan.fastPrice` accepts it (nil `out` for an empty field). Inline: an empty field, and
    /// the guess that the price has the shape of the one before it (`Scan.shapedPrice`); then the general
    /// reader, out of line, which also takes the new shape.
    @_transparent
    static func price(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout Price?,
                      _ shape: inout UnsafePointer<PriceShape>, _ shapes: UnsafePointer<PriceShape>) -> Int {
        let w0 = Scan.word(p + s)
        if UInt8(truncatingIfNeeded: w0) == 44 {
            out = nil
            return s &+ 1
        }
        if let raw = Scan.shapedPrice(w0, Scan.word(p + (s &+ 8)), shape.pointee) {
            out = Price(raw: raw)
            return s &+ shape.pointee.next
        }
        return priceUnshaped(p, s, m, &out, &shape, shapes)
    }

    /// `price` when the guessed shape does not hold: the 16-byte reader (`Scan.price16`) for the common
    /// shapes, `priceOther` for the rest.
    @usableFromInline @inline(never)
    static func priceUnshaped(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout Price?,
                              _ shape: inout UnsafePointer<PriceShape>, _ shapes: UnsafePointer<PriceShape>) -> Int {
        switch Scan.price16(Scan.word(p + s), Scan.word(p + (s &+ 8)), s) {
        case .value(let raw, let comma, let il):
            out = Price(raw: raw)
            shape = shapes + PriceShape.index(start: s, comma: comma, intDigits: il)
            return comma &+ 1
        case .empty:  // not reached: `price` takes an empty field
            out = nil
            return s &+ 1
        case .other:
            return priceOther(p, s, m, &out)
        }
    }

    /// `price` for the shapes `Scan.price16` leaves (a sign, 8 or more digits in a run, a stray byte, a
    /// missing field: `s == m`).
    @usableFromInline @inline(never)
    static func priceOther(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout Price?) -> Int {
        guard let j = comma(p, s, m) else { return -1 }
        if j == s { out = nil; return s &+ 1 }
        guard let v = Scan.fastPrice(UnsafeRawBufferPointer(start: p + s, count: j &- s)) else { return -1 }
        out = v
        return j &+ 1
    }

    /// The offset of the comma ending the field at `s`; nil when `s` is past the line (a missing field).
    @inline(__always)
    static func comma(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int) -> Int? {
        if s >= m { return nil }
        var j = s
        while p[j] != 44 { j &+= 1 }  // p[m - 1] is a comma
        return j
    }

    /// An unsigned integer of at most 19 digits (cannot overflow); nil `out` for an empty field.
    @_transparent
    static func uint(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout UInt64?) -> Int {
        let (l, w) = Scan.digits8(word: Scan.word(p + s))
        if l < 8 {
            if p[s &+ l] != 44 { return -1 }
            out = l == 0 ? nil : w
            return s &+ l &+ 1
        }
        return uintLong(p, s, m, &out)
    }

    /// `uint` for 8 digits or more.
    @usableFromInline @inline(never)
    static func uintLong(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout UInt64?) -> Int {
        guard let j = comma(p, s, m), j &- s <= 19,
              let v = Scan.uint64(UnsafeRawBufferPointer(start: p + s, count: j &- s)) else { return -1 }
        out = v
        return j &+ 1
    }

    /// `FieldCursor.size`: 32 bits, saturating.
    @_transparent
    static func size(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout UInt32?) -> Int {
        var v: UInt64?
        let next = uint(p, s, m, &v)
        if let v { out = v > UInt64(UInt32.max) ? UInt32.max : UInt32(truncatingIfNeeded: v) } else { out = nil }
        return next
    }

    /// `FieldCursor.timeOfDay`: `HH:MM:SS.ffffff` (the feed's shape) straight; other shapes through
    /// `Scan.timeOfDay`. nil `out` for empty or no-value.
    @_transparent
    static func time(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout (Int, Int64)?) -> Int {
        if let t = Scan.time15(p, s) {
            out = t
            return s &+ 16
        }
        return timeOther(p, s, m, &out)
    }

    /// `time` for any other shape.
    @usableFromInline @inline(never)
    static func timeOther(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout (Int, Int64)?) -> Int {
        guard let j = comma(p, s, m) else { return -1 }
        if j == s { out = nil; return s &+ 1 }
        switch Scan.timeOfDay(UnsafeRawBufferPointer(start: p + s, count: j &- s)) {
        case .value(let a, let b): out = (a, b)
        case .noValue: out = nil
        case .invalid: return -1
        }
        return j &+ 1
    }

    /// `MessageContents.parse` up to the comma (never fails on a present field).
    @_transparent
    static func contents(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout MessageContents, _ letter: inout UInt8) -> Int {
        if s >= m { return -1 }
        var j = s
        var bits: UInt16 = 0
        var l: UInt8 = 0
        while true {
            let b = p[j]
            if b == 44 { break }
            bits |= MessageContents.bit(b)
            if b == UInt8(ascii: "C") || b == UInt8(ascii: "E") || b == UInt8(ascii: "O") { l = b }
            j &+= 1
        }
        out = MessageContents(rawValue: bits)
        letter = l
        return j &+ 1
    }

    /// `Scan.conditions` up to the comma: hex pairs, the first 8 digits kept; -1 on a non-hex byte.
    @_transparent
    static func conditions(_ p: UnsafePointer<UInt8>, _ s: Int, _ m: Int, _ out: inout UInt32) -> Int {
        if s >= m { return -1 }
        var j = s
        var v: UInt32 = 0
        while true {
            let b = p[j]
            if b == 44 { break }
            guard let d = Scan.hexDigit(b) else { return -1 }
            if j &- s < 8 { v = v << 4 | UInt32(d) }
            j &+= 1
        }
        out = v
        return j &+ 1
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

    /// The longest line the fast path copies (longer lines take the generic path; feed lines are ~100
    /// bytes). The buffer holds the line, the comma added when it lacks one and 16 zero bytes (readers
    /// read at most 16 bytes from a field start <= m), rounded up.
    @usableFromInline static let fastLineLimit = 480

    /// The straight-line parse of a default-fieldset `Q`/`P` line into `u` (every field written).
    /// false, with `u` untouched, when the line is not ordinary: then `parseUpdate` decides.
    @usableFromInline
    mutating func parseQPFast(_ line: UnsafeRawBufferPointer, summary: Bool, receiveTime: Nanos, into u: inout Level1Update) -> Bool {
        let n = line.count
        guard n > 2, n <= Self.fastLineLimit, let src = line.baseAddress else { return false }
        return withUnsafeTemporaryAllocation(byteCount: Self.fastLineLimit &+ 32, alignment: 16) { buf in
            let p = UnsafeMutableRawPointer(buf.bindMemory(to: UInt8.self).baseAddress!)
            p.copyMemory(from: src, byteCount: n)
            var m = n
            if p.load(fromByteOffset: n &- 1, as: UInt8.self) != 44 {
                p.storeBytes(of: 44, toByteOffset: n, as: UInt8.self)
                m = n &+ 1
            }
            p.storeBytes(of: UInt64(0), toByteOffset: m, as: UInt64.self)
            p.storeBytes(of: UInt64(0), toByteOffset: m &+ 8, as: UInt64.self)
            return parseQPFast(p.assumingMemoryBound(to: UInt8.self), m, summary: summary, receiveTime: receiveTime, into: &u)
        }
    }

    /// `parseQPFast` on the padded copy `p[0..<m]` (see `L1Field`).
    @inline(__always)
    mutating func parseQPFast(_ p: UnsafePointer<UInt8>, _ m: Int, summary: Bool, receiveTime: Nanos, into u: inout Level1Update) -> Bool {
        // The type field is one byte and a comma follows (checked by the caller).
        guard let sym = symbols.symbol(p, at: 2, end: m) else { return false }
        var s = sym.next
        // The shape of the last price of this symbol `price16` read (then of the line's last such price).
        let shapes = priceShapes.base
        let known = sym.slot >= 0 ? symbols.shape(at: sym.slot) : 0
        var shape = shapes + Int(known)
        var mrt: Price?, mrtSize: UInt32?, mrtTime: (Int, Int64)?, mrtMC: UInt64?, totalVolume: UInt64?
        var bid: Price?, bidSize: UInt32?, ask: Price?, askSize: UInt32?
        var open: Price?, high: Price?, low: Price?, close: Price?
        var contents = MessageContents(), letter: UInt8 = 0, cond: UInt32 = 0
        s = L1Field.price(p, s, m, &mrt, &shape, shapes); if s < 0 { return false }
        s = L1Field.size(p, s, m, &mrtSize); if s < 0 { return false }
        s = L1Field.time(p, s, m, &mrtTime); if s < 0 { return false }
        s = L1Field.uint(p, s, m, &mrtMC); if s < 0 { return false }
        s = L1Field.uint(p, s, m, &totalVolume); if s < 0 { return false }
        s = L1Field.price(p, s, m, &bid, &shape, shapes); if s < 0 { return false }
        s = L1Field.size(p, s, m, &bidSize); if s < 0 { return false }
        s = L1Field.price(p, s, m, &ask, &shape, shapes); if s < 0 { return false }
        s = L1Field.size(p, s, m, &askSize); if s < 0 { return false }
        s = L1Field.price(p, s, m, &open, &shape, shapes); if s < 0 { return false }
        s = L1Field.price(p, s, m, &high, &shape, shapes); if s < 0 { return false }
        s = L1Field.price(p, s, m, &low, &shape, shapes); if s < 0 { return false }
        s = L1Field.price(p, s, m, &close, &shape, shapes); if s < 0 { return false }
        s = L1Field.contents(p, s, m, &contents, &letter); if s < 0 { return false }
        s = L1Field.conditions(p, s, m, &cond); if s < 0 { return false }
        let now = UInt8(truncatingIfNeeded: shape - shapes)
        if now != known && sym.slot >= 0 { symbols.setShape(now, at: sym.slot) }
        // As parseUpdate with: no Most Recent Trade Date, no Bid/Ask Time, Message Contents present.
        var tradeTime: Nanos?
        if let (t, ns) = mrtTime { tradeTime = timeOnTradingDate(t, ns) }
        let hasTrade = letter != 0 && mrt != nil
        let hasQuote = contents.rawValue & (MessageContents.bid.rawValue | MessageContents.ask.rawValue) != 0
        let zero = Price(raw: 0)
        let b = bid ?? zero, a = ask ?? zero, last = mrt ?? zero, volume = totalVolume ?? 0
        u.isSummary = summary
        u.symbol = sym.symbol
        u.contents = contents
        u.hasTrade = hasTrade
        if hasTrade {
            u.tradeSlot.symbol = sym.symbol
            u.tradeSlot.eventTime = tradeTime ?? receiveTime
            u.tradeSlot.receiveTime = receiveTime
            u.tradeSlot.price = last
            u.tradeSlot.size = mrtSize ?? 0
            u.tradeSlot.totalVolume = volume
            u.tradeSlot.bid = b
            u.tradeSlot.ask = a
            u.tradeSlot.tickID = 0
            u.tradeSlot.basis = letter
            u.tradeSlot.marketCenter = UInt16(truncatingIfNeeded: mrtMC ?? 0)
            u.tradeSlot.conditions = cond
            u.tradeSlot.aggressor = 0
            u.tradeSlot.seq = 0
        }
        u.hasQuote = hasQuote
        if hasQuote {
            u.quoteSlot.symbol = sym.symbol
            u.quoteSlot.eventTime = (hasTrade ? tradeTime : nil) ?? receiveTime
            u.quoteSlot.receiveTime = receiveTime
            u.quoteSlot.bid = b
            u.quoteSlot.bidSize = bidSize ?? 0
            u.quoteSlot.ask = a
            u.quoteSlot.askSize = askSize ?? 0
            u.quoteSlot.last = last
            u.quoteSlot.totalVolume = volume
            u.quoteSlot.seq = 0
        }
        u.open = open; u.high = high; u.low = low; u.close = close
        u.totalVolume = totalVolume
        return true
    }
}
