import Foundation
import MarketData

public enum LookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered `E,...` (rate limit: `.server(.rateLimited)`, retryable).
    case server(LookupServerError, request: String)
    case connection(ConnectionError)
    case session(SessionError)
    case command(CommandError)
    /// No line for `seconds` while waiting for the reply; the socket is closed (stale replies dropped).
    case timeout(request: String, seconds: Double)

    public var isRetryable: Bool {
        switch self {
        case .server(let e, _): e.isRetryable
        case .connection, .timeout: true
        case .session, .command: false
        }
    }

    public var description: String {
        switch self {
        case .server(let e, let r): "\(e) [request \(r)]"
        case .connection(let e): e.description
        case .session(let e): e.description
        case .command(let e): e.description
        case .timeout(let r, let s): "IQFeed lookup: no reply line for \(s)s to request \(r); connection reset"
        }
    }
}

/// Outcome of one lookup request.
public struct LookupResult: Sendable, Equatable {
    /// Data rows delivered to the callback.
    public var rows: Int
    /// The server said `!NO_DATA!` (an empty result, not an error).
    public var noData: Bool
    /// Rows that did not parse (skipped; the reply was still read to `!ENDMSG!`).
    public var parseErrors: Int
    public var firstParseError: IQFeedParseError?
}

/// A blocking lookup (9100) client on one socket: one request at a time, rows streamed to a
/// callback as they arrive, reply always drained to `!ENDMSG!`. Every request first takes a token
/// from the shared `TokenBucket`. Not thread-safe: use one per thread (open several for parallelism).
public final class LookupClient {
    public let host: String
    public let port: Int
    public let protocolVersion: String
    public var connectTimeout = 5.0
    /// Longest silence allowed while a reply is in progress.
    public var idleTimeout = 30.0
    public let rateLimiter: TokenBucket?
    private var connection: IQFeedConnection?
    /// Lent as an `inout` parameter to the loops that read it (`handshake`, `readReply`): each access to a
    /// class's stored var is checked for exclusivity at run time, so that is one check per call, not one per line.
    private var framer = LineFramer(maxLineLength: 1 << 20, initialCapacity: 1 << 18)
    private var nextID = 1
    public private(set) var counters = ParseCounters()

    public init(host: String = "127.0.0.1", port: Int = 9100, protocolVersion: String = "6.2", rateLimiter: TokenBucket? = .shared) {
        self.host = host; self.port = port; self.protocolVersion = protocolVersion; self.rateLimiter = rateLimiter
    }

    deinit { connection?.close() }

    public var endpoint: String { "\(host):\(port)" }

    /// Connects and completes the protocol handshake (done lazily by `request` too).
    public func connect() throws(LookupError) {
        if connection != nil { return }
        connection = try handshake(framer: &framer)
    }

    /// A new connection with the protocol handshake done (closed again if the handshake fails).
    private func handshake(framer: inout LineFramer) throws(LookupError) -> IQFeedConnection {
        let c: IQFeedConnection
        do { c = try IQFeedConnection.connect(host: host, port: port, timeout: connectTimeout) } catch { throw .connection(error) }
        framer.reset()
        var hs = ProtocolHandshake(version: protocolVersion, endpoint: endpoint)
        let setCmd: String
        do { setCmd = try hs.command() } catch { c.close(); throw .command(error) }
        do { try c.send(setCmd) } catch { c.close(); throw .connection(error) }
        var deadline = Clock.monotonic() + connectTimeout
        while true {
            do {
                while let line = try framer.nextLine() {
                    if try hs.observe(line) == .done { return c }
                }
            } catch let e as SessionError { c.close(); throw .session(e) } catch { /* over-long line: ignore */ }
            let remaining = deadline - Clock.monotonic()
            if remaining <= 0 { c.close(); throw .session(.handshakeTimeout(endpoint: endpoint)) }
            do {
                if case .data = try c.read(into: &framer, timeout: remaining) { deadline = max(deadline, Clock.monotonic()) }
            } catch { c.close(); throw .connection(error) }
        }
    }

    public func close() { connection?.close(); connection = nil }

    /// A fresh request id (`mdt1`, `mdt2`, ...): never a message-type letter.
    public func makeRequestID() -> String { defer { nextID += 1 }; return "mdt\(nextID)" }

    /// Sends `command` (built with the same `requestID`) and streams its parsed rows to `onRow`
    /// until `!ENDMSG!`. `E,!NO_DATA!` gives an empty result; other `E,` lines throw `.server`
    /// after the reply is drained.
    @discardableResult
    public func request(_ command: String, requestID: String, kind: LookupKind, symbol: Symbol,
                        onRow: (LookupLine) -> Void) throws(LookupError) -> LookupResult {
        try run(command, requestID: requestID, kind: kind, symbol: symbol, tickRows: false, onTick: { _ in }, onRow: onRow)
    }

    /// `request` for a tick reply (HTX/HTD/HTT built with `requestID`) where the common rows go to `onTick`
    /// as symbol-free `TickRow`s (no `Trade`, no `LookupLine` per row); any other row `parse` reads
    /// (`Trade(symbol:row:)` of a tick row is what `onRow` would have got) goes to `onRow` as in `request`.
    @discardableResult
    public func requestTicks(_ command: String, requestID: String, symbol: Symbol, onTick: (TickRow) -> Void,
                             onRow: (LookupLine) -> Void) throws(LookupError) -> LookupResult {
        try run(command, requestID: requestID, kind: .ticks, symbol: symbol, tickRows: true, onTick: onTick, onRow: onRow)
    }

    func run(_ command: String, requestID: String, kind: LookupKind, symbol: Symbol, tickRows: Bool,
             onTick: (TickRow) -> Void, onRow: (LookupLine) -> Void) throws(LookupError) -> LookupResult {
        try connect()
        guard let conn = connection else { throw .connection(.closed(endpoint: endpoint)) }
        rateLimiter?.acquire()
        do { try conn.send(command) } catch { close(); throw .connection(error) }
        return try readReply(conn, framer: &framer, requestID: requestID, kind: kind, symbol: symbol,
                             tickRows: tickRows, onTick: onTick, onRow: onRow)
    }

    /// Reads `requestID`'s reply from `conn` to `!ENDMSG!` (see `run`).
    private func readReply(_ conn: IQFeedConnection, framer: inout LineFramer, requestID: String, kind: LookupKind,
                           symbol: Symbol, tickRows: Bool, onTick: (TickRow) -> Void,
                           onRow: (LookupLine) -> Void) throws(LookupError) -> LookupResult {
        var parser = LookupReplyParser(kind: kind, symbol: symbol, requestID: requestID)
        var result = LookupResult(rows: 0, noData: false, parseErrors: 0, firstParseError: nil)
        var serverError: LookupServerError?
        let rt = Clock.wallNanos()
        while true {
            while true {
                let line: UnsafeRawBufferPointer?
                do { line = try framer.nextLine() } catch {
                    result.parseErrors += 1
                    continue
                }
                guard let line else { break }
                if tickRows, let row = parser.readTickRow(line) {
                    result.rows += 1
                    onTick(row)
                    continue
                }
                let parsed: LookupLine
                do { parsed = try parser.parse(line, receiveTime: rt) } catch {
                    result.parseErrors += 1
                    if result.firstParseError == nil { result.firstParseError = error }
                    continue
                }
                switch parsed {
                case .end:
                    counters.parsed &+= parser.counters.parsed; counters.failed &+= parser.counters.failed
                    if let e = serverError { throw .server(e, request: requestID) }
                    return result
                case .noData: result.noData = true
                case .error(let e): serverError = e
                default:
                    result.rows += 1
                    onRow(parsed)
                }
            }
            do {
                if case .timeout = try conn.read(into: &framer, timeout: idleTimeout) {
                    close()
                    throw LookupError.timeout(request: requestID, seconds: idleTimeout)
                }
            } catch let e as LookupError { throw e } catch let e as ConnectionError { close(); throw .connection(e) } catch {
                close(); throw .connection(.read(endpoint: endpoint, "\(error)"))
            }
        }
    }

    // MARK: Convenience history requests (request id chosen here)

    /// `HTT`: ticks between two Eastern times, oldest first; each row is a `Trade`.
    @discardableResult
    public func ticks(_ symbol: Symbol, from: EasternDateTime?, to: EasternDateTime?, maxDatapoints: Int? = nil,
                      onTrade: (Trade) -> Void) throws(LookupError) -> LookupResult {
        let id = makeRequestID()
        let cmd: String
        do { cmd = try IQFeedCommand.ticksRange(symbol.text, begin: from, end: to, maxDatapoints: maxDatapoints, requestID: id) } catch { throw .command(error) }
        return try request(cmd, requestID: id, kind: .ticks, symbol: symbol) { if case .tick(let t) = $0 { onTrade(t) } }
    }

    /// `HIT`: interval bars of `seconds` between two Eastern times, oldest first.
    @discardableResult
    public func intervalBars(_ symbol: Symbol, seconds: Int, from: EasternDateTime?, to: EasternDateTime?, maxDatapoints: Int? = nil,
                             onBar: (Bar) -> Void) throws(LookupError) -> LookupResult {
        let id = makeRequestID()
        let cmd: String
        do { cmd = try IQFeedCommand.intervalsRange(symbol.text, interval: seconds, begin: from, end: to, maxDatapoints: maxDatapoints, requestID: id) } catch { throw .command(error) }
        return try request(cmd, requestID: id, kind: .intervals(.seconds(seconds)), symbol: symbol) { if case .bar(let b) = $0 { onBar(b) } }
    }

    /// `HDT`: daily bars between two Eastern dates, oldest first.
    @discardableResult
    public func dailyBars(_ symbol: Symbol, from: EasternDateTime?, to: EasternDateTime?, maxDatapoints: Int? = nil,
                          onBar: (Bar) -> Void) throws(LookupError) -> LookupResult {
        let id = makeRequestID()
        let cmd: String
        do { cmd = try IQFeedCommand.dailyRange(symbol.text, begin: from, end: to, maxDatapoints: maxDatapoints, requestID: id) } catch { throw .command(error) }
        return try request(cmd, requestID: id, kind: .calendar(.daily), symbol: symbol) { if case .bar(let b) = $0 { onBar(b) } }
    }
}
