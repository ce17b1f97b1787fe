import ClickHouse
import Foundation
import IQFeed
import IQFeedServer
import Manifest
import MarketData
import MDTTestSupport
@testable import Pipeline

struct DownloadTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// An in-process IQFeed server (lookup port only), a fresh ClickHouse database and a scratch manifest.
final class DownloadFixture {
    let server: IQFeedServer
    let database: String
    let ch: DownloadClickHouse
    let dir: String
    let manifest: Manifest
    let client: ClickHouseClient

    init(lookupRateLimit: Double? = nil) throws {
        var cfg = IQFeedServerConfiguration()
        cfg.ports = [.lookup: 0]
        cfg.seed = 7
        cfg.universe = SymbolUniverse(seed: 7, count: 20)
        cfg.history = HistoryConfiguration(ticksPerDay: 200...600, tickLookbackDays: 3660)  // the tests ask for March 2026
        cfg.lookupRateLimit = lookupRateLimit
        server = IQFeedServer(configuration: cfg)
        try server.start()
        let url = try TestServices.require(.clickhouse)
        database = "mdt_dl_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        ch = DownloadClickHouse(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword, database: database)
        dir = NSTemporaryDirectory() + "mdt-dl-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        manifest = try Manifest.open(path: dir + "/manifest.db")
        client = try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
    }

    deinit {
        server.stop()
        _ = try? client.execute("DROP DATABASE IF EXISTS \(database)")
        try? FileManager.default.removeItem(atPath: dir)
    }

    var lookupPort: Int { Int(server.port(.lookup) ?? 0) }

    /// Equity symbols of the server's universe.
    func equities(_ n: Int) -> [Symbol] {
        Array(server.universe.instruments.filter { !$0.isFuture }.prefix(n).map(\.symbol))
    }

    func configuration(concurrency: Int = 4, rate: Double = 1000) -> DownloaderConfiguration {
        var c = DownloaderConfiguration(clickhouse: ch)
        c.lookupPort = lookupPort
        c.lookupRate = rate
        c.concurrency = concurrency
        c.chunkRows = 97  // several inserts per unit
        c.retryBackoff = 0
        return c
    }

    func run(_ units: [DownloadUnit], _ edit: (inout DownloaderConfiguration) -> Void = { _ in }) throws -> (DownloadRunSummary, [DownloadUnitReport]) {
        var c = configuration()
        edit(&c)
        let d = Downloader(configuration: c, manifest: manifest)
        let box = Reports()
        let s = try d.run(units) { box.add($0) }
        return (s, box.all)
    }

    func count(_ table: String, final: Bool = false, where cond: String = "1") throws -> UInt64 {
        try client.rowCount(table: "\(database).\(table)", where: cond, final: final)
    }

    /// Stored ticks of a symbol (FINAL, by time), as the Trade fields that travel through IQFeed.
    func storedTicks(_ symbol: Symbol) throws -> [Trade] {
        let bytes = try client.query(
            "SELECT ts, price, size, total_volume, bid, ask, tick_id, basis, market_center, conditions, aggressor, seq FROM \(database).market_ticks FINAL WHERE symbol = \(SQLText.literal(symbol.text)) ORDER BY ts, seq",
            format: "RowBinary")
        var r = RowBinaryReader(bytes)
        var out: [Trade] = []
        while !r.isAtEnd {
            let ts = try r.readInt64(), price = try r.readInt64(), size = try r.readUInt32(), tv = try r.readUInt64()
            let bid = try r.readInt64(), ask = try r.readInt64(), tick = try r.readUInt64(), basis = try r.readUInt8()
            let mc = try r.readUInt16(), cond = try r.readUInt32(), aggr = try r.readUInt8(), seq = try r.readUInt64()
            out.append(Trade(symbol: symbol, eventTime: ts, price: Price(raw: price), size: size, totalVolume: tv, bid: Price(raw: bid),
                             ask: Price(raw: ask), tickID: tick, basis: basis, marketCenter: mc, conditions: cond, aggressor: aggr, seq: seq))
        }
        return out
    }

    func storedBars(_ symbol: Symbol, _ kind: BarKind) throws -> [Bar] {
        let bytes = try client.query(
            "SELECT ts, open, high, low, close, period_volume, total_volume, trades, open_interest FROM \(database).market_bars FINAL WHERE symbol = \(SQLText.literal(symbol.text)) AND interval_s = \(kind.storedInterval) ORDER BY ts",
            format: "RowBinary")
        var r = RowBinaryReader(bytes)
        var out: [Bar] = []
        while !r.isAtEnd {
            let ts = try r.readInt64()
            let o = try r.readInt64(), h = try r.readInt64(), l = try r.readInt64(), c = try r.readInt64()
            let pv = try r.readUInt64(), tv = try r.readUInt64(), n = try r.readUInt32(), oi = try r.readUInt64()
            out.append(Bar(symbol: symbol, time: ts, kind: kind, open: Price(raw: o), high: Price(raw: h), low: Price(raw: l), close: Price(raw: c),
                           periodVolume: pv, totalVolume: tv, trades: n, openInterest: oi))
        }
        return out
    }

    /// The server's own ticks for `[from, to)`, with the seq the downloader gives them (the TickID).
    func expectedTicks(_ symbol: Symbol, _ range: DownloadRange) -> [Trade] {
        server.historySource.ticks(symbol, from: range.from, to: range.to - 1).map { t in
            var t = t
            t.seq = t.tickID
            t.receiveTime = 0
            return t
        }
    }
}

final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DownloadUnitReport] = []
    func add(_ r: DownloadUnitReport) { lock.lock(); items.append(r); lock.unlock() }
    var all: [DownloadUnitReport] { lock.lock(); defer { lock.unlock() }; return items }
}

func easternRange(_ from: String, _ to: String) throws -> DownloadRange {
    guard let f = DownloadRange.parseEastern(from), let t = DownloadRange.parseEastern(to, endOfDay: true) else {
        throw DownloadTestError("bad range \(from)..\(to)")
    }
    return DownloadRange(from: f, to: t)
}

/// Receive times differ run to run: compare everything else.
func sameTicks(_ a: [Trade], _ b: [Trade]) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        var x = x, y = y
        x.receiveTime = 0; y.receiveTime = 0
        if x != y { return false }
    }
    return true
}
