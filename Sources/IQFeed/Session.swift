import MarketData

public enum IQFeedPort: String, Sendable, CaseIterable {
    case level1, lookup, level2, admin, derivative
    public var defaultPort: Int {
        switch self { case .level1: 5009; case .lookup: 9100; case .level2: 9200; case .admin: 9300; case .derivative: 9400 }
    }
}

public enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    case protocolMismatch(expected: String, got: String, endpoint: String)
    case protocolRejected(String, endpoint: String)
    case handshakeTimeout(endpoint: String)

    public var description: String {
        switch self {
        case .protocolMismatch(let e, let g, let ep): "IQFeed \(ep): asked for protocol \(e) but the server speaks \(g); upgrade IQConnect or change the protocol setting"
        case .protocolRejected(let t, let ep): "IQFeed \(ep): protocol refused: \(t)"
        case .handshakeTimeout(let ep): "IQFeed \(ep): no S,CURRENT PROTOCOL reply to S,SET PROTOCOL (is this an IQFeed port?)"
        }
    }
}

/// Protocol handshake for one socket: send `S,SET PROTOCOL,<v>` first, then feed every line to
/// `observe` until it returns `.done`. `S,CURRENT PROTOCOL,<v>` with or without a trailing comma
/// completes it; another version or `E,... not a valid protocol` fails loudly.
public struct ProtocolHandshake: Sendable {
    public enum State: Sendable, Equatable { case pending, done }
    public let version: String
    public let endpoint: String
    public private(set) var state: State = .pending

    public init(version: String = "6.2", endpoint: String = "") { self.version = version; self.endpoint = endpoint }

    public func command() throws(CommandError) -> String { try IQFeedCommand.setProtocol(version) }

    /// Returns the state after this line. Lines that are not about the protocol are ignored.
    public mutating func observe(_ line: UnsafeRawBufferPointer) throws(SessionError) -> State {
        if state == .done { return .done }
        if Scan.hasPrefix(line, "S,CURRENT PROTOCOL,") {
            var c = FieldCursor(line); c.skip(2)
            let got = c.next().map(Scan.string) ?? ""
            if got != version { throw .protocolMismatch(expected: version, got: got, endpoint: endpoint) }
            state = .done
        } else if Scan.hasPrefix(line, "E,") {
            let text = Scan.string(line)
            if text.contains("not a valid protocol") || text.contains("PROTOCOL") { throw .protocolRejected(text, endpoint: endpoint) }
        }
        return state
    }

    public mutating func observe(_ text: String) throws(SessionError) -> State {
        let bytes = Array(text.utf8)
        var result: Result<State, SessionError> = .success(state)
        bytes.withUnsafeBytes { b in
            do throws(SessionError) { result = .success(try observe(b)) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}

/// One thing a streaming socket watches; restored after a reconnect.
public enum Watch: Sendable, Hashable {
    /// L1 `w`: trades and quotes.
    case level1(String)
    /// L1 `t`: trades only.
    case trades(String)
    /// L1 `S,REGON`.
    case regional(String)
    /// L1 `S,NEWSON`.
    case news
    /// L2 `WOR`.
    case orders(String)
    /// L2 `WPL` (optional max levels).
    case priceLevels(String, maxLevels: Int?)

    public var symbol: String? {
        switch self {
        case .level1(let s), .trades(let s), .regional(let s), .orders(let s), .priceLevels(let s, _): s
        case .news: nil
        }
    }

    public func command() throws(CommandError) -> String {
        switch self {
        case .level1(let s): try IQFeedCommand.watch(s)
        case .trades(let s): try IQFeedCommand.watchTrades(s)
        case .regional(let s): try IQFeedCommand.regionalOn(s)
        case .news: IQFeedCommand.newsOn()
        case .orders(let s): try IQFeedCommand.watchOrders(s)
        case .priceLevels(let s, let m): try IQFeedCommand.watchPriceLevels(s, maxLevels: m)
        }
    }

    public func removeCommand() throws(CommandError) -> String {
        switch self {
        case .level1(let s), .trades(let s): try IQFeedCommand.unwatch(s)
        case .regional(let s): try IQFeedCommand.regionalOff(s)
        case .news: IQFeedCommand.newsOff()
        case .orders(let s): try IQFeedCommand.removeOrders(s)
        case .priceLevels(let s, _): try IQFeedCommand.removePriceLevels(s)
        }
    }
}

/// The watches of one streaming socket, in the order they were added (validated on insert).
public struct WatchSet: Sendable, Equatable {
    public private(set) var items: [Watch] = []
    var present: Set<Watch> = []
    /// Session options replayed after reconnect before the watches (e.g. `S,SELECT UPDATE FIELDS`).
    public var setupCommands: [String] = []

    public init() {}

    /// Adds a watch; returns its command, or nil when already present.
    @discardableResult
    public mutating func add(_ w: Watch) throws(CommandError) -> String? {
        let cmd = try w.command()
        if present.contains(w) { return nil }
        present.insert(w); items.append(w)
        return cmd
    }

    @discardableResult
    public mutating func remove(_ w: Watch) throws(CommandError) -> String? {
        guard present.contains(w) else { return nil }
        let cmd = try w.removeCommand()
        present.remove(w); items.removeAll { $0 == w }
        return cmd
    }

    public mutating func removeAll() { items = []; present = [] }

    public var count: Int { items.count }

    /// Everything to send after a (re)connect and handshake: setup commands, then every watch.
    public func restoreCommands() -> [String] {
        setupCommands + items.compactMap { try? $0.command() }
    }
}

/// Pending lookup requests of one socket. The server answers FIFO, one reply at a time, each
/// ending with `!ENDMSG!`, so the head of the queue owns every line until its end marker.
public struct LookupQueue: Sendable {
    public struct Pending: Sendable, Equatable {
        public var requestID: String
        public var kind: LookupKind
        public var symbol: Symbol
        public var rows = 0
    }
    public enum Event: Sendable, Equatable {
        /// A parsed line of the head request (not `.end`).
        case line(requestID: String, LookupLine)
        /// The head request finished (its `!ENDMSG!` arrived).
        case finished(Pending)
        /// A line with no pending request, or for an id that is not the head (stale reply): skipped.
        case unexpected
    }

    public private(set) var pending: [Pending] = []
    var parser: LookupReplyParser?
    public var counters = ParseCounters()

    public init() {}

    public mutating func enqueue(requestID: String, kind: LookupKind, symbol: Symbol) {
        pending.append(Pending(requestID: requestID, kind: kind, symbol: symbol))
        if pending.count == 1 { parser = LookupReplyParser(kind: kind, symbol: symbol, requestID: requestID) }
    }

    public var isIdle: Bool { pending.isEmpty }

    /// Routes one line to the head request.
    public mutating func observe(_ line: UnsafeRawBufferPointer, receiveTime: Nanos = 0) throws(IQFeedParseError) -> Event {
        guard var p = parser, !pending.isEmpty else { return .unexpected }
        if let id = p.requestID, !id.isEmpty, !p.hasRequestID(line) { return .unexpected }
        let l: LookupLine
        do { l = try p.parse(line, receiveTime: receiveTime) } catch {
            counters.failed &+= 1
            parser = p
            throw error
        }
        counters.parsed &+= 1
        parser = p
        if l == .end {
            let done = pending.removeFirst()
            if let next = pending.first {
                parser = LookupReplyParser(kind: next.kind, symbol: next.symbol, requestID: next.requestID)
            } else {
                parser = nil
            }
            return .finished(done)
        }
        pending[0].rows += 1
        return .line(requestID: pending[0].requestID, l)
    }
}
