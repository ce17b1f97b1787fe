/// An instrument symbol as IQFeed spells it (`AAPL`, `@ESZ26`, `QQQ2612...`).
/// Printable ASCII, no comma, no whitespace, 1...64 bytes. Symbols up to 15 bytes are stored
/// inline by Swift's small-string form, so making one does not allocate.
public struct Symbol: Hashable, Comparable, Sendable {
    public let text: String

    public static let maxLength = 64

    /// Validates and wraps raw bytes (e.g. a field of a feed line).
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) throws(SymbolError) {
        try Symbol.validate(bytes)
        self.text = String(decoding: bytes, as: UTF8.self)
    }

    public init(_ text: String) throws(SymbolError) {
        var copy = text
        let failure = copy.withUTF8 { (buf: UnsafeBufferPointer<UInt8>) -> SymbolError? in
            do throws(SymbolError) { try Symbol.validate(UnsafeRawBufferPointer(buf)); return nil } catch { return error }
        }
        if let failure { throw failure }
        self.text = text
    }

    /// For values already known to be valid (tests, generators).
    public init(unchecked text: String) { self.text = text }

    @inlinable
    public static func validate(_ bytes: UnsafeRawBufferPointer) throws(SymbolError) {
        if bytes.isEmpty { throw .empty }
        if bytes.count > maxLength { throw .tooLong(bytes.count) }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: ",") { throw .badCharacter(position: i, byte: b) }
            i += 1
        }
    }

    public static func < (a: Symbol, b: Symbol) -> Bool { a.text < b.text }
}

extension Symbol: CustomStringConvertible {
    public var description: String { text }
}

public enum SymbolError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case badCharacter(position: Int, byte: UInt8)

    public var description: String {
        switch self {
        case .empty: "empty symbol"
        case .tooLong(let n): "symbol is \(n) bytes long (at most \(Symbol.maxLength))"
        case .badCharacter(let p, let b): "symbol has a bad character (byte 0x\(String(b, radix: 16))) at position \(p + 1)"
        }
    }
}
