/// Writes bytes through a raw pointer into a bounded scratch area, then appends them to an array
/// with one copy. Used by the encoders so an event costs one `append` instead of dozens.
@usableFromInline
struct ByteWriter {
    @usableFromInline let p: UnsafeMutablePointer<UInt8>
    @usableFromInline var i: Int = 0

    @inlinable init(_ p: UnsafeMutablePointer<UInt8>) { self.p = p }

    /// Runs `body` with room for `maxBytes` (on the stack when small) and appends what it wrote to `out`.
    @inlinable
    static func append(to out: inout [UInt8], maxBytes: Int, _ body: (inout ByteWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { buf in
            guard let base = buf.baseAddress else { return }
            var w = ByteWriter(base)
            body(&w)
            out.append(contentsOf: UnsafeBufferPointer(start: base, count: w.i))
        }
    }

    @inlinable @inline(__always)
    mutating func byte(_ b: UInt8) { p[i] = b; i &+= 1 }

    @inlinable @inline(__always)
    mutating func raw(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        ByteWriter.copy(UnsafeMutableRawPointer(p + i), UnsafeRawPointer(s.utf8Start), n)
        i &+= n
    }

    /// Copies `n` bytes with at most four overlapping 8-byte moves when `n` <= 32 (`n` is a constant
    /// after inlining for literals, so the branches fold away); `memcpy` above that.
    @inlinable @inline(__always)
    static func copy(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int) {
        if n >= 8 && n <= 16 {
            dst.storeBytes(of: src.loadUnaligned(as: UInt64.self), as: UInt64.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
        } else if n > 16 && n <= 32 {
            dst.storeBytes(of: src.loadUnaligned(as: UInt64.self), as: UInt64.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: n &- 16, as: UInt64.self), toByteOffset: n &- 16, as: UInt64.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            dst.storeBytes(of: src.loadUnaligned(as: UInt32.self), as: UInt32.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self), toByteOffset: n &- 4, as: UInt32.self)
        } else {
            dst.copyMemory(from: src, byteCount: n)
        }
    }

    @inlinable @inline(__always)
    mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        guard let base = b.baseAddress else { return }
        let n = b.count
        if n <= 16 {
            // Symbols are short: a byte loop beats a call to memcpy.
            var k = 0
            while k < n { p[i &+ k] = base[k]; k &+= 1 }
        } else {
            (p + i).update(from: base, count: n)
        }
        i &+= n
    }

    /// "00" "01" ... "99": two ASCII digits per value, read as one 16-bit load.
    @inlinable @inline(__always)
    static var digitPairs: StaticString {
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    }

    /// Two digits of `v` (< 100) at `p[j]`, `p[j+1]`.
    @inlinable @inline(__always)
    func pair(_ v: UInt32, at j: Int) {
        let d = UnsafeRawPointer(ByteWriter.digitPairs.utf8Start).loadUnaligned(fromByteOffset: Int(v) &* 2, as: UInt16.self)
        UnsafeMutableRawPointer(p + j).storeBytes(of: d, as: UInt16.self)
    }

    /// The 8 decimal digits of `v` (< 1e8, zero-padded) as byte values 0...9, most significant digit in the
    /// lowest byte (so a little-endian store writes them in reading order), computed in three SIMD-within-
    /// a-register steps: 4+4 digits in 32-bit lanes, 2 digits in 16-bit lanes, 1 digit per byte.
    @inlinable @inline(__always)
    static func digits8(_ v: UInt32) -> UInt64 {
        let x = UInt64(v)
        let q4 = (x &* 109_951_163) >> 40                                   // v / 10_000
        let l4 = (x << 32) &- q4 &* ((10_000 << 32) &- 1)                   // [v / 1e4, v % 1e4]
        let q2 = ((l4 &* 5_243) >> 19) & 0x0000_007F_0000_007F             // lane / 100
        let l2 = (l4 << 16) &- q2 &* ((100 << 16) &- 1)                     // [lane / 100, lane % 100]
        let q1 = ((l2 &* 103) >> 10) & 0x000F_000F_000F_000F               // lane / 10
        return (l2 << 8) &- q1 &* ((10 << 8) &- 1)                          // [lane / 10, lane % 10]
    }

    /// Exactly 8 digits of `v` (< 1e8, zero-padded) at `p[j]`.
    @inlinable @inline(__always)
    func eight(_ v: UInt32, at j: Int) {
        UnsafeMutableRawPointer(p + j).storeBytes(of: (ByteWriter.digits8(v) | 0x3030_3030_3030_3030).littleEndian, as: UInt64.self)
    }

    /// Exactly 9 digits of `v` (< 1e9, zero-padded) at `p[j]`.
    @inlinable @inline(__always)
    func nine(_ v: UInt32, at j: Int) {
        let top = v / 100_000_000
        p[j] = 48 &+ UInt8(truncatingIfNeeded: top)
        eight(v &- top &* 100_000_000, at: j &+ 1)
    }

    /// Digits of `v` (< 1e8) without leading zeros. Stores 8 bytes: the buffer has slack past the text.
    @inlinable @inline(__always)
    mutating func small(_ v: UInt32) {
        if v < 10 { p[i] = 48 &+ UInt8(truncatingIfNeeded: v); i &+= 1; return }
        let d = ByteWriter.digits8(v)
        let zeros = d.trailingZeroBitCount & ~7                             // 8 x leading zero digits
        UnsafeMutableRawPointer(p + i).storeBytes(of: ((d | 0x3030_3030_3030_3030) >> UInt64(zeros)).littleEndian, as: UInt64.self)
        i &+= 8 &- (zeros >> 3)
    }

    /// Decimal digits of `v`.
    @inlinable
    mutating func decimal(_ v: UInt64) {
        if v < 100_000_000 { small(UInt32(truncatingIfNeeded: v)); return }
        let hi = v / 100_000_000
        let lo = UInt32(truncatingIfNeeded: v &- hi &* 100_000_000)
        if hi < 100_000_000 {
            small(UInt32(truncatingIfNeeded: hi))
        } else {
            let top = hi / 100_000_000
            small(UInt32(truncatingIfNeeded: top))
            eight(UInt32(truncatingIfNeeded: hi &- top &* 100_000_000), at: i)
            i &+= 8
        }
        eight(lo, at: i)
        i &+= 8
    }

    @inlinable
    mutating func int(_ v: Int64) {
        if v < 0 { byte(UInt8(ascii: "-")) }
        decimal(v.magnitude)
    }

    /// `v` zero-padded to exactly `width` digits.
    @inlinable
    mutating func padded(_ v: UInt64, width: Int) {
        var x = v
        var j = i &+ width &- 1
        while j >= i { p[j] = 48 &+ UInt8(truncatingIfNeeded: x % 10); x /= 10; j &-= 1 }
        i &+= width
    }

    /// Shortest exact decimal text of a price (`134.62`, `-0.5`, `12`), as `Price.write` writes it.
    @inlinable
    mutating func price(_ price: Price) {
        if price.raw < 0 { byte(UInt8(ascii: "-")) }
        let m = price.raw.magnitude
        let units = m / 1_000_000_000
        let frac = UInt32(truncatingIfNeeded: m &- units &* 1_000_000_000)
        decimal(units)
        if frac == 0 { return }
        p[i] = UInt8(ascii: ".")
        // Cents and ticks of 1/10000 (most prices) first: a few digits, no trimming loop.
        let cents = frac / 10_000_000
        if cents &* 10_000_000 == frac {
            pair(cents, at: i &+ 1)
            i &+= cents % 10 == 0 ? 2 : 3
            return
        }
        let bp = frac / 100_000
        if bp &* 100_000 == frac {
            // 3 or 4 digits (a 1- or 2-digit fraction was caught above).
            let hi = bp / 100, lo = bp &- hi &* 100
            pair(hi, at: i &+ 1); pair(lo, at: i &+ 3)
            i &+= lo % 10 == 0 ? 4 : 5
            return
        }
        nine(frac, at: i &+ 1)
        // Keep the digits up to the last non-zero one (at most 4 trailing zeros here).
        var digits = 9
        var f = frac
        if f % 100 == 0 { f /= 100; digits &-= 2 }
        if f % 100 == 0 { f /= 100; digits &-= 2 }
        if f % 10 == 0 { digits &-= 1 }
        i &+= 1 &+ digits
    }

    /// Decimal digits of `secs`; the 10-digit text of seconds 1e9..<1e10 (2001-2286) is kept in `cache`.
    @inlinable @inline(__always)
    mutating func seconds(_ secs: UInt64, cache: inout ISOMinuteCache) {
        let base = UnsafeMutableRawPointer(p + i)
        if secs == cache.second {
            base.storeBytes(of: cache.secondHead, as: UInt64.self)
            base.storeBytes(of: cache.secondTail, toByteOffset: 8, as: UInt16.self)
            i &+= 10
        } else if secs >= 1_000_000_000 && secs < 10_000_000_000 {
            let hi = secs / 100_000_000
            pair(UInt32(truncatingIfNeeded: hi), at: i)
            eight(UInt32(truncatingIfNeeded: secs &- hi &* 100_000_000), at: i &+ 2)
            cache.second = secs
            cache.secondHead = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)
            cache.secondTail = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: 8, as: UInt16.self)
            i &+= 10
        } else {
            decimal(secs)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.fffffffffZ`, as `Time.writeISO8601` writes it.
    @inlinable
    mutating func iso8601(_ t: Nanos) {
        var cache = ISOMinuteCache()
        iso8601(t, cache: &cache)
    }

    /// `iso8601` with the `YYYY-MM-DDTHH:MM` part taken from `cache` when `t` is in the cached minute.
    /// Returns the nanoseconds within the second (the fraction written).
    @inlinable @inline(__always) @discardableResult
    mutating func iso8601(_ t: Nanos, cache: inout ISOMinuteCache) -> UInt32 {
        let perMinute: Int64 = 60_000_000_000
        var minute = t / perMinute
        var rem = t % perMinute
        if rem < 0 { rem &+= perMinute; minute &-= 1 }
        if minute != cache.minute { cache.fill(minute: minute) }
        let base = UnsafeMutableRawPointer(p + i)
        base.storeBytes(of: cache.head, as: UInt64.self)
        base.storeBytes(of: cache.tail, toByteOffset: 8, as: UInt64.self)
        // rem < 6e10: seconds and nanoseconds in 32 bits.
        let secs = UInt32(truncatingIfNeeded: rem / 1_000_000_000)
        let frac = UInt32(truncatingIfNeeded: rem &- Int64(secs) &* 1_000_000_000)
        p[i &+ 16] = UInt8(ascii: ":")
        pair(secs, at: i &+ 17)
        p[i &+ 19] = UInt8(ascii: ".")
        nine(frac, at: i &+ 20)
        p[i &+ 29] = UInt8(ascii: "Z")
        i &+= 30
        return frac
    }

    /// JSON string content: `"` and `\` escaped, control bytes as `\u00XX` (at most 6 bytes per input byte).
    @inlinable @inline(__always)
    mutating func jsonEscaped(_ b: UInt8) {
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            byte(UInt8(ascii: "\\")); byte(b)
        } else if b < 0x20 {
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            byte(hex.utf8Start[Int(b >> 4)]); byte(hex.utf8Start[Int(b & 0xF)])
        } else {
            byte(b)
        }
    }

    @inlinable
    mutating func jsonEscaped(_ s: String) {
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ buf in jsonEscaped(bytes: buf) }) { return done }
        for b in s.utf8 { jsonEscaped(b) }
    }

    /// Copies bytes that need no escape in one pass, then escapes from the first that does.
    @inlinable
    mutating func jsonEscaped(bytes buf: UnsafeBufferPointer<UInt8>) {
        guard let src = buf.baseAddress else { return }
        let n = buf.count
        var k = 0
        while k < n {
            let b = src[k]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { break }
            p[i &+ k] = b
            k &+= 1
        }
        i &+= k
        while k < n { jsonEscaped(src[k]); k &+= 1 }
    }

    // MARK: little-endian binary

    @inlinable @inline(__always)
    mutating func le64(_ v: UInt64) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v.littleEndian, as: UInt64.self)
        i &+= 8
    }

    @inlinable @inline(__always)
    mutating func le32(_ v: UInt32) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v.littleEndian, as: UInt32.self)
        i &+= 4
    }

    @inlinable @inline(__always)
    mutating func le16(_ v: UInt16) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v.littleEndian, as: UInt16.self)
        i &+= 2
    }

    @inlinable
    mutating func leb128(_ v: UInt64) {
        var x = v
        while x >= 0x80 { byte(UInt8(truncatingIfNeeded: x) | 0x80); x >>= 7 }
        byte(UInt8(x))
    }

    /// A RowBinary `String`: LEB128 length then the bytes.
    @inlinable
    mutating func rowBinaryString(_ s: String) {
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ buf in leb128(UInt64(buf.count)); bytes(buf) }) { return done }
        leb128(UInt64(s.utf8.count))
        for b in s.utf8 { byte(b) }
    }

    /// A packed MMID as a RowBinary `String` (zero bytes skipped).
    @inlinable
    mutating func rowBinaryMMID(_ v: UInt32) {
        var n: UInt64 = 0
        var s = 24
        while s >= 0 { if (v >> UInt32(s)) & 0xFF != 0 { n += 1 }; s -= 8 }
        leb128(n)
        s = 24
        while s >= 0 { let b = UInt8((v >> UInt32(s)) & 0xFF); if b != 0 { byte(b) }; s -= 8 }
    }
}

/// The `YYYY-MM-DDTHH:MM` text of one UTC minute (and the decimal text of one second), kept so timestamps in the same minute (an event's
/// `ts` and `receive_ts`, consecutive events) skip the calendar arithmetic.
@usableFromInline
struct ISOMinuteCache: Sendable {
    /// Minutes since the epoch (floor) of `head`/`tail`; `Int64.min` = empty.
    @usableFromInline var minute: Int64 = .min
    /// Bytes 0-7 (`YYYY-MM-`) and 8-15 (`DDTHH:MM`) as stored in memory.
    @usableFromInline var head: UInt64 = 0
    @usableFromInline var tail: UInt64 = 0
    /// Seconds since the epoch of `secondHead`/`secondTail` (its 10 decimal digits); `UInt64.max` = empty.
    @usableFromInline var second: UInt64 = .max
    @usableFromInline var secondHead: UInt64 = 0
    @usableFromInline var secondTail: UInt16 = 0

    @inlinable init() {}

    @inlinable
    mutating func fill(minute m: Int64) {
        var days = m / 1440
        var mod = m % 1440
        if mod < 0 { mod &+= 1440; days &-= 1 }
        let (y, mo, d) = ISOMinuteCache.civil(days: days)
        let yy = UInt32(Swift.max(0, Swift.min(9999, y)))
        let hh = UInt32(truncatingIfNeeded: mod / 60), mm = UInt32(truncatingIfNeeded: mod % 60)
        let dash = UInt64(UInt8(ascii: "-")), colon = UInt64(UInt8(ascii: ":")), tee = UInt64(UInt8(ascii: "T"))
        head = (Self.pair(yy / 100) | Self.pair(yy % 100) << 16 | dash << 32 | Self.pair(mo) << 40 | dash << 56).littleEndian
        tail = (Self.pair(d) | tee << 16 | Self.pair(hh) << 24 | colon << 40 | Self.pair(mm) << 48).littleEndian
        minute = m
    }

    /// The two ASCII digits of `v` (< 100) as a little-endian 16-bit value.
    @inlinable @inline(__always)
    static func pair(_ v: UInt32) -> UInt64 {
        let q = v / 10
        return UInt64(48 &+ q) | UInt64(48 &+ v &- q &* 10) << 8
    }

    /// Proleptic Gregorian (year, month, day) of a day number since 1970-01-01, as `Time.civilFromDays`
    /// gives it, in unsigned 32/64-bit arithmetic (Neri and Schneider, "Euclidean affine functions and
    /// their application to calendar algorithms", 2022). Valid for |days| < 2^24 (every `Nanos`).
    @inlinable @inline(__always)
    static func civil(days: Int64) -> (year: Int, month: UInt32, day: UInt32) {
        // Shift the epoch back 82 * 400 years so the day number is never negative.
        let n = UInt32(truncatingIfNeeded: days &+ 719_468 &+ 146_097 &* 82)
        let n1 = 4 &* n &+ 3
        let c = n1 / 146_097
        let nc = (n1 % 146_097) / 4
        let n2 = 4 &* nc &+ 3
        let p2 = UInt64(2_939_745) &* UInt64(n2)
        let z = UInt32(truncatingIfNeeded: p2 >> 32)
        let ny = UInt32(truncatingIfNeeded: p2) / 2_939_745 / 4
        let y = 100 &* c &+ z
        let n3 = 2_141 &* ny &+ 197_913
        let m = n3 >> 16
        let d = (n3 & 0xFFFF) / 2_141
        let j: UInt32 = ny >= 306 ? 1 : 0
        return (Int(y) - 400 * 82 + Int(j), j == 1 ? m &- 12 : m, d &+ 1)
    }
}
