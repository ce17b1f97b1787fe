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
        (p + i).update(from: s.utf8Start, count: n)
        i &+= n
    }

    @inlinable @inline(__always)
    mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        guard let base = b.baseAddress else { return }
        (p + i).update(from: base, count: b.count)
        i &+= b.count
    }

    /// Decimal digits of `v`.
    @inlinable
    mutating func decimal(_ v: UInt64) {
        var n = 1
        var t = v
        while t >= 10 { t /= 10; n &+= 1 }
        var x = v
        var j = i &+ n &- 1
        repeat { p[j] = 48 &+ UInt8(truncatingIfNeeded: x % 10); x /= 10; j &-= 1 } while x > 0
        i &+= n
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
        let scale = UInt64(Price.scale)
        decimal(m / scale)
        var frac = m % scale
        if frac == 0 { return }
        var digits = 9
        while frac % 10 == 0 { frac /= 10; digits &-= 1 }
        byte(UInt8(ascii: "."))
        padded(frac, width: digits)
    }

    /// `YYYY-MM-DDTHH:MM:SS.fffffffffZ`, as `Time.writeISO8601` writes it.
    @inlinable
    mutating func iso8601(_ t: Nanos) {
        var days = Int(t / Time.nanosPerDay)
        var rem = t % Time.nanosPerDay
        if rem < 0 { rem += Time.nanosPerDay; days -= 1 }
        let (y, m, d) = Time.civilFromDays(days)
        let secs = UInt64(rem / Time.nanosPerSecond)
        padded(UInt64(Swift.max(0, Swift.min(9999, y))), width: 4); byte(UInt8(ascii: "-"))
        padded(UInt64(m), width: 2); byte(UInt8(ascii: "-"))
        padded(UInt64(d), width: 2); byte(UInt8(ascii: "T"))
        padded(secs / 3600, width: 2); byte(UInt8(ascii: ":"))
        padded((secs / 60) % 60, width: 2); byte(UInt8(ascii: ":"))
        padded(secs % 60, width: 2); byte(UInt8(ascii: "."))
        padded(UInt64(rem % Time.nanosPerSecond), width: 9); byte(UInt8(ascii: "Z"))
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
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ buf in for b in buf { jsonEscaped(b) } }) { return done }
        for b in s.utf8 { jsonEscaped(b) }
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
