import Foundation
import IQFeed
import Logging
import MarketData

/// `mdt book --source live`: one IQFeed Level 2 connection watching one symbol, market by price
/// (`WPL`) or by order (`WOR`). The snapshot rows (`7`/`6`) and then the increments go into the
/// tracker on the client's thread; `S,CLEAR DEPTH` clears a side. Reconnects restore the watch
/// (the re-snapshot follows the server's clear).
public final class LiveBookSource: FollowingBookSource, @unchecked Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var byOrder: Bool
        public var connectTimeout: Double
        public var heartbeatTimeout: Double
        public init(host: String, port: Int, byOrder: Bool = false, connectTimeout: Double = 3, heartbeatTimeout: Double = 5) {
            self.host = host; self.port = port; self.byOrder = byOrder
            self.connectTimeout = connectTimeout; self.heartbeatTimeout = heartbeatTimeout
        }
    }

    public let options: Options
    public let tracker: BookTracker
    let logger: Logger
    let state = NSCondition()
    var failure: BookSourceError?
    var sawRows = false
    var settled = false
    var client: StreamingClient<Level2Parser>?
    /// The client's connect count when the last batch was handled (touched only on the client thread).
    var session = 0
    public var endpoint: String { "\(options.host):\(options.port)" }

    public init(options: Options, tracker: BookTracker, logger: Logger) {
        self.options = options
        self.tracker = tracker
        self.logger = logger
    }

    /// Checks the port answers, then starts streaming. Throws `.unavailable` when nothing listens.
    public func start() throws(BookSourceError) {
        do {
            let probe = try IQFeedConnection.connect(host: options.host, port: options.port, timeout: options.connectTimeout)
            probe.close()
        } catch {
            throw .unavailable("cannot connect to IQFeed Level 2 at \(endpoint): \(Self.reason(error))")
        }
        var streamOptions = StreamOptions(host: options.host, port: options.port)
        streamOptions.connectTimeout = options.connectTimeout
        streamOptions.heartbeatTimeout = options.heartbeatTimeout
        let symbol = tracker.symbol
        let c = StreamingClient(options: streamOptions, parser: { Level2Parser() }) { [weak self] batch in
            self?.handle(batch)
        }
        do {
            try c.watch(options.byOrder ? .orders(symbol.text) : .priceLevels(symbol.text, maxLevels: nil))
        } catch {
            throw .unknownSymbol("symbol '\(symbol.text)' cannot be watched: \(error)")
        }
        client = c
        c.start()
    }

    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        // ConnectionError texts start with "IQFeed host:port: "; keep only the reason.
        if let r = text.range(of: ": ") { return String(text[r.upperBound...]) }
        return text
    }

    func handle(_ batch: StreamBatch<Level2Message>) {
        let symbol = tracker.symbol
        // A new session re-sends the snapshot: start from an empty book so no level of the old one lingers.
        let n = client?.connectCount ?? 0
        if n != session {
            if session != 0 { tracker.reset() }
            session = n
        }
        for m in batch.messages {
            switch m {
            case .book(let u):
                if tracker.apply(u) { noteRow() }
            case .system(.clearDepth(let s, let side)):
                if s == symbol {
                    tracker.apply(BookUpdate(symbol: s, eventTime: batch.receiveTime, receiveTime: batch.receiveTime, action: .clear, side: side))
                }
            case .timestamp:
                state.lock()
                if sawRows && !settled { settled = true; state.broadcast() }
                state.unlock()
            case .symbolNotFound(let s) where s == symbol.text:
                fail(.unknownSymbol("IQFeed at \(endpoint) does not know symbol '\(s)'"))
            case .noDepth(let s) where s == symbol.text:
                fail(.noData("IQFeed at \(endpoint) has no market depth for '\(s)'"))
            case .error(let text):
                logger.warning("IQFeed L2 error: \(text)", metadata: ["endpoint": .string(endpoint)])
            default:
                break
            }
        }
        for e in batch.errors { logger.debug("unparseable L2 line: \(e)") }
    }

    func noteRow() {
        state.lock()
        sawRows = true
        state.unlock()
    }

    func fail(_ e: BookSourceError) {
        state.lock()
        if failure == nil { failure = e }
        state.broadcast()
        state.unlock()
    }

    /// Waits until the snapshot has arrived: the first `T` heartbeat after depth rows (IQFeed sends
    /// no end-of-snapshot marker), or `timeout` seconds. Returns whether a `T` settled it.
    public func waitSettled(timeout: Double) throws(BookSourceError) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        state.lock()
        defer { state.unlock() }
        while failure == nil && !settled && Date() < deadline {
            _ = state.wait(until: deadline)
        }
        if let failure { throw failure }
        return settled
    }

    public func pump(timeout: Double) throws(BookSourceError) {
        state.lock()
        let f = failure
        state.unlock()
        if let f { throw f }
        tracker.waitForUpdate(after: tracker.updateCount, timeout: timeout)
        state.lock()
        let g = failure
        state.unlock()
        if let g { throw g }
    }

    /// True while the connection is streaming.
    public var isStreaming: Bool { client?.state == .streaming }

    public func close() {
        client?.stop()
        client = nil
    }
}
