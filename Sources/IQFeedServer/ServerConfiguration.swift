import MarketData

/// The IQConnect ports the server can serve.
public enum IQFeedPort: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case level1 = "l1", lookup = "lookup", level2 = "l2", admin = "admin"

    /// IQConnect's default port number.
    public var defaultNumber: UInt16 {
        switch self { case .level1: 5009; case .lookup: 9100; case .level2: 9200; case .admin: 9300 }
    }

    /// Default line terminator (recorded IQConnect behaviour): LF on 5009/9300, CRLF on 9100/9200.
    public var defaultTerminator: [UInt8] {
        switch self { case .level1, .admin: [10]; case .lookup, .level2: [13, 10] }
    }

    public var description: String { rawValue }
}

/// Where the server's clock comes from.
public enum ServerClock: Sendable, Equatable {
    /// The machine's wall clock.
    case wall
    /// Starts at `start` and advances by `step` for every market event (deterministic streams);
    /// `T`/STATS lines use the same clock.
    case simulated(start: Nanos, step: Nanos)
}

/// What drives the streaming ports.
public enum StreamSource: Sendable, Equatable {
    /// The seeded synthetic market (events only for watched symbols).
    case synthetic
    /// Lines of a recorded file, sent in order: L2 message types (`0,3..9`, `S,CLEAR DEPTH`) to every
    /// Level 2 client, all other lines to every Level 1 client, at the configured rate.
    case recordedLines([String])
}

/// Everything the server needs; defaults match a real IQConnect on localhost.
public struct IQFeedServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// Port numbers to listen on (0 = any free port). A port left out is not served.
    public var ports: [IQFeedPort: UInt16] = [.level1: 5009, .lookup: 9100, .level2: 9200, .admin: 9300]
    public var terminators: [IQFeedPort: [UInt8]] = Dictionary(uniqueKeysWithValues: IQFeedPort.allCases.map { ($0, $0.defaultTerminator) })
    public var seed: UInt64 = 1
    /// The symbol universe (default: 300 generated symbols).
    public var universe: SymbolUniverse? = nil
    public var history = HistoryConfiguration()
    public var source: StreamSource = .synthetic
    /// Market events per second over all watched symbols; nil = as fast as possible.
    public var messagesPerSecond: Double? = 1000
    /// Stop emitting market events after this many (nil = never). Everything else keeps working.
    public var maxEvents: Int? = nil
    /// Share (0...100) of events that are Level 2 when a symbol has both L1 and L2 watchers.
    public var level2Percent: Int = 50
    /// Per-socket watch limit (`S,SYMBOL LIMIT REACHED,SYM` beyond it).
    public var maxSymbols: Int = 500
    /// History requests per second over the whole server (token bucket, burst = one second's worth);
    /// nil = unlimited.
    public var lookupRateLimit: Double? = nil
    public var clock: ServerClock = .wall
    /// The "now" that open-ended history requests end at (nil = the server clock).
    public var historyNow: Nanos? = nil
    /// IQConnect link status at start.
    public var connected: Bool = true
    public var iqconnectVersion: String = "6.2.0.25"
    public var loginID: String = "512345"
    /// Reply `S,CURRENT PROTOCOL,6.2` with a trailing comma (6.1 recordings have one; 6.2 is unconfirmed).
    public var protocolReplyTrailingComma: Bool = false
    /// Seconds between `T` lines (L1/L2) and `S,STATS` lines (admin).
    public var tickInterval: Double = 1.0

    public init() {}
}

/// Exact per-port counts of what the server sent.
public struct PortCounters: Sendable, Equatable {
    /// Every line written (greetings, system lines, data, T, errors).
    public var lines: UInt64 = 0
    /// Streaming data lines caused by market events (`Q` on L1; `3/4/5/8/9` on L2; recorded lines).
    public var dataLines: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Connections accepted so far, and currently open.
    public var accepted: UInt64 = 0
    public var open: Int = 0
    public init() {}
}
