import Book
import ClickHouse
import Logging
import MarketData

/// `mdt book --source clickhouse`: the book of one symbol as of time T, rebuilt from `market_l2`.
///
/// The symbol's rows with `ts <= T` are read `FINAL` (duplicates from retried inserts collapsed),
/// ordered by `(ts, seq)`, as RowBinary, streamed, and applied to an `OrderBook`. Where the replay
/// starts:
/// - at the later of the latest `clear` rows of the two sides when both sides have one (`S,CLEAR DEPTH`:
///   nothing before it matters);
/// - otherwise at `replayFrom` when given, else at the start of T's US/Eastern calendar day;
/// - and when that window holds no rows but earlier ones exist, from the symbol's first row.
public struct ClickHouseBookSource {
    /// What a rebuild read.
    public struct Rebuild: Sendable, Equatable {
        /// The book at T (up to the requested depth).
        public var snapshot: BookSnapshot
        /// Rows applied.
        public var rows: UInt64
        /// The first `ts` the replay read from (UTC ns).
        public var from: Nanos
        /// Whether the start came from `clear` rows on both sides.
        public var fromClear: Bool
        /// Inconsistencies the book counted while replaying.
        public var counters: BookCounters
    }

    let client: ClickHouseClient
    public let database: String
    let logger: Logger

    public init(client: ClickHouseClient, database: String, logger: Logger) {
        self.client = client
        self.database = database
        self.logger = logger
    }

    var table: String { "\(database).\(MarketTable.l2.rawValue)" }
    var endpoint: String { client.endpoint.description }

    /// Rebuilds `symbol`'s book as of `at` (inclusive). Throws `.unknownSymbol` when the table has no
    /// row for it, `.noData` when `at` is before its first row.
    public func rebuild(symbol: Symbol, at: Nanos, depth: Int = Int.max, replayFrom: Nanos? = nil) throws(BookSourceError) -> Rebuild {
        let dialect = SQLDialect(serverVersion: try call { try client.version() })
        let sym = SQLText.literal(symbol.text)
        let ns = dialect.tsToNanos("ts")
        let stats = try call {
            try client.queryText("SELECT count(), toInt64(min(\(ns))) FROM \(table) WHERE symbol = \(sym)", format: "TabSeparated")
        }
        let parts = stats.split(separator: "\t")
        guard parts.count == 2, let count = UInt64(parts[0]), let first = Int64(parts[1]) else {
            throw .failed("unexpected answer from ClickHouse at \(endpoint): '\(stats)'")
        }
        guard count > 0 else {
            throw .unknownSymbol("no Level 2 rows for symbol '\(symbol.text)' in \(table) at \(endpoint)")
        }
        guard first <= at else {
            throw .noData("\(Time.iso8601(at)) is before the first Level 2 row for '\(symbol.text)' in \(table) (\(Time.iso8601(first)))")
        }
        let atLiteral = dialect.nanosLiteral(at)
        let clears = try call {
            try client.queryText("""
                SELECT toString(side), toInt64(max(\(ns))) FROM \(table) \
                WHERE symbol = \(sym) AND action = 'clear' AND ts <= \(atLiteral) GROUP BY side
                """, format: "TabSeparated")
        }
        var clearAt: [String: Int64] = [:]
        for line in clears.split(separator: "\n") {
            let f = line.split(separator: "\t")
            if f.count == 2, let t = Int64(f[1]) { clearAt[String(f[0])] = t }
        }
        var from: Nanos
        var fromClear = false
        if let b = clearAt["bid"], let a = clearAt["ask"] {
            from = min(a, b)
            fromClear = true
        } else {
            from = replayFrom ?? Self.easternDayStart(at)
        }
        var result = try replay(symbol: symbol, dialect: dialect, from: from, at: at, depth: depth)
        if result.rows == 0 && from > first {
            logger.info("no rows between \(Time.iso8601(from)) and \(Time.iso8601(at)); replaying from the first row")
            from = first
            result = try replay(symbol: symbol, dialect: dialect, from: from, at: at, depth: depth)
        }
        return Rebuild(snapshot: result.snapshot, rows: result.rows, from: from, fromClear: fromClear, counters: result.counters)
    }

    /// Midnight US/Eastern of the day `t` falls on, as UTC ns.
    public static func easternDayStart(_ t: Nanos) -> Nanos {
        let l = Eastern.local(t)
        return Eastern.utcNanos(year: l.year, month: l.month, day: l.day)
    }

    /// The SELECT a rebuild streams (RowBinary): `ts, receive_ts, seq, action, side, price, size,
    /// order_id, mmid, order_count, priority` of one symbol in `[from, at]`, `FINAL`, by `(ts, seq)`.
    public func replaySQL(symbol: Symbol, dialect: SQLDialect, from: Nanos, at: Nanos) -> String {
        """
        SELECT toInt64(\(dialect.tsToNanos("ts"))), toInt64(\(dialect.tsToNanos("receive_ts"))), seq, action, side, price, size, \
        order_id, mmid, order_count, priority FROM \(table) FINAL \
        WHERE symbol = \(SQLText.literal(symbol.text)) AND ts >= \(dialect.nanosLiteral(from)) AND ts <= \(dialect.nanosLiteral(at)) \
        ORDER BY ts, seq
        """
    }

    func replay(symbol: Symbol, dialect: SQLDialect, from: Nanos, at: Nanos, depth: Int) throws(BookSourceError)
        -> (snapshot: BookSnapshot, rows: UInt64, counters: BookCounters)
    {
        var book = OrderBook(orderCapacity: 1024, levelCapacity: 64)
        var decoder = L2RowDecoder(symbol: symbol)
        var rows: UInt64 = 0
        var decodeError: BookSourceError?
        let sql = replaySQL(symbol: symbol, dialect: dialect, from: from, at: at)
        do {
            try client.queryStreaming(sql, format: "RowBinary") { chunk in
                do throws(BookSourceError) {
                    try decoder.feed(chunk) { u in book.apply(u); rows &+= 1 }
                } catch {
                    decodeError = error
                    throw error
                }
            }
        } catch let e as ClickHouseError {
            throw Self.map(e, endpoint: endpoint, table: table)
        } catch {
            if let decodeError { throw decodeError }
            throw .failed("ClickHouse at \(endpoint): \(error)")
        }
        if decoder.pendingBytes > 0 {
            throw .badData("ClickHouse at \(endpoint) returned \(decoder.pendingBytes) trailing bytes that are not a whole market_l2 row")
        }
        return (book.snapshot(depth: depth, symbol: symbol), rows, book.counters)
    }

    func call<R>(_ body: () throws -> R) throws(BookSourceError) -> R {
        do { return try body() } catch let e as ClickHouseError {
            throw Self.map(e, endpoint: endpoint, table: table)
        } catch {
            throw .failed("ClickHouse at \(endpoint): \(error)")
        }
    }

    static func map(_ e: ClickHouseError, endpoint: String, table: String) -> BookSourceError {
        switch e {
        case .unreachable, .timedOut: return .unavailable(e.description)
        case .transport(let t) where t.isRetriable: return .unavailable(e.description)
        case .server(let code, _, _, _) where code == 60 || code == 81:
            return .noData("no table \(table) at ClickHouse \(endpoint) (nothing collected there yet?)")
        default: return .failed(e.description)
        }
    }
}

/// Decodes the RowBinary rows of `ClickHouseBookSource.replaySQL` from chunks that do not align
/// with rows (a partial row waits for the next chunk).
struct L2RowDecoder {
    let symbol: Symbol
    var pending: [UInt8] = []
    var pendingBytes: Int { pending.count }

    init(symbol: Symbol) {
        self.symbol = symbol
        pending.reserveCapacity(1 << 16)
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (BookUpdate) -> Void) throws(BookSourceError) {
        pending.append(contentsOf: chunk)
        var consumed = 0
        let sym = symbol
        let outcome: BookSourceError? = pending.withUnsafeBytes { buf in
            while true {
                var r = Cursor(buf: buf, at: consumed)
                guard let ts = r.i64(), let recv = r.i64(), let seq = r.u64(), let action = r.u8(), let side = r.u8(),
                      let price = r.i64(), let size = r.u32(), let orderID = r.u64(), let mmid = r.string(),
                      let count = r.u32(), let priority = r.u64() else { return nil }
                guard let a = BookAction(rawValue: action) else {
                    return .badData("market_l2 row at byte \(consumed): unknown action value \(action)")
                }
                guard side <= 1, let s = Side(rawValue: side) else {
                    return .badData("market_l2 row at byte \(consumed): unknown side value \(side)")
                }
                var packed: UInt32 = 0
                for b in mmid.prefix(4) { packed = packed << 8 | UInt32(b) }
                body(BookUpdate(symbol: sym, eventTime: ts, receiveTime: recv, action: a, side: s, price: Price(raw: price),
                                size: size, orderID: orderID, mmid: packed, orderCount: count, priority: priority, seq: seq))
                consumed = r.at
            }
        }
        if consumed > 0 { pending.removeFirst(consumed) }
        if let outcome { throw outcome }
    }

    /// Little-endian reads that return nil at the end of the buffer.
    struct Cursor {
        let buf: UnsafeRawBufferPointer
        var at: Int

        init(buf: UnsafeRawBufferPointer, at: Int) { self.buf = buf; self.at = at }

        mutating func fixed<T: FixedWidthInteger>(_: T.Type) -> T? {
            let n = MemoryLayout<T>.size
            guard at + n <= buf.count else { return nil }
            var v: T = 0
            for i in 0..<n { v |= T(truncatingIfNeeded: buf[at + i]) << (8 * i) }
            at += n
            return v
        }
        mutating func i64() -> Int64? { fixed(Int64.self) }
        mutating func u64() -> UInt64? { fixed(UInt64.self) }
        mutating func u32() -> UInt32? { fixed(UInt32.self) }
        mutating func u8() -> UInt8? { fixed(UInt8.self) }

        /// A LEB128 length then that many bytes.
        mutating func string() -> UnsafeRawBufferPointer? {
            var len = 0
            var shift = 0
            while true {
                guard at < buf.count, shift < 63 else { return nil }
                let b = buf[at]
                at += 1
                len |= Int(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
            }
            guard len >= 0, at + len <= buf.count else { return nil }
            defer { at += len }
            return UnsafeRawBufferPointer(rebasing: buf[at..<(at + len)])
        }
    }
}
