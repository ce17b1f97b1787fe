import MarketData

/// One price level inside a ladder: the side's key (see `LadderSide`), total size and order count.
/// Stored together so an update touches one element (one or two cache lines), not three arrays.
@usableFromInline
struct LadderLevel: Sendable, Equatable {
    @usableFromInline var key: Int64
    @usableFromInline var size: UInt64
    @usableFromInline var count: UInt32

    @inlinable init(key: Int64, size: UInt64, count: UInt32) { self.key = key; self.size = size; self.count = count }
}

/// One side of a price ladder in one contiguous array sorted worst -> best, so the best level is the
/// LAST element: updates near the top move few elements. Keys make both sides ascend toward the
/// best: a bid's key is its raw price, an ask's key is the bitwise NOT of its raw price
/// (order-reversing and free of overflow).
///
/// `count` mirrors `levels.count` and `topKey` the best level's key (`Int64.min` when empty), both
/// stored in the book itself: a search needs only the array's base address (not its header, one cache
/// miss less on the critical path) and the crossed check reads two words of the book instead of both
/// ladders. Every mutation keeps them in step and reports whether the best level (key, size or count)
/// changed, so callers never compare tops before and after.
@usableFromInline
struct LadderSide: Sendable {
    @usableFromInline var levels: [LadderLevel] = []
    @usableFromInline var count = 0
    @usableFromInline var topKey: Int64 = LadderSide.emptyKey

    @usableFromInline static let emptyKey = Int64.min

    @usableFromInline
    init(capacity: Int) {
        levels.reserveCapacity(capacity)
    }

    @inlinable static func key(_ price: Int64, _ side: Side) -> Int64 { side == .bid ? price : ~price }
    @inlinable static func price(ofKey k: Int64, _ side: Side) -> Int64 { side == .bid ? k : ~k }

    /// The level `depth` places from the best (0 = best).
    @inlinable
    func level(atDepth depth: Int, _ side: Side) -> BookLevel? {
        let i = count - 1 - depth
        if depth < 0 || i < 0 { return nil }
        let l = levels[i]
        return BookLevel(price: Price(raw: LadderSide.price(ofKey: l.key, side)), size: l.size, orderCount: l.count)
    }

    /// Index of `key`, or where it would be inserted. Searches from the top end first, since most
    /// updates touch the first few levels, then falls back to binary search.
    @inlinable
    func find(_ key: Int64) -> (found: Bool, index: Int) {
        let n = count
        return levels.withUnsafeBufferPointer { all in
            // `n` from the book, not `all.count` from the array header: the header load is then dead.
            let b = UnsafeBufferPointer(start: all.baseAddress, count: n)
            var probe = n - 1
            let stop = Swift.max(0, n - 4)
            while probe >= stop {
                let k = b[probe].key
                if k == key { return (true, probe) }
                if k < key { return (false, probe + 1) }
                probe -= 1
            }
            var lo = 0
            var hi = stop
            while lo < hi {
                let mid = (lo &+ hi) >> 1
                if b[mid].key < key { lo = mid + 1 } else { hi = mid }
            }
            return (lo < n && b[lo].key == key, lo)
        }
    }

    @inlinable
    mutating func refreshTop() {
        topKey = levels.last?.key ?? LadderSide.emptyKey
    }

    /// Inserts a new level at `i` (from `find`); true when it became the best.
    @inlinable
    mutating func insert(_ l: LadderLevel, at i: Int) -> Bool {
        let top = i == count
        levels.insert(l, at: i)
        count += 1
        if top { topKey = l.key }
        return top
    }

    /// Removes the level at `i`; true when it was the best.
    @inlinable
    mutating func remove(at i: Int) -> Bool {
        let top = i == count - 1
        levels.remove(at: i)
        count -= 1
        if top { refreshTop() }
        return top
    }

    /// Sets a level's size and count (inserting it when new). Size 0 removes it.
    /// `found` is false when asked to remove a level that is not there; `top` when the best level changed.
    @inlinable
    mutating func set(key: Int64, size: UInt64, count c: UInt32) -> (found: Bool, top: Bool) {
        let (found, i) = find(key)
        if size == 0 {
            return found ? (true, remove(at: i)) : (false, false)
        }
        if found {
            let isTop = i == count - 1
            return levels.withUnsafeMutableBufferPointer { b in
                let changed = isTop && (b[i].size != size || b[i].count != c)
                b[i].size = size; b[i].count = c
                return (true, changed)
            }
        }
        return (false, insert(LadderLevel(key: key, size: size, count: c), at: i))
    }

    /// Removes a level. `found` is false when it was not there; `top` when the best level changed.
    @inlinable
    mutating func delete(key: Int64) -> (found: Bool, top: Bool) {
        let (found, i) = find(key)
        return found ? (true, remove(at: i)) : (false, false)
    }

    /// Adds one order of `size` to the level at `key`; true when the best level changed.
    @inlinable
    mutating func addOrder(key: Int64, size: UInt64) -> Bool {
        let (found, i) = find(key)
        if found {
            let isTop = i == count - 1
            levels.withUnsafeMutableBufferPointer { b in b[i].size &+= size; b[i].count &+= 1 }
            return isTop
        }
        return insert(LadderLevel(key: key, size: size, count: 1), at: i)
    }

    /// Takes one order of `size` off the level at `key`; the level goes when its last order goes.
    /// True when the best level changed.
    @inlinable
    mutating func removeOrder(key: Int64, size: UInt64) -> Bool {
        let (found, i) = find(key)
        guard found else { return false }
        let isTop = i == count - 1
        let last = levels.withUnsafeMutableBufferPointer { b -> Bool in
            if b[i].count <= 1 { return true }
            b[i].count -= 1
            b[i].size = b[i].size >= size ? b[i].size - size : 0
            return false
        }
        if last { return remove(at: i) }
        return isTop
    }

    /// Changes the size of one order resting at `key` (same level); true when the best level changed.
    @inlinable
    mutating func resizeOrder(key: Int64, from old: UInt64, to new: UInt64) -> Bool {
        let (found, i) = find(key)
        guard found else { return false }
        let isTop = i == count - 1
        return levels.withUnsafeMutableBufferPointer { b in
            let before = b[i].size
            let s = before &+ new
            b[i].size = s >= old ? s - old : 0
            return isTop && b[i].size != before
        }
    }

    /// Drops every level; true when there was any (the best level changed).
    @inlinable
    @discardableResult
    mutating func removeAll() -> Bool {
        let had = count != 0
        levels.removeAll(keepingCapacity: true)
        count = 0
        topKey = LadderSide.emptyKey
        return had
    }

    /// Appends up to `depth` levels, best first.
    @inlinable
    func appendTop(_ depth: Int, _ side: Side, to out: inout [BookLevel]) {
        var i = count - 1
        var n = 0
        while i >= 0 && n < depth {
            let l = levels[i]
            out.append(BookLevel(price: Price(raw: LadderSide.price(ofKey: l.key, side)), size: l.size, orderCount: l.count))
            i -= 1; n += 1
        }
    }

    /// Levels sorted strictly worst -> best, every size/count positive, and `topKey` in step.
    func isWellFormed(requireCounts: Bool) -> Bool {
        for i in 0..<levels.count {
            if levels[i].size == 0 { return false }
            if requireCounts && levels[i].count == 0 { return false }
            if i > 0 && levels[i - 1].key >= levels[i].key { return false }
        }
        return count == levels.count && topKey == (levels.last?.key ?? LadderSide.emptyKey)
    }
}
