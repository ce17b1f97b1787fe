import Book
import Foundation
import MarketData
import Redis

/// Keeps the live state in Redis, one pipelined round trip per delivery:
/// - `l1:{SYM}` hash: latest quote (bid, bid_size, ask, ask_size, quote_ts) and trade (last, last_size,
///   volume, trade_ts);
/// - `book:{SYM}` string: top-N levels per side as JSON, written once per symbol per delivery;
/// - `tape:{SYM}` stream of recent trades, capped with `XADD MAXLEN ~ N`;
/// - `md.{SYM}` pub/sub: one message per event as the same JSON the Kafka topics carry.
/// Writes are idempotent (a redelivery overwrites with the same values), except that a redelivered
/// trade is added to the tape again.
public final class RedisSink: EventSink {
    public let name: String
    public let maxEventsPerDelivery: Int
    public let lingerSeconds: Double = 0
    let client: RedisClient
    let depth: Int
    let tapeLength: Int
    let publish: Bool
    var books = BookSet(symbolCapacity: 4096)
    var pipeline = RedisPipeline(expectedCommands: 4096, expectedBytes: 1 << 20)
    var changedBooks: Set<Symbol> = []
    var json: [UInt8] = []
    var levels: [BookLevel] = []
    var key: [UInt8] = []

    public init(client: RedisClient, depth: Int = 10, tapeLength: Int = 1000, publish: Bool = true,
                maxEvents: Int = 20_000, name: String = "redis") {
        self.client = client
        self.depth = depth
        self.tapeLength = tapeLength
        self.publish = publish
        self.maxEventsPerDelivery = maxEvents
        self.name = name
        json.reserveCapacity(512)
    }

    public func deliver(_ batches: [[MarketEvent]]) throws {
        pipeline.reset()
        changedBooks.removeAll(keepingCapacity: true)
        for batch in batches {
            for e in batch { add(e) }
        }
        for symbol in changedBooks { addBook(symbol) }
        if pipeline.isEmpty { return }
        let result = try client.execute(pipeline)
        if result.errorCount > 0 {
            throw RedisSinkError.commandsFailed(result.errorCount, result.firstError ?? "")
        }
    }

    func add(_ e: MarketEvent) {
        switch e {
        case .quote(let q):
            pipeline.begin(); pipeline.arg("HSET"); keyArg("l1:", q.symbol)
            pipeline.arg("bid"); priceArg(q.bid); pipeline.arg("bid_size"); pipeline.arg(int: Int64(q.bidSize))
            pipeline.arg("ask"); priceArg(q.ask); pipeline.arg("ask_size"); pipeline.arg(int: Int64(q.askSize))
            pipeline.arg("quote_ts"); pipeline.arg(int: q.eventTime); pipeline.arg("recv_ts"); pipeline.arg(int: q.receiveTime)
            pipeline.arg("seq"); pipeline.arg(int: Int64(q.seq))
            publishEvent(e, q.symbol)
        case .trade(let t):
            pipeline.begin(); pipeline.arg("HSET"); keyArg("l1:", t.symbol)
            pipeline.arg("last"); priceArg(t.price); pipeline.arg("last_size"); pipeline.arg(int: Int64(t.size))
            pipeline.arg("volume"); pipeline.arg(int: Int64(t.totalVolume)); pipeline.arg("trade_ts"); pipeline.arg(int: t.eventTime)
            pipeline.arg("recv_ts"); pipeline.arg(int: t.receiveTime); pipeline.arg("seq"); pipeline.arg(int: Int64(t.seq))
            pipeline.begin(); pipeline.arg("XADD"); keyArg("tape:", t.symbol)
            pipeline.arg("MAXLEN"); pipeline.arg("~"); pipeline.arg(int: Int64(tapeLength)); pipeline.arg("*")
            pipeline.arg("ts"); pipeline.arg(int: t.eventTime); pipeline.arg("price"); priceArg(t.price)
            pipeline.arg("size"); pipeline.arg(int: Int64(t.size)); pipeline.arg("seq"); pipeline.arg(int: Int64(t.seq))
            publishEvent(e, t.symbol)
        case .book(let b):
            let r = books.apply(b)
            if r.topChanged || b.action == .clear { changedBooks.insert(b.symbol) }
        case .bar:
            break
        }
    }

    func addBook(_ symbol: Symbol) {
        json.removeAll(keepingCapacity: true)
        json.append(contentsOf: Array("{\"symbol\":\"".utf8)); json.append(contentsOf: symbol.text.utf8)
        json.append(contentsOf: Array("\",\"bids\":[".utf8))
        appendLevels(symbol, .bid)
        json.append(contentsOf: Array("],\"asks\":[".utf8))
        appendLevels(symbol, .ask)
        json.append(contentsOf: Array("]}".utf8))
        pipeline.begin(); pipeline.arg("SET"); keyArg("book:", symbol); pipeline.arg(bytes: json)
    }

    func appendLevels(_ symbol: Symbol, _ side: Side) {
        levels.removeAll(keepingCapacity: true)
        books.top(symbol, side, depth: depth, into: &levels)
        for (i, l) in levels.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "[")); l.price.write(to: &json); json.append(UInt8(ascii: ","))
            Price.appendDecimal(l.size, to: &json); json.append(UInt8(ascii: ","))
            Price.appendDecimal(UInt64(l.orderCount), to: &json); json.append(UInt8(ascii: "]"))
        }
    }

    func publishEvent(_ e: MarketEvent, _ symbol: Symbol) {
        guard publish else { return }
        json.removeAll(keepingCapacity: true)
        JSONEventEncoder.append(e, to: &json)
        pipeline.begin(); pipeline.arg("PUBLISH"); keyArg("md.", symbol); pipeline.arg(bytes: json)
    }

    func keyArg(_ prefix: StaticString, _ symbol: Symbol) {
        key.removeAll(keepingCapacity: true)
        prefix.withUTF8Buffer { key.append(contentsOf: $0) }
        key.append(contentsOf: symbol.text.utf8)
        pipeline.arg(bytes: key)
    }

    func priceArg(_ p: Price) {
        key.removeAll(keepingCapacity: true)
        p.write(to: &key)
        pipeline.arg(bytes: key)
    }
}

public enum RedisSinkError: Error, CustomStringConvertible {
    case commandsFailed(Int, String)
    public var description: String {
        switch self {
        case .commandsFailed(let n, let first): "redis rejected \(n) commands (first: \(first))"
        }
    }
}
