import Book
import Foundation
import MarketData
import Redis

/// What the Redis sink publishes on `md.{SYM}`.
public enum RedisPublishMode: String, Sendable, CaseIterable {
    /// Every trade and quote, one message each.
    case all
    /// Per symbol and delivery, the latest quote and the latest trade (a conflated live view: at low
    /// rates every event is its own delivery, under load subscribers see the newest state, not a backlog).
    case latest
    /// Nothing is published.
    case off
}

/// Keeps the live state in Redis, pipelined: a delivery's commands are written to Redis every
/// `sendEvery` commands as they are built (Redis works on them while the rest is built) and the replies of
/// the whole delivery are read once at the end. Redis is the cache of the *latest* state, so each delivery
/// is conflated per symbol (under a backlog deliveries grow, and conflation with them):
/// - `l1:{SYM}` hash: latest quote (bid, bid_size, ask, ask_size, quote_ts) and trade (last, last_size,
///   volume, trade_ts), plus recv_ts and seq of the newest of the two: ONE `HSET` per symbol per delivery;
/// - `book:{SYM}` string: top-N levels per side as JSON, written once per symbol per delivery;
/// - `tape:{SYM}` stream: every trade (`XADD MAXLEN ~ N`), in order;
/// - `md.{SYM}` pub/sub: the same JSON the Kafka topics carry, per `RedisPublishMode`.
/// Writes are idempotent (a redelivery overwrites with the same values), except that a redelivered
/// trade is added to the tape again.
public final class RedisSink: EventSink {
    public let name: String
    public let maxEventsPerDelivery: Int
    public let lingerSeconds: Double = 0
    let client: RedisClient
    /// The books and the per-delivery state; a struct, so building a delivery's commands makes one
    /// run-time exclusivity check on this property instead of one per access to each stored var.
    var builder: RedisCommandBuilder
    /// Commands sent by the last delivery (for tests and benchmarks).
    public private(set) var lastCommandCount = 0

    public init(client: RedisClient, depth: Int = 10, tapeLength: Int = 1000, publish: RedisPublishMode = .latest,
                maxEvents: Int = 20_000, name: String = "redis") {
        self.client = client
        self.builder = RedisCommandBuilder(depth: depth, tapeLength: tapeLength, publish: publish)
        self.maxEventsPerDelivery = maxEvents
        self.name = name
    }

    /// Commands written to Redis together while a delivery is being built: small enough that Redis starts
    /// early (well under a millisecond of building), large enough that the writes stay few.
    public static let sendEvery = 256

    public func deliver(_ batches: [[MarketEvent]]) throws {
        var commands = 0
        try builder.build(batches, sendEvery: Self.sendEvery) { commands += try client.send($0) }
        lastCommandCount = commands
        let result = try client.receive()
        if result.errorCount > 0 {
            throw RedisSinkError.commandsFailed(result.errorCount, result.firstError ?? "")
        }
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
