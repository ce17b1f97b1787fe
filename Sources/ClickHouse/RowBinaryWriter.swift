/// Encodes values in ClickHouse's RowBinary format into one reusable byte buffer.
///
/// Write the columns of each row in table order; `reset()` between batches keeps the capacity,
/// so a steady stream of batches allocates nothing once the buffer has grown.
/// Integers and floats are little-endian; `String` is a LEB128 length then the bytes;
/// `Decimal64(S)` is its raw scaled `Int64`; `Nullable(T)` is a `0`/`1` marker then `T` if not null.
public struct RowBinaryWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }

    /// Empties the buffer, keeping its capacity.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    // MARK: Fixed-width numbers

    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func writeUInt8(_ v: UInt8) { bytes.append(v) }
    public mutating func writeUInt16(_ v: UInt16) { writeInteger(v) }
    public mutating func writeUInt32(_ v: UInt32) { writeInteger(v) }
    public mutating func writeUInt64(_ v: UInt64) { writeInteger(v) }
    public mutating func writeInt8(_ v: Int8) { bytes.append(UInt8(bitPattern: v)) }
    public mutating func writeInt16(_ v: Int16) { writeInteger(v) }
    public mutating func writeInt32(_ v: Int32) { writeInteger(v) }
    public mutating func writeInt64(_ v: Int64) { writeInteger(v) }
    public mutating func writeFloat32(_ v: Float) { writeInteger(v.bitPattern) }
    public mutating func writeFloat64(_ v: Double) { writeInteger(v.bitPattern) }
    /// `Bool` / `UInt8` 0 or 1.
    public mutating func writeBool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    /// `Decimal32(S)`: the value already scaled by 10^S.
    public mutating func writeDecimal32(raw: Int32) { writeInteger(raw) }
    /// `Decimal64(S)`: the value already scaled by 10^S (e.g. 1e-9 fixed point for S = 9).
    public mutating func writeDecimal64(raw: Int64) { writeInteger(raw) }
    /// `Date`: days since 1970-01-01.
    public mutating func writeDate(days: UInt16) { writeInteger(days) }
    /// `DateTime`: seconds since the epoch.
    public mutating func writeDateTime(seconds: UInt32) { writeInteger(seconds) }
    /// `DateTime64(P)`: ticks of 10^-P seconds since the epoch.
    public mutating func writeDateTime64(ticks: Int64) { writeInteger(ticks) }

    // MARK: Strings

    /// Unsigned LEB128, as used for string lengths and array sizes.
    public mutating func writeVarUInt(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// `String`: LEB128 byte length, then the UTF-8 bytes.
    public mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            writeVarUInt(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// `String` from raw bytes (no copy into a Swift `String`).
    public mutating func writeString(bytes raw: UnsafeRawBufferPointer) {
        writeVarUInt(UInt64(raw.count))
        bytes.append(contentsOf: raw)
    }

    /// `String` from a byte array.
    public mutating func writeString(bytes raw: [UInt8]) {
        writeVarUInt(UInt64(raw.count))
        bytes.append(contentsOf: raw)
    }

    /// `FixedString(N)`: exactly `length` bytes, zero-padded (longer input is cut).
    public mutating func writeFixedString(_ raw: [UInt8], length: Int) {
        let n = min(raw.count, length)
        bytes.append(contentsOf: raw[0..<n])
        if n < length { bytes.append(contentsOf: repeatElement(0, count: length - n)) }
    }

    // MARK: Nullable and arrays

    /// The `Nullable` marker for a NULL value (write nothing else for this column).
    public mutating func writeNull() { bytes.append(1) }
    /// The `Nullable` marker for a present value (then write the value itself).
    public mutating func writeNotNull() { bytes.append(0) }

    /// `Nullable(T)`: the marker, then `write` for a present value.
    public mutating func writeNullable<T>(_ value: T?, _ write: (inout RowBinaryWriter, T) -> Void) {
        if let value {
            writeNotNull()
            write(&self, value)
        } else {
            writeNull()
        }
    }

    /// `Array(T)`: the element count; then write each element.
    public mutating func writeArrayCount(_ n: Int) { writeVarUInt(UInt64(n)) }

    /// Appends bytes already in RowBinary form.
    public mutating func writeRaw(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }
}
