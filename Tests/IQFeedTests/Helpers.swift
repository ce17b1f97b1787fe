import Foundation
import Testing
@testable import IQFeed
import MarketData

enum Fixture {
    /// Lines of a fixture file (split on `\n`, one trailing `\r` stripped, empty lines kept out).
    static func lines(_ name: String) throws -> [String] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures"),
                               "fixture \(name).txt missing")
        let data = try Data(contentsOf: url)
        var out: [String] = []
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var l = Array(raw)
            if l.last == 13 { l.removeLast() }
            if !l.isEmpty { out.append(String(decoding: l, as: UTF8.self)) }
        }
        return out
    }
}

/// Runs `body` on the UTF-8 bytes of `s`.
func bytes<R>(_ s: String, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    let a = Array(s.utf8)
    return try a.withUnsafeBytes { try body($0) }
}

extension Level1Parser {
    mutating func parse(_ s: String, receiveTime: Nanos = 42) throws -> Level1Message {
        let a = Array(s.utf8)
        var r: Result<Level1Message, IQFeedParseError>!
        a.withUnsafeBytes { b in
            do throws(IQFeedParseError) { r = .success(try parse(b, receiveTime: receiveTime)) } catch { r = .failure(error) }
        }
        return try r.get()
    }
}

extension Level2Parser {
    mutating func parse(_ s: String, receiveTime: Nanos = 42) throws -> Level2Message {
        let a = Array(s.utf8)
        var r: Result<Level2Message, IQFeedParseError>!
        a.withUnsafeBytes { b in
            do throws(IQFeedParseError) { r = .success(try parse(b, receiveTime: receiveTime)) } catch { r = .failure(error) }
        }
        return try r.get()
    }
}

extension LookupReplyParser {
    mutating func parse(_ s: String) throws -> LookupLine {
        let a = Array(s.utf8)
        var r: Result<LookupLine, IQFeedParseError>!
        a.withUnsafeBytes { b in
            do throws(IQFeedParseError) { r = .success(try parse(b, receiveTime: 0)) } catch { r = .failure(error) }
        }
        return try r.get()
    }
}

extension DerivativeParser {
    mutating func parse(_ s: String) throws -> DerivativeMessage {
        let a = Array(s.utf8)
        var r: Result<DerivativeMessage, IQFeedParseError>!
        a.withUnsafeBytes { b in
            do throws(IQFeedParseError) { r = .success(try parse(b, receiveTime: 0)) } catch { r = .failure(error) }
        }
        return try r.get()
    }
}

extension AdminParser {
    mutating func parse(_ s: String) throws -> AdminMessage {
        let a = Array(s.utf8)
        var r: Result<AdminMessage, IQFeedParseError>!
        a.withUnsafeBytes { b in
            do throws(IQFeedParseError) { r = .success(try parse(b, receiveTime: 0)) } catch { r = .failure(error) }
        }
        return try r.get()
    }
}

func px(_ s: String) -> Price { (try? Price.parse(s)).flatMap { $0 } ?? Price(raw: Int64.min) }
func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ micros: Int64 = 0) -> Nanos {
    Time.utcNanos(year: y, month: mo, day: d, hour: h, minute: mi, second: s, nanos: micros * 1000)
}
