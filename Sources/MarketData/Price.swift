/// An exact fixed-point price in units of 1e-9 (ClickHouse `Decimal64(9)` has the same Int64 form).
/// Parsed straight from decimal text, never through `Double`.
public struct Price: Hashable, Comparable, Sendable {
    public static let scale: Int64 = 1_000_000_000
    public static let zero = Price(raw: 0)

    /// The value in units of 1e-9.
    public var raw: Int64

    @inlinable public init(raw: Int64) { self.raw = raw }

    /// Whole units plus nanounits: `Price(units: 134, nanos: 620_000_000)` is 134.62.
    @inlinable public init(units: Int64, nanos: Int64 = 0) { self.raw = units &* Price.scale &+ nanos }

    @inlinable public static func < (lhs: Price, rhs: Price) -> Bool { lhs.raw < rhs.raw }

    /// Parses ASCII decimal text such as `134.6200`, `-0.5`, `2938.` or `12`.
    /// Returns nil for empty input; throws for anything that is not a decimal with at most 9 fraction digits.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(PriceError) -> Price? {
        var i = 0
        let n = bytes.count
        if n == 0 { return nil }
        guard let start = bytes.baseAddress else { return nil }
        // Plain pointer reads: the same in release, much faster than the checked subscript in debug builds.
        let bytes = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: n)
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if bytes[0] == UInt8(ascii: "+") { i = 1 }
        var units: Int64 = 0
        var digits = 0
        while i < n {
            let d = bytes[i] &- 48
            if d > 9 { break }
            // units <= Int64.max / scale (< 1e10) before this step, so the wrapping ops cannot wrap.
            units = units &* 10 &+ Int64(d)
            if units > Int64.max / Price.scale { throw .overflow }
            digits += 1
            i += 1
        }
        var frac: Int64 = 0
        var fracDigits = 0
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n {
                let d = bytes[i] &- 48
                if d > 9 { break }
                if fracDigits == 9 {
                    if d != 0 { throw .tooPrecise }
                } else {
                    frac = frac &* 10 &+ Int64(d)
                    fracDigits += 1
                }
                digits += 1
                i += 1
            }
        }
        if i != n || digits == 0 { throw .notANumber }
        switch fracDigits {
        case 0: frac = 0
        case 1: frac &*= 100_000_000
        case 2: frac &*= 10_000_000
        case 3: frac &*= 1_000_000
        case 4: frac &*= 100_000
        case 5: frac &*= 10_000
        case 6: frac &*= 1_000
        case 7: frac &*= 100
        case 8: frac &*= 10
        default: break
        }
        let raw = units &* Price.scale &+ frac
        return Price(raw: negative ? -raw : raw)
    }

    /// Parses a Swift string (convenience for flags and tests; not for the hot path).
    public static func parse(_ text: String) throws(PriceError) -> Price? {
        var copy = text
        let result = copy.withUTF8 { (buf: UnsafeBufferPointer<UInt8>) -> Result<Price?, PriceError> in
            do throws(PriceError) { return .success(try Price.parse(UnsafeRawBufferPointer(buf))) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Appends the shortest exact decimal text (`134.62`, `-0.5`, `12`) to `out`.
    @inlinable
    public func write(to out: inout [UInt8], minFractionDigits: Int = 0) {
        if minFractionDigits == 0 {
            // The shortest form: the JSON encoder's table-driven writer (no division per digit).
            ByteWriter.append(to: &out, maxBytes: 48) { $0.price(self) }
            return
        }
        var v = raw
        if v < 0 { out.append(UInt8(ascii: "-")); v = v == Int64.min ? Int64.max : -v }
        let units = v / Price.scale
        var frac = v % Price.scale
        Price.appendDecimal(UInt64(units), to: &out)
        var fracDigits = 9
        while fracDigits > minFractionDigits && frac % 10 == 0 { frac /= 10; fracDigits -= 1 }
        if fracDigits > 0 {
            out.append(UInt8(ascii: "."))
            var div: Int64 = 1
            for _ in 1..<fracDigits { div *= 10 }
            while div > 0 { out.append(UInt8(48 + (frac / div) % 10)); div /= 10 }
        }
    }

    @inlinable
    public static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(48 + value)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { p in
            while v > 0 { p[19 - n] = UInt8(48 + v % 10); v /= 10; n += 1 }
            out.append(contentsOf: p[(20 - n)...])
        }
    }

    /// Text with at least `minFractionDigits` decimals (IQFeed sends 4 for equities).
    public func text(minFractionDigits: Int = 0) -> String {
        var out: [UInt8] = []
        write(to: &out, minFractionDigits: minFractionDigits)
        return String(decoding: out, as: UTF8.self)
    }

    /// For display and statistics only; never use it for storage or comparison.
    public var doubleValue: Double { Double(raw) / Double(Price.scale) }
}

extension Price: CustomStringConvertible {
    public var description: String { text() }
}

public enum PriceError: Error, Sendable, Equatable, CustomStringConvertible {
    case notANumber, tooPrecise, overflow
    public var description: String {
        switch self {
        case .notANumber: "not a decimal number"
        case .tooPrecise: "more than 9 decimal places"
        case .overflow: "out of range for a price"
        }
    }
}
