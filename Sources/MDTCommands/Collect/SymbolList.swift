import Foundation
import MarketData

/// Symbols from `--symbols A,B,C` or `--symbols @FILE` (one per line; `#` comments and blank lines skipped).
enum SymbolList {
    static func parse(_ spec: String) throws -> [Symbol] {
        var items: [(text: String, origin: String)] = []
        if spec.hasPrefix("@") {
            let path = String(spec.dropFirst())
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandFailure(.dataError, "\(path): cannot read the symbol file")
            }
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let t = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                let trimmed = t.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { items.append((trimmed, "\(path):\(i + 1)")) }
            }
        } else {
            for part in spec.split(separator: ",") {
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { items.append((trimmed, "--symbols")) }
            }
        }
        var seen = Set<String>()
        var out: [Symbol] = []
        for item in items where seen.insert(item.text).inserted {
            do { out.append(try Symbol(item.text)) } catch {
                throw CommandFailure(.dataError, "\(item.origin): bad symbol '\(item.text)': \(error)")
            }
        }
        return out
    }

    /// Keeps the symbols whose stable hash falls in shard `index` of `count` (FNV-1a, 64-bit).
    static func shard(_ symbols: [Symbol], index: Int, count: Int) -> [Symbol] {
        symbols.filter { Int(fnv1a($0.text) % UInt64(count)) == index }
    }

    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x100_0000_01b3 }
        return h
    }
}

/// `--shard i/n`.
struct Shard: Equatable {
    var index: Int
    var count: Int
    init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, i >= 0, i < n else {
            throw CommandFailure(.usage, "--shard '\(text)': expected i/n with 0 <= i < n, e.g. 0/4")
        }
        index = i; count = n
    }
}
