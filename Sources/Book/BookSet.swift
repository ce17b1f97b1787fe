import MarketData

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
        let slot = index.slot(u.symbol) ?? addBook(u.symbol)
        return books[slot].apply(u)
    }

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
