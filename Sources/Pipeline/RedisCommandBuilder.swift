import Book
import MarketData
import Redis

/// Turns one delivery's events into Redis commands (see `RedisSink`), keeping the books between deliveries.
struct RedisCommandBuilder {
    let depth: Int
    let tapeLength: Int
    let publishMode: RedisPublishMode
    var books = BookSet(symbolCapacity: 4096)
    var pipeline = RedisPipeline(expectedCommands: 4096, expectedBytes: 1 << 20)
    /// This delivery's per-symbol state, in first-seen order (reused between deliveries).
    var slots: [Symbol: Int] = [:]
    var latest: [Latest] = []
    /// Per book (by `BookHandle.index`): 1 + its symbol's index in `latest` when its book changed in this
    /// delivery, else 0 (reset by `flush`), so a book's later changes in a delivery skip the `slots` lookup.
    var bookLatest: [Int32] = []
    var json: [UInt8] = []
    var levels: [BookLevel] = []
    var key: [UInt8] = []

    struct Latest {
        var symbol: Symbol
        var quote: Quote?
        var trade: Trade?
        /// The symbol's book when it changed in this delivery (its JSON is written once, by `flush`).
        var changedBook: BookHandle?
    }

    init(depth: Int, tapeLength: Int, publish: RedisPublishMode) {
        self.depth = depth
        self.tapeLength = tapeLength
        self.publishMode = publish
        json.reserveCapacity(512)
        slots.reserveCapacity(4096)
        latest.reserveCapacity(4096)
    }

    /// Builds the commands of `batches`, conflated per symbol over the whole delivery, and hands them to
    /// `send` every `sendEvery` commands and at the end (so Redis works on the first commands while the
    /// rest, mostly the book JSON, is built). Same commands in the same order as one pipeline would hold.
    mutating func build(_ batches: [[MarketEvent]], sendEvery: Int, send: (RedisPipeline) throws -> Void) rethrows {
        pipeline.reset()
        slots.removeAll(keepingCapacity: true)
        latest.removeAll(keepingCapacity: true)
        for batch in batches {
            for e in batch {
                add(e)
                if pipeline.sentCount >= sendEvery { try send(pipeline); pipeline.reset() }
            }
        }
        for i in latest.indices {
            flush(latest[i])
            if pipeline.sentCount >= sendEvery { try send(pipeline); pipeline.reset() }
        }
        if !pipeline.isEmpty { try send(pipeline); pipeline.reset() }
    }

    mutating func slot(_ symbol: Symbol) -> Int {
        if let i = slots[symbol] { return i }
        let i = latest.count
        slots[symbol] = i
        latest.append(Latest(symbol: symbol))
        return i
    }

    mutating func add(_ e: MarketEvent) {
        switch e {
        case .quote(let q):
            latest[slot(q.symbol)].quote = q
            if publishMode == .all { publishEvent(e, q.symbol) }
        case .trade(let t):
            latest[slot(t.symbol)].trade = t
            pipeline.begin(); pipeline.arg("XADD"); keyArg("tape:", t.symbol)
            pipeline.arg("MAXLEN"); pipeline.arg("~"); pipeline.arg(int: Int64(tapeLength)); pipeline.arg("*")
            pipeline.arg("ts"); pipeline.arg(int: t.eventTime); pipeline.arg("price"); priceArg(t.price)
            pipeline.arg("size"); pipeline.arg(int: Int64(t.size)); pipeline.arg("seq"); pipeline.arg(int: Int64(t.seq))
            if publishMode == .all { publishEvent(e, t.symbol) }
        case .book(let b):
            // One index lookup per update (the book is created on first sight); the handle then names the book
            // for the apply, for the per-delivery mark, and for the JSON in `flush`.
            let h = books.handle(for: b.symbol)
            let r = books.apply(BookRow(b), at: h)
            if r.topChanged || b.action == .clear { markBookChanged(h, b.symbol) }
        case .bar:
            break
        }
    }

    mutating func markBookChanged(_ h: BookHandle, _ symbol: Symbol) {
        let i = h.index
        if i >= bookLatest.count { bookLatest.append(contentsOf: repeatElement(0, count: i + 1 - bookLatest.count)) }
        if bookLatest[i] != 0 { return }
        let s = slot(symbol)
        latest[s].changedBook = h
        bookLatest[i] = Int32(truncatingIfNeeded: s + 1)
    }

    /// One `HSET l1:` with whatever changed, the book, and the conflated publishes of one symbol.
    mutating func flush(_ l: Latest) {
        if l.quote != nil || l.trade != nil {
            pipeline.begin(); pipeline.arg("HSET"); keyArg("l1:", l.symbol)
            var recv: Int64 = 0, seq: UInt64 = 0
            if let q = l.quote {
                pipeline.arg("bid"); priceArg(q.bid); pipeline.arg("bid_size"); pipeline.arg(int: Int64(q.bidSize))
                pipeline.arg("ask"); priceArg(q.ask); pipeline.arg("ask_size"); pipeline.arg(int: Int64(q.askSize))
                pipeline.arg("quote_ts"); pipeline.arg(int: q.eventTime)
                recv = q.receiveTime; seq = q.seq
            }
            if let t = l.trade {
                pipeline.arg("last"); priceArg(t.price); pipeline.arg("last_size"); pipeline.arg(int: Int64(t.size))
                pipeline.arg("volume"); pipeline.arg(int: Int64(t.totalVolume)); pipeline.arg("trade_ts"); pipeline.arg(int: t.eventTime)
                if t.seq > seq { recv = t.receiveTime; seq = t.seq }
            }
            pipeline.arg("recv_ts"); pipeline.arg(int: recv)
            pipeline.arg("seq"); pipeline.arg(int: Int64(seq))
        }
        if let h = l.changedBook {
            bookLatest[h.index] = 0
            addBook(l.symbol, h)
        }
        if publishMode == .latest {
            if let q = l.quote { publishEvent(.quote(q), l.symbol) }
            if let t = l.trade { publishEvent(.trade(t), l.symbol) }
        }
    }

    mutating func addBook(_ symbol: Symbol, _ h: BookHandle) {
        json.removeAll(keepingCapacity: true)
        json.append(contentsOf: Array("{\"symbol\":\"".utf8)); json.append(contentsOf: symbol.text.utf8)
        json.append(contentsOf: Array("\",\"bids\":[".utf8))
        appendLevels(h, .bid)
        json.append(contentsOf: Array("],\"asks\":[".utf8))
        appendLevels(h, .ask)
        json.append(contentsOf: Array("]}".utf8))
        pipeline.begin(); pipeline.arg("SET"); keyArg("book:", symbol); pipeline.arg(bytes: json)
    }

    mutating func appendLevels(_ h: BookHandle, _ side: Side) {
        books.top(at: h, side, depth: depth, into: &levels)
        for (i, l) in levels.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "[")); l.price.write(to: &json); json.append(UInt8(ascii: ","))
            Price.appendDecimal(l.size, to: &json); json.append(UInt8(ascii: ","))
            Price.appendDecimal(UInt64(l.orderCount), to: &json); json.append(UInt8(ascii: "]"))
        }
    }

    mutating func publishEvent(_ e: MarketEvent, _ symbol: Symbol) {
        json.removeAll(keepingCapacity: true)
        JSONEventEncoder.append(e, to: &json)
        pipeline.begin(); pipeline.arg("PUBLISH"); keyArg("md.", symbol); pipeline.arg(bytes: json)
    }

    mutating func keyArg(_ prefix: StaticString, _ symbol: Symbol) {
        key.removeAll(keepingCapacity: true)
        prefix.withUTF8Buffer { key.append(contentsOf: $0) }
        key.append(contentsOf: symbol.text.utf8)
        pipeline.arg(bytes: key)
    }

    mutating func priceArg(_ p: Price) {
        key.removeAll(keepingCapacity: true)
        p.write(to: &key)
        pipeline.arg(bytes: key)
    }
}
