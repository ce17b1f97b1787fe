import MarketData

/// One side of a price ladder in contiguous arrays sorted worst -> best, so the best level is the
/// LAST element: updates near the top move few elements. Keys make both sides ascend toward the
/// best: a bid's key is its raw price, an ask's key is the bitwise NOT of its raw price
/// (order-reversing and free of overflow).
@usableFromInline
struct LadderSide: Sendable {
    @usableFromInline var keys: [Int64] = []
    @usableFromInline var sizes: [UInt64] = []
    @usableFromInline var counts: [UInt32] = []
    @usableFromInline let side: Side

    @usableFromInline
    init(side: Side, capacity: Int) {
        self.side = side
        keys.reserveCapacity(capacity); sizes.reserveCapacity(capacity); counts.reserveCapacity(capacity)
    }

    @inlinable static func key(_ price: Int64, _ side: Side) -> Int64 { side == .bid ? price : ~price }
    @inlinable func price(ofKey k: Int64) -> Int64 { side == .bid ? k : ~k }

    @inlinable var count: Int { keys.count }

    /// The level `depth` places from the best (0 = best).
    @inlinable
    func level(atDepth depth: Int) -> BookLevel? {
        let i = keys.count - 1 - depth
        if depth < 0 || i < 0 { return nil }
        return BookLevel(price: Price(raw: price(ofKey: keys[i])), size: sizes[i], orderCount: counts[i])
    }

    /// Top of this side as a comparable triple (a sentinel when empty), for change detection.
    @inlinable
    var topSignature: (Int64, UInt64, UInt32) {
        let n = keys.count
        if n == 0 { return (Int64.min, 0, 0) }
        return (keys[n - 1], sizes[n - 1], counts[n - 1])
    }

    /// Index of `key`, or where it would be inserted. Searches from the top end first, since most
    /// updates touch the first few levels, then falls back to binary search.
    @inlinable
    func find(_ key: Int64) -> (found: Bool, index: Int) {
        let n = keys.count
        var probe = n - 1
        let stop = Swift.max(0, n - 4)
        while probe >= stop {
            let k = keys[probe]
            if k == key { return (true, probe) }
            if k < key { return (false, probe + 1) }
            probe -= 1
        }
        var lo = 0
        var hi = stop
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return (lo < n && keys[lo] == key, lo)
    }

    /// Sets a level's size and count (inserting it when new). Size 0 removes it.
    /// Returns false when asked to remove a level that is not there.
    @inlinable
    @discardableResult
    mutating func set(price: Int64, size: UInt64, count: UInt32) -> Bool {
        let key = LadderSide.key(price, side)
        let (found, i) = find(key)
        if size == 0 {
            if found { remove(at: i); return true }
            return false
        }
        if found {
            sizes[i] = size; counts[i] = count
        } else {
            keys.insert(key, at: i); sizes.insert(size, at: i); counts.insert(count, at: i)
        }
        return true
    }

    /// Removes a level; false when it was not there.
    @inlinable
    mutating func delete(price: Int64) -> Bool {
        let (found, i) = find(LadderSide.key(price, side))
        if found { remove(at: i) }
        return found
    }

    /// Adds one order of `size` to the level at `price`.
    @inlinable
    mutating func addOrder(price: Int64, size: UInt64) {
        let key = LadderSide.key(price, side)
        let (found, i) = find(key)
        if found {
            sizes[i] &+= size; counts[i] &+= 1
        } else {
            keys.insert(key, at: i); sizes.insert(size, at: i); counts.insert(1, at: i)
        }
    }

    /// Takes one order of `size` off the level at `price`; the level goes when its last order goes.
    @inlinable
    mutating func removeOrder(price: Int64, size: UInt64) {
        let (found, i) = find(LadderSide.key(price, side))
        guard found else { return }
        if counts[i] <= 1 {
            remove(at: i)
        } else {
            counts[i] -= 1
            sizes[i] = sizes[i] >= size ? sizes[i] - size : 0
        }
    }

    /// Changes the size of one order resting at `price` (same level).
    @inlinable
    mutating func resizeOrder(price: Int64, from old: UInt64, to new: UInt64) {
        let (found, i) = find(LadderSide.key(price, side))
        guard found else { return }
        let s = sizes[i] &+ new
        sizes[i] = s >= old ? s - old : 0
    }

    @inlinable
    mutating func remove(at i: Int) {
        keys.remove(at: i); sizes.remove(at: i); counts.remove(at: i)
    }

    @inlinable
    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true); sizes.removeAll(keepingCapacity: true); counts.removeAll(keepingCapacity: true)
    }

    /// Appends up to `depth` levels, best first.
    @inlinable
    func appendTop(_ depth: Int, to out: inout [BookLevel]) {
        var i = keys.count - 1
        var n = 0
        while i >= 0 && n < depth {
            out.append(BookLevel(price: Price(raw: price(ofKey: keys[i])), size: sizes[i], orderCount: counts[i]))
            i -= 1; n += 1
        }
    }

    /// Levels sorted strictly worst -> best and every size/count positive.
    func isWellFormed(requireCounts: Bool) -> Bool {
        for i in 0..<keys.count {
            if sizes[i] == 0 { return false }
            if requireCounts && counts[i] == 0 { return false }
            if i > 0 && keys[i - 1] >= keys[i] { return false }
        }
        return true
    }
}
