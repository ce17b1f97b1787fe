import Foundation
import IQFeed
import Logging
import MarketData

/// How the collector watches Level 2.
public enum DepthMode: String, Sendable, CaseIterable {
    /// `WPL`: market by price.
    case prices
    /// `WOR`: market by order.
    case orders
    /// no Level 2.
    case none
}

/// The live feed side of `mdt collect`: one Level 1 and one Level 2 streaming connection, each on its
/// own thread; every socket read becomes one batch handed to the collector (socket -> parse -> batch,
/// no per-message hand-off). Reconnects, restored watches and gaps come from `StreamingClient`.
public final class IQFeedFeed: @unchecked Sendable {
    public struct Options: Sendable {
        public var host: String
        public var l1Port: Int
        public var l2Port: Int
        public var depth: DepthMode
        public var heartbeatTimeout: Double
        public var clientName: String
        /// Keep each event's IQFeed line in the journal (for `--encoding raw`).
        public var keepRawLines: Bool
        public init(host: String, l1Port: Int = 5009, l2Port: Int = 9200, depth: DepthMode = .prices,
                    heartbeatTimeout: Double = 5, clientName: String = "mdt", keepRawLines: Bool = false) {
            self.host = host; self.l1Port = l1Port; self.l2Port = l2Port; self.depth = depth
            self.heartbeatTimeout = heartbeatTimeout; self.clientName = clientName; self.keepRawLines = keepRawLines
        }
    }

    public struct Status: Sendable, Codable, Equatable {
        public var l1State: String
        public var l2State: String?
        public var linesParsed: UInt64
        public var linesFailed: UInt64
        public var connects: Int
        public var gaps: [GapRecord]
        public var unknownSymbols: [String]
        public var serverConnected: Bool
    }

    public struct GapRecord: Sendable, Codable, Equatable {
        public var port: Int
        public var startNs: Int64
        public var endNs: Int64
        public var reason: String
    }

    let options: Options
    let collector: Collector
    let logger: Logger
    let l1: StreamingClient<Level1Parser>
    let l2: StreamingClient<Level2Parser>?
    let lock = NSLock()
    var unknown: [String] = []
    var serverConnected = true
    var acceptFailure: JournalError?
    /// L2 connects seen by the L2 thread: a new one means a fresh snapshot follows.
    var l2ConnectsSeen = 0
    let depthSymbols: [Symbol]

    public init(options: Options, symbols: [Symbol], collector: Collector, logger: Logger) throws(CommandError) {
        self.options = options
        self.collector = collector
        self.logger = logger
        self.depthSymbols = options.depth == .none ? [] : symbols
        var l1Options = StreamOptions(host: options.host, port: options.l1Port)
        l1Options.heartbeatTimeout = options.heartbeatTimeout
        l1Options.extraSetup = [try IQFeedCommand.setClientName(options.clientName)]
        let box1 = EventBox()
        let box2 = EventBox()
        weak var weakSelf: IQFeedFeed?
        // Per-line: each line is parsed in place into `box1.update` and turned into events on the spot
        // (no `Level1Message` per line, no batch of them).
        l1 = StreamingClient(options: l1Options, parser: { Level1Parser(now: Clock.wallNanos()) }, lines: StreamLineConsumer(
            line: { parser, line, receiveTime in weakSelf?.handleL1(&parser, line, receiveTime, box1) },
            endOfRead: { weakSelf?.endL1Read(box1) },
            framingError: { e in weakSelf?.logger.debug("unparseable L1 line: \(e)") }))
        if options.depth != .none {
            var l2Options = StreamOptions(host: options.host, port: options.l2Port)
            l2Options.heartbeatTimeout = options.heartbeatTimeout
            l2 = StreamingClient(options: l2Options, parser: { Level2Parser() }) { batch in
                weakSelf?.handleL2(batch, box2)
            }
        } else {
            l2 = nil
        }
        weakSelf = self
        for s in symbols {
            try l1.watch(.level1(s.text))
            switch options.depth {
            case .prices: try l2?.watch(.priceLevels(s.text, maxLevels: nil))
            case .orders: try l2?.watch(.orders(s.text))
            case .none: break
            }
        }
    }

    public func start() {
        l1.start()
        l2?.start()
    }

    public func stop() {
        l1.stop()
        l2?.stop()
    }

    /// The first journal error a feed thread hit (the spool became unwritable); the collector must stop.
    public var fatalError: JournalError? { lock.lock(); defer { lock.unlock() }; return acceptFailure }

    public var status: Status {
        lock.lock()
        let unknownNow = unknown
        let connected = serverConnected
        lock.unlock()
        var gaps = l1.gaps.map { GapRecord(port: options.l1Port, startNs: $0.start, endNs: $0.end, reason: $0.reason) }
        if let l2 { gaps += l2.gaps.map { GapRecord(port: options.l2Port, startNs: $0.start, endNs: $0.end, reason: $0.reason) } }
        let c1 = l1.counters, c2 = l2?.counters ?? ParseCounters()
        return Status(l1State: "\(l1.state)", l2State: l2.map { "\($0.state)" },
                      linesParsed: c1.parsed + c2.parsed, linesFailed: c1.failed + c2.failed,
                      connects: l1.connectCount + (l2?.connectCount ?? 0), gaps: gaps,
                      unknownSymbols: unknownNow, serverConnected: connected)
    }

    final class EventBox: @unchecked Sendable {
        var events: [MarketEvent] = []
        var lines = RawLines()
        /// The L1 thread's in-place parse slot.
        var update = Level1Update()
        init() { events.reserveCapacity(64) }

        /// The events of an L1 update (borrowed: the in-place slot is not copied out): its trade unless it
        /// is a `P` summary (which repeats the last trade: state, not a new tick), then its quote.
        func appendEvents(of u: borrowing Level1Update) {
            if !u.isSummary, let t = u.trade { events.append(.trade(t)) }
            if let q = u.quote { events.append(.quote(q)) }
        }
    }

    /// Gives every event appended since `from` line `i` of the batch (when raw lines are kept).
    func noteLines<M>(_ box: EventBox, from: Int, _ batch: StreamBatch<M>, _ i: Int) {
        guard options.keepRawLines else { return }
        for _ in from..<box.events.count { batch.withLine(i) { box.lines.append($0) } }
    }

    func noteNoLine(_ box: EventBox) {
        guard options.keepRawLines else { return }
        while box.lines.count < box.events.count { box.lines.appendEmpty() }
    }

    /// One L1 line: parsed in place, its events appended to `box` (with the line, when raw lines are kept).
    /// A `P` summary repeats the last trade: its quote is kept (current state), not the trade.
    func handleL1(_ parser: inout Level1Parser, _ line: UnsafeRawBufferPointer, _ receiveTime: Nanos, _ box: EventBox) {
        let before = box.events.count
        do {
            if let m = try parser.parse(line, receiveTime: receiveTime, into: &box.update) {
                handleL1Other(m, box)
            } else {
                box.appendEvents(of: box.update)
            }
        } catch {
            logger.debug("unparseable L1 line: \(error)")
        }
        if options.keepRawLines {
            for _ in before..<box.events.count { box.lines.append(line) }
        }
    }

    /// The end of one L1 socket read: its events go to the collector as one batch (`deliver` leaves
    /// `box` empty).
    func endL1Read(_ box: EventBox) {
        deliver(box)
    }

    /// L1 messages other than `Q`/`P` updates.
    func handleL1Other(_ m: Level1Message, _ box: EventBox) {
        switch m {
        case .update(let u): box.appendEvents(of: u)  // the in-place parse writes updates to the slot instead
        case .symbolNotFound(let s): noteUnknown(s)
        case .system(.serverDisconnected): setServerConnected(false)
        case .system(.serverConnected): setServerConnected(true)
        case .error(let text): logger.warning("IQFeed L1 error: \(text)", metadata: ["port": .stringConvertible(options.l1Port)])
        default: break
        }
    }

    func handleL2(_ batch: StreamBatch<Level2Message>, _ box: EventBox) {
        box.events.removeAll(keepingCapacity: true)
        box.lines.removeAll()
        // After every (re)connect IQFeed sends a fresh snapshot with no marker. Record a `clear` of both
        // sides first, so anyone rebuilding books from the stored events (mdt book, replay) starts clean.
        if let l2, l2.connectCount != l2ConnectsSeen {
            l2ConnectsSeen = l2.connectCount
            for s in depthSymbols {
                for side in [Side.bid, .ask] {
                    box.events.append(.book(BookUpdate(symbol: s, eventTime: batch.receiveTime, receiveTime: batch.receiveTime,
                                                       action: .clear, side: side)))
                }
            }
            noteNoLine(box)
        }
        for (i, m) in batch.messages.enumerated() {
            let before = box.events.count
            defer { if box.events.count > before { noteLines(box, from: before, batch, i) } }
            switch m {
            case .book(let b): box.events.append(.book(b))
            case .system(.clearDepth(let sym, let side)):
                box.events.append(.book(BookUpdate(symbol: sym, eventTime: batch.receiveTime, receiveTime: batch.receiveTime,
                                                   action: .clear, side: side)))
            case .symbolNotFound(let s), .noDepth(let s): noteUnknown(s)
            case .error(let text): logger.warning("IQFeed L2 error: \(text)", metadata: ["port": .stringConvertible(options.l2Port)])
            default: break
            }
        }
        for e in batch.errors { logger.debug("unparseable L2 line: \(e)") }
        deliver(box)
    }

    func deliver(_ box: EventBox) {
        guard !box.events.isEmpty else { return }
        let n = box.events.count
        // The journal keeps this array (and the lines) without copying, so they are no longer ours to
        // reuse: start new ones sized like this batch. Clearing a shared array keeps its capacity by
        // allocating a fresh buffer as large as the largest batch ever seen (a 20,000-symbol snapshot),
        // which the journal would then hold for every 5-event batch.
        defer {
            box.events = []
            box.events.reserveCapacity(min(1024, max(16, n)))
            if options.keepRawLines { box.lines = RawLines() }
        }
        do throws(JournalError) {
            try collector.accept(&box.events, lines: options.keepRawLines ? box.lines : nil)
        } catch {
            lock.lock()
            if acceptFailure == nil {
                acceptFailure = error
                logger.critical("cannot write the spool: \(error)")
            }
            lock.unlock()
        }
    }

    func noteUnknown(_ symbol: String) {
        lock.lock()
        let new = !unknown.contains(symbol)
        if new { unknown.append(symbol) }
        lock.unlock()
        if new { logger.warning("IQFeed does not know symbol '\(symbol)'; it is recorded and skipped") }
    }

    func setServerConnected(_ c: Bool) {
        lock.lock(); let changed = serverConnected != c; serverConnected = c; lock.unlock()
        if changed { logger.warning(c ? "IQFeed reports its DTN link is back" : "IQFeed reports its DTN link is down (data is stale)") }
    }
}
