import ClickHouse
import Foundation
import MarketData

/// Connection settings for reading market tables.
public struct ReplayClickHouseConfig: Sendable {
    public var url: String
    public var user: String
    public var password: String
    public var database: String
    public init(url: String, user: String, password: String, database: String) {
        self.url = url; self.user = user; self.password = password; self.database = database
    }
}

/// Replays `market_ticks`, `market_l1` and `market_l2` from ClickHouse in event-time order.
///
/// One streaming `SELECT ... FINAL WHERE ts in [start, end) [AND symbol IN (...)] ORDER BY ts, seq
/// FORMAT RowBinary` per table, each on its own thread and connection, decoded into chunks of events
/// handed through a small bounded queue; the caller's thread merges the three heads by `(ts, seq)`.
/// Memory stays bounded (a few chunks per table) whatever the range. Time literals follow the
/// server's dialect (`SQLDialect.nanosLiteral`).
public final class ReplayClickHouseSource: ReplaySource {
    public let label: String
    let config: ReplayClickHouseConfig
    let start: Nanos?
    let end: Nanos?
    let symbols: [Symbol]
    public static let tables: [MarketTable] = [.ticks, .l1, .l2]
    /// Events read on the last pass.
    public private(set) var events = 0
    var dialect: SQLDialect = .modern

    public init(config: ReplayClickHouseConfig, start: Nanos?, end: Nanos?, symbols: [Symbol]) {
        self.config = config
        self.start = start
        self.end = end
        self.symbols = symbols
        label = "clickhouse \(config.database)"
    }

    /// Connects, learns the dialect and checks the tables exist. Throws `.clickhouseUnavailable`
    /// when the server cannot be reached or refuses the login, `.clickhouse` for other errors.
    public func prepare() throws(ReplayError) {
        do {
            let client = try ClickHouseClient(url: config.url, user: config.user, password: config.password, timeout: .seconds(10))
            dialect = SQLDialect(serverVersion: try client.version())
            for t in Self.tables where try !client.tableExists(database: config.database, table: t.rawValue) {
                throw ReplayError.clickhouse("table \(config.database).\(t.rawValue) does not exist (run `mdt query --schema`)")
            }
        } catch let e as ReplayError {
            throw e
        } catch let e as ClickHouseError {
            throw Self.map(e)
        } catch {
            throw .clickhouse("\(error)")
        }
    }

    static func map(_ e: ClickHouseError) -> ReplayError {
        switch e {
        case .unreachable, .timedOut, .authenticationFailed, .transport, .invalidURL: .clickhouseUnavailable(e.description)
        default: .clickhouse(e.description)
        }
    }

    /// The SELECT for one table.
    public func sql(_ table: MarketTable) -> String {
        var conds: [String] = []
        if let start { conds.append("ts >= \(dialect.nanosLiteral(start))") }
        if let end { conds.append("ts < \(dialect.nanosLiteral(end))") }
        if !symbols.isEmpty {
            conds.append("symbol IN (" + symbols.map { SQLText.literal($0.text) }.joined(separator: ", ") + ")")
        }
        var s = "SELECT \(MarketSchema.columnNames(table).joined(separator: ", ")) FROM \(config.database).\(table.rawValue) FINAL"
        if !conds.isEmpty { s += " WHERE " + conds.joined(separator: " AND ") }
        return s + " ORDER BY ts, seq"
    }

    public func run(_ emit: (MarketEvent?, UnsafeRawBufferPointer) throws -> Bool) throws {
        events = 0
        let queues = Self.tables.map { _ in ChunkQueue(capacity: 4) }
        var threads: [Thread] = []
        for (i, table) in Self.tables.enumerated() {
            let q = queues[i], sql = sql(table), cfg = config
            let t = Thread(named: "replay-\(table.rawValue)") { Self.produce(table: table, sql: sql, config: cfg, into: q) }
            t.stackSize = 1 << 20
            threads.append(t)
            t.start()
        }
        defer { for q in queues { q.cancel() } }
        // Merge: heads[i] = current chunk and index.
        var chunks: [[MarketEvent]] = Array(repeating: [], count: queues.count)
        var pos = Array(repeating: 0, count: queues.count)
        var done = Array(repeating: false, count: queues.count)
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        func refill(_ i: Int) throws {
            while !done[i] && pos[i] >= chunks[i].count {
                switch queues[i].take() {
                case .chunk(let c): chunks[i] = c; pos[i] = 0
                case .end: done[i] = true
                case .failed(let e): throw e
                }
            }
        }
        for i in queues.indices { try refill(i) }
        while true {
            var best = -1
            var bestT: Nanos = 0, bestS: UInt64 = 0
            for i in queues.indices where !done[i] {
                let e = chunks[i][pos[i]]
                let t = e.eventTime, s = e.seq
                if best < 0 || t < bestT || (t == bestT && s < bestS) { best = i; bestT = t; bestS = s }
            }
            if best < 0 { return }
            let e = chunks[best][pos[best]]
            pos[best] += 1
            events += 1
            if try !emit(e, none) { return }
            try refill(best)
        }
    }

    /// Runs on a producer thread: streams the table and pushes decoded chunks.
    static func produce(table: MarketTable, sql: String, config: ReplayClickHouseConfig, into q: ChunkQueue) {
        var pending: [UInt8] = []
        var chunk: [MarketEvent] = []
        chunk.reserveCapacity(4096)
        do {
            let client = try ClickHouseClient(url: config.url, user: config.user, password: config.password, timeout: nil)
            try client.queryStreaming(sql, format: "RowBinary") { bytes in
                if q.isCancelled { throw ReplayError.clickhouse("cancelled") }
                pending.append(contentsOf: bytes)
                var off = 0
                try pending.withUnsafeBytes { buf in
                    while let (e, next) = try RowBinaryRows.decode(table, buf, at: off) {
                        chunk.append(e)
                        off = next
                        if chunk.count >= 4096 {
                            guard q.put(chunk) else { throw ReplayError.clickhouse("cancelled") }
                            chunk.removeAll(keepingCapacity: true)
                        }
                    }
                }
                pending.removeFirst(off)
            }
            if !pending.isEmpty { throw ReplayError.clickhouse("\(table.rawValue): result ended inside a row (\(pending.count) bytes left)") }
            if !chunk.isEmpty { _ = q.put(chunk) }
            q.finish(nil)
        } catch let e as ClickHouseError {
            q.finish(map(e))
        } catch let e as ReplayError {
            q.finish(e)
        } catch {
            q.finish(.clickhouse("\(table.rawValue): \(error)"))
        }
    }
}

/// A bounded hand-over of event chunks from one producer thread to the merging thread.
final class ChunkQueue: @unchecked Sendable {
    enum Item { case chunk([MarketEvent]), end, failed(ReplayError) }
    let cond = NSCondition()
    var items: [[MarketEvent]] = []
    var finished = false
    var failure: ReplayError?
    var cancelled = false
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var isCancelled: Bool { cond.lock(); defer { cond.unlock() }; return cancelled }

    /// Blocks while full; false when cancelled.
    func put(_ c: [MarketEvent]) -> Bool {
        cond.lock(); defer { cond.unlock() }
        while items.count >= capacity && !cancelled { cond.wait() }
        if cancelled { return false }
        items.append(c)
        cond.broadcast()
        return true
    }

    func finish(_ error: ReplayError?) {
        cond.lock(); finished = true; failure = error; cond.broadcast(); cond.unlock()
    }

    func cancel() {
        cond.lock(); cancelled = true; cond.broadcast(); cond.unlock()
    }

    func take() -> Item {
        cond.lock(); defer { cond.unlock() }
        while items.isEmpty && !finished { cond.wait() }
        if !items.isEmpty {
            let c = items.removeFirst()
            cond.broadcast()
            return .chunk(c)
        }
        if let failure { return .failed(failure) }
        return .end
    }
}

/// Decodes `MarketSchema` rows (the mirror of `RowBinaryEncoder`) from a buffer that may end mid-row.
enum RowBinaryRows {
    struct Cursor {
        let b: UnsafeRawBufferPointer
        var o: Int
        mutating func u8() -> UInt8? { guard o < b.count else { return nil }; defer { o += 1 }; return b[o] }
        mutating func le<T: FixedWidthInteger>(_: T.Type) -> T? {
            let n = MemoryLayout<T>.size
            guard o + n <= b.count else { return nil }
            var v: T = 0
            for i in 0..<n { v |= T(truncatingIfNeeded: b[o + i]) << (8 * i) }
            o += n
            return v
        }
        mutating func string() -> UnsafeRawBufferPointer? {
            var len: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard let x = u8() else { return nil }
                len |= UInt64(x & 0x7F) << shift
                if x & 0x80 == 0 { break }
                shift += 7
                if shift > 63 { return nil }
            }
            guard len <= UInt64(b.count - o) else { return nil }
            defer { o += Int(len) }
            return UnsafeRawBufferPointer(rebasing: b[o..<(o + Int(len))])
        }
    }

    /// The row at `offset` and the offset after it; nil when the buffer ends inside the row.
    static func decode(_ table: MarketTable, _ buf: UnsafeRawBufferPointer, at offset: Int) throws(ReplayError) -> (MarketEvent, Int)? {
        var c = Cursor(b: buf, o: offset)
        guard let symBytes = c.string(), let ts = c.le(Int64.self), let rts = c.le(Int64.self), let seq = c.le(UInt64.self) else { return nil }
        let symbol: Symbol
        do { symbol = try Symbol(bytes: symBytes) } catch {
            throw .clickhouse("\(table.rawValue): bad symbol in row: \(error)")
        }
        switch table {
        case .ticks:
            guard let price = c.le(Int64.self), let size = c.le(UInt32.self), let tv = c.le(UInt64.self),
                  let bid = c.le(Int64.self), let ask = c.le(Int64.self), let tick = c.le(UInt64.self),
                  let basis = c.u8(), let mc = c.le(UInt16.self), let cond = c.le(UInt32.self), let ag = c.u8() else { return nil }
            return (.trade(Trade(symbol: symbol, eventTime: ts, receiveTime: rts, price: Price(raw: price), size: size, totalVolume: tv,
                                 bid: Price(raw: bid), ask: Price(raw: ask), tickID: tick, basis: basis, marketCenter: mc,
                                 conditions: cond, aggressor: ag, seq: seq)), c.o)
        case .l1:
            guard let bid = c.le(Int64.self), let bs = c.le(UInt32.self), let ask = c.le(Int64.self), let asz = c.le(UInt32.self),
                  let last = c.le(Int64.self), let tv = c.le(UInt64.self) else { return nil }
            return (.quote(Quote(symbol: symbol, eventTime: ts, receiveTime: rts, bid: Price(raw: bid), bidSize: bs,
                                 ask: Price(raw: ask), askSize: asz, last: Price(raw: last), totalVolume: tv, seq: seq)), c.o)
        case .l2:
            guard let a = c.u8(), let s = c.u8(), let price = c.le(Int64.self), let size = c.le(UInt32.self),
                  let oid = c.le(UInt64.self), let mm = c.string(), let oc = c.le(UInt32.self), let prio = c.le(UInt64.self) else { return nil }
            guard let action = BookAction(rawValue: a) else { throw .clickhouse("market_l2: unknown action \(a)") }
            guard let side = Side(rawValue: s) else { throw .clickhouse("market_l2: unknown side \(s)") }
            let mmid = mm.isEmpty ? 0 : BookUpdate.packMMID(String(decoding: mm, as: UTF8.self))
            return (.book(BookUpdate(symbol: symbol, eventTime: ts, receiveTime: rts, action: action, side: side, price: Price(raw: price),
                                     size: size, orderID: oid, mmid: mmid, orderCount: oc, priority: prio, seq: seq)), c.o)
        case .bars, .metrics:
            throw .clickhouse("\(table.rawValue) is not replayed")
        }
    }
}
