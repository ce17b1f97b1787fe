/// A RowBinary value could not be read.
public enum RowBinaryError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The data ended inside a value (reading `wanted` bytes at `offset`).
    case truncated(offset: Int, wanted: Int)
    /// A `Nullable` marker that is neither 0 nor 1, or a length that cannot fit.
    case malformed(offset: Int, what: String)

    public var description: String {
        switch self {
        case .truncated(let offset, let wanted): return "RowBinary data ends at byte \(offset) (needed \(wanted) more bytes)"
        case .malformed(let offset, let what): return "malformed RowBinary at byte \(offset): \(what)"
        }
    }
}

/// Decodes RowBinary values (e.g. the result of `SELECT ... FORMAT RowBinary`) in column order.
public struct RowBinaryReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { offset >= bytes.count }
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws(RowBinaryError) -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else { throw .truncated(offset: offset, wanted: n - max(0, remaining)) }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }

    public mutating func readInteger<T: FixedWidthInteger>(_: T.Type = T.self) throws(RowBinaryError) -> T {
        let slice = try take(MemoryLayout<T>.size)
        var v: T = 0
        for (i, b) in slice.enumerated() { v |= T(truncatingIfNeeded: b) << (8 * i) }
        return v
    }
    public mutating func readUInt8() throws(RowBinaryError) -> UInt8 { try readInteger() }
    public mutating func readUInt16() throws(RowBinaryError) -> UInt16 { try readInteger() }
    public mutating func readUInt32() throws(RowBinaryError) -> UInt32 { try readInteger() }
    public mutating func readUInt64() throws(RowBinaryError) -> UInt64 { try readInteger() }
    public mutating func readInt8() throws(RowBinaryError) -> Int8 { try readInteger() }
    public mutating func readInt16() throws(RowBinaryError) -> Int16 { try readInteger() }
    public mutating func readInt32() throws(RowBinaryError) -> Int32 { try readInteger() }
    public mutating func readInt64() throws(RowBinaryError) -> Int64 { try readInteger() }
    public mutating func readFloat32() throws(RowBinaryError) -> Float { Float(bitPattern: try readInteger()) }
    public mutating func readFloat64() throws(RowBinaryError) -> Double { Double(bitPattern: try readInteger()) }
    public mutating func readDecimal64Raw() throws(RowBinaryError) -> Int64 { try readInteger() }

    public mutating func readVarUInt() throws(RowBinaryError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let start = offset
            let b = try readUInt8()
            guard shift < 64 else { throw .malformed(offset: start, what: "LEB128 length longer than 10 bytes") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func readStringBytes() throws(RowBinaryError) -> ArraySlice<UInt8> {
        let start = offset
        let n = try readVarUInt()
        guard n <= UInt64(Int.max) else { throw .malformed(offset: start, what: "string length \(n)") }
        return try take(Int(n))
    }

    public mutating func readString() throws(RowBinaryError) -> String {
        String(decoding: try readStringBytes(), as: UTF8.self)
    }

    /// Reads a `Nullable` marker: true when the value is NULL (then nothing follows).
    public mutating func readIsNull() throws(RowBinaryError) -> Bool {
        let start = offset
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let m: throw .malformed(offset: start, what: "Nullable marker \(m)")
        }
    }
}
