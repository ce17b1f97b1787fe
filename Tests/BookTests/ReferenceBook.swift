import Book
import MarketData

/// A deliberately simple model of a book: dictionaries, sorted only when a snapshot is asked for.
struct ReferenceBook {
    var levels: [Side: [Int64: (size: UInt64, count: UInt32)]] = [.bid: [:], .ask: [:]]
    var orders: [OrderKey: (side: Side, price: Int64, size: UInt32)] = [:]
    var lastTime: Nanos = 0

    func snapshot() -> BookSnapshot {
        func side(_ s: Side) -> [BookLevel] {
            let sorted = (levels[s] ?? [:]).sorted { s == .bid ? $0.key > $1.key : $0.key < $1.key }
            return sorted.map { BookLevel(price: Price(raw: $0.key), size: $0.value.size, orderCount: $0.value.count) }
        }
        return BookSnapshot(eventTime: lastTime, bids: side(.bid), asks: side(.ask))
    }

    func best(_ s: Side) -> BookLevel? { snapshot().best(s) }

    mutating func setLevel(_ s: Side, _ p: Int64, _ size: UInt64, _ count: UInt32) {
        if size == 0 { levels[s]?[p] = nil } else { levels[s]?[p] = (size, count) }
    }

    mutating func addOrder(_ k: OrderKey, _ s: Side, _ p: Int64, _ size: UInt32) {
        orders[k] = (s, p, size)
        let cur = levels[s]?[p] ?? (0, 0)
        levels[s]?[p] = (cur.size + UInt64(size), cur.count + 1)
    }

    mutating func removeOrder(_ k: OrderKey) {
        guard let o = orders.removeValue(forKey: k), let cur = levels[o.side]?[o.price] else { return }
        levels[o.side]?[o.price] = cur.count == 1 ? nil : (cur.size - UInt64(o.size), cur.count - 1)
    }

    mutating func clear(_ s: Side) {
        levels[s] = [:]
        orders = orders.filter { $0.value.side != s }
    }

    /// Levels recomputed from the orders (for the MBO cross-check).
    func aggregatedFromOrders() -> [Side: [Int64: (size: UInt64, count: UInt32)]] {
        var out: [Side: [Int64: (size: UInt64, count: UInt32)]] = [.bid: [:], .ask: [:]]
        for o in orders.values {
            let cur = out[o.side]?[o.price] ?? (0, 0)
            out[o.side]?[o.price] = (cur.size + UInt64(o.size), cur.count + 1)
        }
        return out
    }
}
