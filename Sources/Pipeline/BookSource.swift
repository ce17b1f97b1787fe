import Book
import Foundation
import MarketData

/// Why a book source (`mdt book`) could not deliver a book. `description` is one line naming what and where.
public enum BookSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source does not know the symbol (IQFeed `n,SYM`, no ClickHouse rows). Bad input: exit 65.
    case unknownSymbol(String)
    /// The source has no data for what was asked (empty time range, `--at` before the first row). Exit 65.
    case noData(String)
    /// Data that cannot be decoded (a malformed Kafka message or ClickHouse row). Exit 65.
    case badData(String)
    /// The service cannot be reached (connection refused, no broker). Exit 69.
    case unavailable(String)
    /// Anything else (a server error, a refused login). Exit 1.
    case failed(String)

    public var description: String {
        switch self {
        case .unknownSymbol(let m), .noData(let m), .badData(let m), .unavailable(let m), .failed(let m): m
        }
    }
}

/// What a tracked book looks like beyond its levels: counts, times and rate.
public struct BookTrackerStats: Sendable, Equatable {
    /// Updates applied (for the tracked symbol).
    public var updates: UInt64
    /// Wall time (UTC ns) the last update was applied; 0 before any.
    public var lastUpdateWall: Nanos
    /// Updates per second over the last few seconds.
    public var rate: Double
    /// Inconsistencies the book counted.
    public var counters: BookCounters
}

/// One symbol's book, fed by a source thread and read by the command's render loop.
///
/// `apply` takes every update of the source, ignores other symbols, and (when `onChange` is set)
/// calls `onChange` with the top-`depth` snapshot after each update that changed it. Thread-safe:
/// one thread applies, any thread reads.
public final class BookTracker: @unchecked Sendable {
    public let symbol: Symbol
    public let depth: Int
    private let lock = NSLock()
    private let changed = NSCondition()
    private var book: OrderBook
    private var updates: UInt64 = 0
    private var lastWall: Nanos = 0
    private var lastBids: [BookLevel] = []
    private var lastAsks: [BookLevel] = []
    private var scratch: [BookLevel] = []
    /// Per-second update counts for the rate: (second, count), newest last.
    private var buckets: [(second: Int64, count: UInt64)] = []
    private let onChange: (@Sendable (BookSnapshot) -> Void)?
    private let clock: @Sendable () -> Nanos

    /// `onChange`: called (on the applying thread) with the top-`depth` snapshot after every update
    /// that changed it. `clock`: wall time for "last update" and the rate (injectable for tests).
    public init(symbol: Symbol, depth: Int, onChange: (@Sendable (BookSnapshot) -> Void)? = nil,
                clock: @escaping @Sendable () -> Nanos = BookTracker.wallNow) {
        self.symbol = symbol
        self.depth = max(1, depth)
        self.onChange = onChange
        self.clock = clock
        book = OrderBook(orderCapacity: 1024, levelCapacity: 64)
        let room = min(self.depth, 256)
        lastBids.reserveCapacity(room); lastAsks.reserveCapacity(room); scratch.reserveCapacity(room)
    }

    public static let wallNow: @Sendable () -> Nanos = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Applies an update of the tracked symbol (others are ignored); returns whether it was applied.
    @discardableResult
    public func apply(_ u: BookUpdate) -> Bool {
        guard u.symbol == symbol else { return false }
        var snapshot: BookSnapshot?
        lock.lock()
        book.apply(u)
        updates &+= 1
        let now = clock()
        lastWall = now
        let second = now / Time.nanosPerSecond
        if let last = buckets.last, last.second == second {
            buckets[buckets.count - 1].count &+= 1
        } else {
            buckets.append((second, 1))
            if buckets.count > 8 { buckets.removeFirst(buckets.count - 8) }
        }
        if onChange != nil && topChangedLocked() {
            snapshot = BookSnapshot(symbol: symbol, eventTime: book.lastEventTime, bids: lastBids, asks: lastAsks)
        }
        lock.unlock()
        changed.lock(); changed.broadcast(); changed.unlock()
        if let snapshot { onChange?(snapshot) }
        return true
    }

    /// Forgets the book (both sides) before a re-snapshot, e.g. after the live feed reconnected.
    public func reset() {
        lock.lock()
        book.reset()
        lastBids.removeAll(keepingCapacity: true); lastAsks.removeAll(keepingCapacity: true)
        lock.unlock()
        changed.lock(); changed.broadcast(); changed.unlock()
    }

    /// Compares the top `depth` levels with the last ones seen; keeps the new ones when different.
    private func topChangedLocked() -> Bool {
        var differs = false
        book.top(.bid, depth: depth, into: &scratch)
        if scratch != lastBids { swap(&scratch, &lastBids); differs = true }
        book.top(.ask, depth: depth, into: &scratch)
        if scratch != lastAsks { swap(&scratch, &lastAsks); differs = true }
        return differs
    }

    /// The top `depth` levels per side now.
    public func snapshot() -> BookSnapshot {
        lock.lock(); defer { lock.unlock() }
        return book.snapshot(depth: depth, symbol: symbol)
    }

    /// The whole book (every level) now.
    public func fullSnapshot() -> BookSnapshot {
        lock.lock(); defer { lock.unlock() }
        return book.snapshot(symbol: symbol)
    }

    public var stats: BookTrackerStats {
        lock.lock(); defer { lock.unlock() }
        return BookTrackerStats(updates: updates, lastUpdateWall: lastWall, rate: rateLocked(), counters: book.counters)
    }

    /// Updates applied so far (cheap change check for redraws).
    public var updateCount: UInt64 { lock.lock(); defer { lock.unlock() }; return updates }

    /// Updates per second over the last (up to) 5 complete seconds.
    private func rateLocked() -> Double {
        guard let first = buckets.first else { return 0 }
        let nowSecond = clock() / Time.nanosPerSecond
        let from = max(first.second, nowSecond - 5)
        let span = nowSecond - from
        guard span > 0 else { return Double(buckets.last?.count ?? 0) }
        var n: UInt64 = 0
        for b in buckets where b.second >= from && b.second < nowSecond { n &+= b.count }
        return Double(n) / Double(span)
    }

    /// Blocks until an update is applied or `timeout` seconds pass (for render loops).
    public func waitForUpdate(after count: UInt64, timeout: Double) {
        let deadline = Date().addingTimeInterval(timeout)
        changed.lock()
        while updateCount == count && Date() < deadline {
            if !changed.wait(until: deadline) { break }
        }
        changed.unlock()
    }
}

/// A source that keeps delivering updates (`--source live|kafka`): the command calls `pump`
/// in its render loop.
public protocol FollowingBookSource: AnyObject {
    /// Waits up to `timeout` seconds for more data and applies it to the tracker. Throws a fatal
    /// error of the source (unknown symbol, lost service).
    func pump(timeout: Double) throws(BookSourceError)
    /// Stops and releases connections.
    func close()
}
