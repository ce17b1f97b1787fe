import MarketData

/// One price level inside a ladder: the side's key (see `LadderSide`), total size and order count.
/// Stored together so an update touches one element (one or two cache lines), not three arrays.
@usableFromInline
struct LadderLevel: Sendable, Equatable {
    @usableFromInline var key: Int64
    @usableFromInline var size: UInt64
    @usableFromInline var count: UInt32

    @inlinable init(key: Int64, size: UInt64, count: UInt32) { self.key = key; self.size = size; self.count = count }
    @usableFromInline static let zero = LadderLevel(key: 0, size: 0, count: 0)
}

/// The best `LadderSide.inlineCapacity` levels of a side, stored inside the book itself (no pointer to chase).
@usableFromInline
typealias InlineLevels = (LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel,
                          LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel, LadderLevel)

/// One side of a price ladder, sorted worst -> best by key. Keys make both sides ascend toward the best: a
/// bid's key is its raw price, an ask's key is the bitwise NOT of its raw price (order-reversing, no overflow).
///
/// Levels are numbered by position 0..<count, worst to best. The best `inlineCapacity` of them live in `inline`,
/// right-aligned (the best always in the last slot, whatever the depth), inside the book's own storage: an
/// update near the top touches the book's memory only, at addresses known before anything is loaded. Deeper
/// levels (only when the inline part is full) are in `rest`, worst -> best, so a level spills to or comes back
/// from its end. `count` and `topKey` (the best key, `Int64.min` when empty) sit next to the best slot.
/// Every mutation keeps them in step and reports whether the best level (key, size or count) changed.
@usableFromInline
struct LadderSide: Sendable {
    @usableFromInline static let inlineCapacity = 16
    @usableFromInline var inline: InlineLevels = (.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero,
                                                  .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero)
    @usableFromInline var count = 0
    @usableFromInline var topKey: Int64 = LadderSide.emptyKey
    /// Levels below the inline ones (positions 0..<rest.count), worst -> best.
    @usableFromInline var rest: [LadderLevel] = []
    /// Capacity `rest` gets when it is first needed.
    @usableFromInline var restCapacity: Int

    @usableFromInline static let emptyKey = Int64.min

    @usableFromInline
    init(capacity: Int) {
        restCapacity = Swift.max(0, capacity - LadderSide.inlineCapacity)
    }

    @inlinable static func key(_ price: Int64, _ side: Side) -> Int64 { side == .bid ? price : ~price }
    @inlinable static func price(ofKey k: Int64, _ side: Side) -> Int64 { side == .bid ? k : ~k }

    /// Levels in `rest` (positions below it are there, from it up inline).
    @inlinable var spilled: Int { Swift.max(0, count - LadderSide.inlineCapacity) }

    /// Runs `body` on the inline levels' address and the other fields, each passed separately (disjoint accesses).
    @inlinable @inline(__always)
    mutating func edit<R>(_ body: (UnsafeMutablePointer<LadderLevel>, inout Int, inout Int64, inout [LadderLevel], Int) -> R) -> R {
        let rc = restCapacity
        return LadderSide.edit(&inline, &count, &topKey, &rest, rc, body)
    }

    @inlinable @inline(__always)
    static func edit<R>(_ t: inout InlineLevels, _ n: inout Int, _ top: inout Int64, _ rest: inout [LadderLevel], _ rc: Int,
                        _ body: (UnsafeMutablePointer<LadderLevel>, inout Int, inout Int64, inout [LadderLevel], Int) -> R) -> R {
        withUnsafeMutablePointer(to: &t) { p in
            UnsafeMutableRawPointer(p).withMemoryRebound(to: LadderLevel.self, capacity: inlineCapacity) { body($0, &n, &top, &rest, rc) }
        }
    }

    /// The level at a position (0 = worst).
    @inlinable
    func level(at p: Int) -> LadderLevel {
        let ov = spilled
        if p < ov { return rest[p] }
        let slot = LadderSide.inlineCapacity - count + p
        return withUnsafePointer(to: inline) { t in
            UnsafeRawPointer(t).load(fromByteOffset: slot * MemoryLayout<LadderLevel>.stride, as: LadderLevel.self)
        }
    }

    /// The level `depth` places from the best (0 = best).
    @inlinable
    func level(atDepth depth: Int, _ side: Side) -> BookLevel? {
        let p = count - 1 - depth
        if depth < 0 || p < 0 { return nil }
        let l = level(at: p)
        return BookLevel(price: Price(raw: LadderSide.price(ofKey: l.key, side)), size: l.size, orderCount: l.count)
    }

    /// Position of `key`, or where it would be inserted. Scans the inline levels from the best down (most
    /// updates touch the first few), then binary-searches `rest`.
    @inlinable @inline(__always)
    static func find(_ key: Int64, _ b: UnsafeMutablePointer<LadderLevel>, count n: Int, rest: [LadderLevel]) -> (found: Bool, index: Int) {
        let cap = LadderSide.inlineCapacity
        let m = Swift.min(n, cap)
        // Inline slot s holds position s - cap + n.
        var s = cap - 1
        let stop = cap - m
        while s >= stop {
            let k = b[s].key
            if k == key { return (true, s - cap + n) }
            if k < key { return (false, s - cap + n + 1) }
            s -= 1
        }
        let ov = n - m
        if ov == 0 { return (false, 0) }
        return rest.withUnsafeBufferPointer { r in
            var lo = 0
            var hi = ov
            while lo < hi {
                let mid = (lo &+ hi) >> 1
                if r[mid].key < key { lo = mid + 1 } else { hi = mid }
            }
            return (lo < ov && r[lo].key == key, lo)
        }
    }

    /// `find` for readers (copies the inline levels; not on the update path).
    func find(_ key: Int64) -> (found: Bool, index: Int) {
        var copy = self
        return copy.edit { b, n, _, rest, _ in LadderSide.find(key, b, count: n, rest: rest) }
    }

    /// Runs `body` on the level at position `p`, inline or in `rest`.
    @inlinable @inline(__always)
    static func modify<R>(_ p: Int, _ b: UnsafeMutablePointer<LadderLevel>, _ n: Int, _ rest: inout [LadderLevel],
                          _ body: (inout LadderLevel) -> R) -> R {
        if p >= n - inlineCapacity { return body(&b[inlineCapacity - n + p]) }
        return body(&rest[p])
    }

    /// Inserts a new level at position `p` (from `find`); true when it became the best.
    @inlinable @inline(__always)
    static func insert(_ l: LadderLevel, at p: Int, _ b: UnsafeMutablePointer<LadderLevel>, _ count: inout Int,
                       _ topKey: inout Int64, _ rest: inout [LadderLevel], _ restCapacity: Int) -> Bool {
        let cap = LadderSide.inlineCapacity
        let n = count
        let top = p == n
        if n < cap {
            // Slots [cap-n, cap-n+p) move down one; the new level goes to cap-n-1+p.
            let first = cap - n
            (b + first - 1).update(from: b + first, count: p)
            b[first - 1 + p] = l
        } else {
            let ov = n - cap
            if p <= ov {
                if rest.capacity == 0 { rest.reserveCapacity(Swift.max(restCapacity, 4)) }
                rest.insert(l, at: p)
            } else {
                // The worst inline level spills to the end of `rest`; slots [1, p-ov) move down one.
                if rest.capacity == 0 { rest.reserveCapacity(Swift.max(restCapacity, 4)) }
                rest.append(b[0])
                let k = p - ov - 1
                b.update(from: b + 1, count: k)
                b[k] = l
            }
        }
        count = n + 1
        if top { topKey = l.key }
        return top
    }

    /// Removes the level at position `p`; true when it was the best.
    @inlinable @inline(__always)
    static func remove(at p: Int, _ b: UnsafeMutablePointer<LadderLevel>, _ count: inout Int, _ topKey: inout Int64,
                       _ rest: inout [LadderLevel]) -> Bool {
        let cap = LadderSide.inlineCapacity
        let n = count
        let top = p == n - 1
        let ov = Swift.max(0, n - cap)
        if p < ov {
            rest.remove(at: p)
        } else {
            // Slots [first, s) move up one over the hole at s; a spilled level (if any) fills slot 0.
            let first = cap - Swift.min(n, cap)
            let s = cap - n + p
            (b + first + 1).update(from: b + first, count: s - first)
            if ov > 0 { b[0] = rest.removeLast() } else { b[first] = .zero }
        }
        count = n - 1
        if top { topKey = n > 1 ? b[cap - 1].key : LadderSide.emptyKey }
        return top
    }

    /// Sets a level's size and count (inserting it when new). Size 0 removes it.
    /// `found` is false when asked to remove a level that is not there; `top` when the best level changed.
    @inlinable
    mutating func set(key: Int64, size: UInt64, count c: UInt32) -> (found: Bool, top: Bool) {
        edit { b, n, top, rest, rc in
            let (found, i) = LadderSide.find(key, b, count: n, rest: rest)
            if size == 0 {
                return found ? (true, LadderSide.remove(at: i, b, &n, &top, &rest)) : (false, false)
            }
            if found {
                let isTop = i == n - 1
                return LadderSide.modify(i, b, n, &rest) { l in
                    let changed = isTop && (l.size != size || l.count != c)
                    l.size = size; l.count = c
                    return (true, changed)
                }
            }
            return (false, LadderSide.insert(LadderLevel(key: key, size: size, count: c), at: i, b, &n, &top, &rest, rc))
        }
    }

    /// Removes a level. `found` is false when it was not there; `top` when the best level changed.
    @inlinable
    mutating func delete(key: Int64) -> (found: Bool, top: Bool) {
        edit { b, n, top, rest, rc in
            let (found, i) = LadderSide.find(key, b, count: n, rest: rest)
            return found ? (true, LadderSide.remove(at: i, b, &n, &top, &rest)) : (false, false)
        }
    }

    /// Adds one order of `size` to the level at `key`; true when the best level changed.
    @inlinable
    mutating func addOrder(key: Int64, size: UInt64) -> Bool {
        edit { b, n, top, rest, rc in
            let (found, i) = LadderSide.find(key, b, count: n, rest: rest)
            if found {
                let isTop = i == n - 1
                LadderSide.modify(i, b, n, &rest) { l in l.size &+= size; l.count &+= 1 }
                return isTop
            }
            return LadderSide.insert(LadderLevel(key: key, size: size, count: 1), at: i, b, &n, &top, &rest, rc)
        }
    }

    /// Takes one order of `size` off the level at `key`; the level goes when its last order goes.
    /// True when the best level changed.
    @inlinable
    mutating func removeOrder(key: Int64, size: UInt64) -> Bool {
        edit { b, n, top, rest, rc in
            let (found, i) = LadderSide.find(key, b, count: n, rest: rest)
            guard found else { return false }
            let isTop = i == n - 1
            let last = LadderSide.modify(i, b, n, &rest) { l -> Bool in
                if l.count <= 1 { return true }
                l.count -= 1
                l.size = l.size >= size ? l.size - size : 0
                return false
            }
            if last { return LadderSide.remove(at: i, b, &n, &top, &rest) }
            return isTop
        }
    }

    /// Changes the size of one order resting at `key` (same level); true when the best level changed.
    @inlinable
    mutating func resizeOrder(key: Int64, from old: UInt64, to new: UInt64) -> Bool {
        edit { b, n, top, rest, rc in
            let (found, i) = LadderSide.find(key, b, count: n, rest: rest)
            guard found else { return false }
            let isTop = i == n - 1
            return LadderSide.modify(i, b, n, &rest) { l in
                let before = l.size
                let s = before &+ new
                l.size = s >= old ? s - old : 0
                return isTop && l.size != before
            }
        }
    }

    // MARK: market-by-price fast path (inline levels only)

    /// What a fast-path edit did: `miss` when it could not (nothing changed; the caller takes the general
    /// path), else whether the best level changed.
    @usableFromInline
    enum FastResult: UInt8 { case applied = 0, top = 1, miss = 2 }

    /// `set` with size > 0 for the common case: a level found among the inline ones gets its size and count, or
    /// a new level is inserted inline while the side holds fewer than `inlineCapacity` levels. `.miss` (nothing
    /// changed) when the level is deeper or the insert would spill: then `set` does it.
    @inlinable @inline(__always)
    mutating func setInline(key: Int64, size: UInt64, count c: UInt32) -> FastResult {
        edit { b, n, top, _, _ in
            let cap = LadderSide.inlineCapacity
            let stop = cap - Swift.min(n, cap)
            var s = cap - 1
            while s >= stop {
                let k = b[s].key
                if k == key {
                    let changed = s == cap - 1 && (b[s].size != size || b[s].count != c)
                    b[s].size = size; b[s].count = c
                    return changed ? .top : .applied
                }
                if k < key { break }
                s -= 1
            }
            if n >= cap { return .miss }
            // Slots [stop, s] hold the lower keys: they move down one and the new level takes slot s.
            var j = stop
            while j <= s { b[j - 1] = b[j]; j += 1 }
            b[s] = LadderLevel(key: key, size: size, count: c)
            n += 1
            if s == cap - 1 { top = key; return .top }
            return .applied
        }
    }

    /// `delete` for the common case: a level found among the inline ones while nothing is spilled. `.miss`
    /// (nothing changed) otherwise (not there, or `rest` must refill): then `delete` does it.
    @inlinable @inline(__always)
    mutating func deleteInline(key: Int64) -> FastResult {
        edit { b, n, top, _, _ in
            let cap = LadderSide.inlineCapacity
            if n > cap { return .miss }
            let stop = cap - n
            var s = cap - 1
            while s >= stop {
                let k = b[s].key
                if k == key {
                    // Slots [stop, s) move up one over the hole; slot `stop` is cleared.
                    var j = s
                    while j > stop { b[j] = b[j - 1]; j -= 1 }
                    b[stop] = LadderLevel(key: 0, size: 0, count: 0)
                    n -= 1
                    if s == cap - 1 { top = n > 0 ? b[cap - 1].key : LadderSide.emptyKey; return .top }
                    return .applied
                }
                if k < key { return .miss }
                s -= 1
            }
            return .miss
        }
    }

    /// Drops every level; true when there was any (the best level changed).
    @inlinable
    @discardableResult
    mutating func removeAll() -> Bool {
        let had = count != 0
        if !rest.isEmpty { rest.removeAll(keepingCapacity: true) }
        count = 0
        topKey = LadderSide.emptyKey
        return had
    }

    /// Appends up to `depth` levels, best first.
    @inlinable
    func appendTop(_ depth: Int, _ side: Side, to out: inout [BookLevel]) {
        var p = count - 1
        var n = 0
        while p >= 0 && n < depth {
            let l = level(at: p)
            out.append(BookLevel(price: Price(raw: LadderSide.price(ofKey: l.key, side)), size: l.size, orderCount: l.count))
            p -= 1; n += 1
        }
    }

    /// Levels sorted strictly worst -> best, every size/count positive, and `topKey` and `rest` in step.
    func isWellFormed(requireCounts: Bool) -> Bool {
        for p in 0..<count {
            let l = level(at: p)
            if l.size == 0 { return false }
            if requireCounts && l.count == 0 { return false }
            if p > 0 && level(at: p - 1).key >= l.key { return false }
        }
        return rest.count == spilled && topKey == (count > 0 ? level(at: count - 1).key : LadderSide.emptyKey)
    }
}
