import MarketData

/// A book's place in a `BookSet` (see `BookSet.handle(for:)`).
public struct BookHandle: Sendable, Hashable {
    @usableFromInline let slot: Int
    @inlinable init(slot: Int) { self.slot = slot }
    /// Position in `BookSet.allSymbols`.
    public var index: Int { slot }
}

/// Books for many symbols (20,000+), each an `OrderBook` (which also serves market-by-price rows).
/// Books live in one contiguous array; a `SymbolIndex` (packed-bytes hash table) maps a symbol to its slot.
public struct BookSet: Sendable {
    @usableFromInline var index: SymbolIndex
    @usableFromInline var books: [OrderBook] = []
    @usableFromInline var symbols: [Symbol] = []
    let orderCapacity: Int
    let levelCapacity: Int

    /// `symbolCapacity`: symbols to reserve room for; the other two size each new book.
    public init(symbolCapacity: Int = 1024, orderCapacity: Int = 64, levelCapacity: Int = 32) {
        index = SymbolIndex(capacity: symbolCapacity); books.reserveCapacity(symbolCapacity); symbols.reserveCapacity(symbolCapacity)
        self.orderCapacity = orderCapacity; self.levelCapacity = levelCapacity
    }

    /// Number of symbols with a book.
    public var count: Int { books.count }

    /// Every symbol with a book, in first-seen order.
    public var allSymbols: [Symbol] { symbols }

    /// Applies an update to its symbol's book (created on first sight).
    @inlinable @discardableResult
    public mutating func apply(_ u: BookUpdate) -> BookApplyResult {
        // The fields first (plain words), then the lookup borrows the symbol: the update itself is never copied.
        let row = BookRow(u)
        let slot = index.slot(u.symbol) ?? addBook(u.symbol)
        return books[slot].apply(row: row)
    }

    /// The handle of a symbol's book (created empty on first sight), for callers that look a symbol up once and
    /// then apply many updates with `apply(_:at:)`. A handle stays valid until `remove` is called for any symbol.
    public mutating func handle(for symbol: Symbol) -> BookHandle {
        BookHandle(slot: index.slot(symbol) ?? addBook(symbol))
    }

    /// The handle of a symbol's book if it has one (nil for a symbol never seen or removed).
    public func existingHandle(for symbol: Symbol) -> BookHandle? {
        index.slot(symbol).map { BookHandle(slot: $0) }
    }

    /// Applies an update to the book `handle` names, ignoring the update's symbol (no lookup).
    /// `handle` must come from this set, with no `remove` since (a stale handle traps or hits another book).
    @inlinable @discardableResult
    public mutating func apply(_ u: BookUpdate, at handle: BookHandle) -> BookApplyResult {
        books[handle.slot].apply(row: BookRow(u))
    }

    /// Applies a row (an update without its symbol) to the book `handle` names: the hot path of a caller that
    /// resolved its symbols to handles once. Same `handle` rules as `apply(_:at:)`.
    @inlinable @inline(__always) @discardableResult
    public mutating func apply(_ row: BookRow, at handle: BookHandle) -> BookApplyResult {
        books[handle.slot].apply(row: row)
    }

    /// Starts loading what `apply(_:at:)` of a row for `side` will read first in the book `handle` names (its
    /// event time and that side's best level), for a caller that knows its next rows: called a few rows ahead,
    /// the cache misses of several books overlap instead of each apply waiting for its own. No effect on state.
    @inlinable @inline(__always)
    public func prefetch(_ handle: BookHandle, _ side: Side) {
        let seen = books.withUnsafeBufferPointer { b -> Int64 in
            guard handle.slot < b.count else { return 0 }
            let book = b.baseAddress.unsafelyUnwrapped + handle.slot
            return book.pointee.time ^ (side == .bid ? book.pointee.bids.topKey : book.pointee.asks.topKey)
        }
        // A test the loads feed (so they are kept) that never holds in practice; if it does, nothing happens.
        if seen == 0x5EED_F00D_5EED_F00D { BookSet.prefetchSink(seen) }
    }

    @usableFromInline @inline(never)
    static func prefetchSink(_ v: Int64) { if v == 0 { print(v) } }

    /// The symbol a handle names.
    public func symbol(at handle: BookHandle) -> Symbol { symbols[handle.slot] }

    /// Creates the book of a symbol not seen yet; returns its slot.
    @inline(never) @usableFromInline
    mutating func addBook(_ symbol: Symbol) -> Int {
        let slot = books.count
        index.set(symbol, slot: slot)
        books.append(OrderBook(orderCapacity: orderCapacity, levelCapacity: levelCapacity))
        symbols.append(symbol)
        return slot
    }

    /// The book of a symbol, if any update for it was applied.
    public func book(_ symbol: Symbol) -> OrderBook? {
        guard let i = index.slot(symbol) else { return nil }
        return books[i]
    }

    public func snapshot(_ symbol: Symbol, depth: Int = Int.max) -> BookSnapshot? {
        book(symbol)?.snapshot(depth: depth, symbol: symbol)
    }

    /// Copies up to `depth` levels of one side of a symbol's book into `buffer` (emptied when unknown).
    public func top(_ symbol: Symbol, _ side: Side, depth: Int, into buffer: inout [BookLevel]) {
        guard let i = index.slot(symbol) else { buffer.removeAll(keepingCapacity: true); return }
        books[i].top(side, depth: depth, into: &buffer)
    }

    /// Copies up to `depth` levels of one side of the book `handle` names into `buffer` (same `handle` rules as
    /// `apply(_:at:)`).
    public func top(at handle: BookHandle, _ side: Side, depth: Int, into buffer: inout [BookLevel]) {
        books[handle.slot].top(side, depth: depth, into: &buffer)
    }

    /// Counters summed over all books.
    public var counters: BookCounters { books.reduce(BookCounters()) { $0 + $1.counters } }

    /// Clears every book (both sides), e.g. when the feed reconnects before re-snapshots.
    public mutating func resetAll() {
        for i in books.indices { books[i].reset() }
    }

    /// Forgets a symbol's book entirely.
    public mutating func remove(_ symbol: Symbol) {
        guard let i = index.remove(symbol) else { return }
        let last = books.count - 1
        if i != last {
            books.swapAt(i, last); symbols.swapAt(i, last)
            index.set(symbols[i], slot: i)
        }
        books.removeLast(); symbols.removeLast()
    }
}
