import Foundation
import MarketData

/// Where `mdt replay` reads events from. `run` starts from the beginning each time it is called
/// (so `--loop` calls it again) and hands events in order to `emit`, which returns false to stop early.
/// `raw` is the original input line when the source is a file of IQFeed lines (empty otherwise);
/// `event` is nil for a valid line that carries no market event (so `--format raw` can pass it on).
public protocol ReplaySource: AnyObject {
    /// What the source is, for messages (`file trades.txt`, `clickhouse l2_market_data`...).
    var label: String { get }
    func run(_ emit: (MarketEvent?, UnsafeRawBufferPointer) throws -> Bool) throws
}

/// Failures of a replay (each description is one line naming what and where).
public enum ReplayError: Error, CustomStringConvertible, Sendable {
    /// The input file cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// A line longer than the limit (no newline within it).
    case lineTooLong(path: String, line: Int, limit: Int)
    /// ClickHouse cannot be reached (or refused the credentials).
    case clickhouseUnavailable(String)
    /// ClickHouse answered with an error or malformed rows.
    case clickhouse(String)
    /// The source gave no events (e.g. an empty time range).
    case noEvents(String)
    /// A target failed to take events.
    case target(name: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): "cannot read input file \(p): \(r)"
        case .lineTooLong(let p, let l, let n): "\(p):\(l): line longer than \(n) bytes"
        case .clickhouseUnavailable(let m): "clickhouse unavailable: \(m)"
        case .clickhouse(let m): "clickhouse: \(m)"
        case .noEvents(let m): m
        case .target(let n, let r): "\(n): \(r)"
        }
    }
}

/// A file (or stdin, path `-`) of IQFeed lines and/or mdt NDJSON events, read in 1 MiB blocks:
/// never held whole in memory. CRLF and LF both end a line; empty lines are skipped.
/// Unparseable lines are counted and passed to `onLineError(lineNumber, reason)`.
/// IQFeed-line events without a sequence number get one (1, 2, ... per pass) so their
/// `(symbol, ts, seq)` key is unique downstream.
public final class ReplayFileSource: ReplaySource {
    public let path: String
    public let label: String
    public var onLineError: ((Int, String) -> Void)?
    /// Counters of the last pass.
    public private(set) var lines = 0
    public private(set) var failed = 0
    public private(set) var skipped = 0
    public private(set) var events = 0
    let lookupSymbol: Symbol
    let receiveTime: Nanos
    static let blockSize = 1 << 20
    static let maxLine = 16 << 20

    /// Opens nothing yet: `run` opens the file (and throws `.unreadable` when it cannot).
    public init(path: String, lookupSymbol: Symbol = Symbol(unchecked: "LOOKUP"), receiveTime: Nanos? = nil) {
        self.path = path
        self.label = path == "-" ? "stdin" : "file \(path)"
        self.lookupSymbol = lookupSymbol
        self.receiveTime = receiveTime ?? Self.wallNanos()
    }

    static func wallNanos() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Nanos(ts.tv_sec) * 1_000_000_000 + Nanos(ts.tv_nsec)
    }

    /// Checks the file can be opened for reading (so the command can fail early with exit 66).
    public func checkReadable() throws(ReplayError) {
        if path == "-" { return }
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        var st = stat()
        let isDir = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
        close(fd)
        if isDir { throw .unreadable(path: path, reason: "is a directory") }
    }

    public func run(_ emit: (MarketEvent?, UnsafeRawBufferPointer) throws -> Bool) throws {
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        if fd < 0 { throw ReplayError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { if fd != 0 { close(fd) } }
        lines = 0; failed = 0; skipped = 0; events = 0
        var parser = ReplayLineParser(now: receiveTime, lookupSymbol: lookupSymbol)
        var out: [MarketEvent] = []
        out.reserveCapacity(4)
        var seq: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: Self.blockSize)
        var filled = 0  // bytes in buffer
        var lineNo = 0
        var eof = false
        let recv = receiveTime
        while !eof {
            if filled == buffer.count {
                guard buffer.count < Self.maxLine else { throw ReplayError.lineTooLong(path: path, line: lineNo + 1, limit: Self.maxLine) }
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { b in read(fd, b.baseAddress! + filled, b.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReplayError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { eof = true } else { filled += n }
            // Process every complete line (and at EOF the unterminated last one).
            var stop = false
            let consumed: Int = try buffer.withUnsafeBytes { all in
                var start = 0
                let base = UnsafeRawBufferPointer(rebasing: all[0..<filled])
                while start < filled {
                    var end: Int
                    if let nl = base[start...].firstIndex(of: 0x0A) { end = nl } else if eof { end = filled } else { break }
                    let next = end + 1
                    lineNo += 1
                    if end > start && base[end - 1] == 0x0D { end -= 1 }
                    if end > start {
                        let line = UnsafeRawBufferPointer(rebasing: base[start..<end])
                        lines += 1
                        out.removeAll(keepingCapacity: true)
                        do {
                            switch try parser.parse(line, receiveTime: recv, into: &out) {
                            case .other:
                                skipped += 1
                                if try !emit(nil, line) { stop = true; return next }
                            case .market:
                                let isJSON = line[0] == UInt8(ascii: "{")
                                for i in out.indices {
                                    if !isJSON && out[i].seq == 0 { seq &+= 1; out[i].setSeq(seq) }
                                    events += 1
                                    // The raw line goes with the first event only.
                                    if try !emit(out[i], i == 0 ? line : UnsafeRawBufferPointer(start: nil, count: 0)) { stop = true; return next }
                                }
                            }
                        } catch let e as ReplayLineParser.LineError {
                            failed += 1
                            onLineError?(lineNo, e.description)
                        }
                    }
                    start = next
                }
                return min(start, filled)
            }
            if stop { return }
            if consumed > 0 {
                let rest = filled - consumed
                if rest > 0 {
                    buffer.withUnsafeMutableBytes { b in
                        let p = b.baseAddress!
                        memmove(p, p + consumed, rest)
                    }
                }
                filled = rest
            }
        }
    }
}
