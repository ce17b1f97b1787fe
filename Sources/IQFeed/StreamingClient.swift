import Foundation
import MarketData

/// A parser usable by `StreamingClient` (one per connection).
public protocol StreamParser: Sendable {
    associatedtype Message: Sendable
    mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos) throws(IQFeedParseError) -> Message
    var counters: ParseCounters { get }
}

extension Level1Parser: StreamParser {}
extension Level2Parser: StreamParser {}
extension AdminParser: StreamParser {}
extension DerivativeParser: StreamParser {}

/// A time the feed was not delivering data: from the last line before the loss to the moment the
/// session was back (handshake done, watches restored). UTC ns.
public struct Gap: Sendable, Equatable, CustomStringConvertible {
    public var start: Nanos
    public var end: Nanos
    public var duration: Nanos { end - start }
    public var reason: String
    public var description: String {
        "gap \(Time.iso8601(start)) .. \(Time.iso8601(end)) (\(Double(duration) / 1e9)s): \(reason)"
    }
}

/// The lines of one socket read, parsed. Reused between reads: do not keep it past the handler
/// call (copy what you need). `messages[i]` came from `line(i)`.
public struct StreamBatch<Message: Sendable> {
    public var receiveTime: Nanos = 0
    public internal(set) var messages: [Message] = []
    public internal(set) var errors: [IQFeedParseError] = []
    var bytes: [UInt8] = []
    var ranges: [Range<Int>] = []

    init() {
        messages.reserveCapacity(1024); bytes.reserveCapacity(64 * 1024); ranges.reserveCapacity(1024)
    }

    /// The raw line (without terminator) message `i` was parsed from (for `--encoding raw`).
    public func withLine<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[ranges[i]])) }
    }

    mutating func clear() {
        messages.removeAll(keepingCapacity: true); errors.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true); ranges.removeAll(keepingCapacity: true)
    }
}

/// The per-line form of a `StreamingClient`'s consumer: the client hands each line of a socket read
/// (without terminator) to `line` together with the connection's parser, which the consumer calls
/// itself (e.g. `Level1Parser.parse(_:receiveTime:into:)`, so no message value is built per line),
/// then calls `endOfRead` once per read that held lines. All calls come from the client's thread; the
/// line bytes are valid only during the call. `framingError` gets lines the framer could not deliver
/// (longer than `StreamOptions.maxLineLength`).
public struct StreamLineConsumer<Parser: StreamParser> {
    public var line: (inout Parser, UnsafeRawBufferPointer, Nanos) -> Void
    public var endOfRead: () -> Void
    public var framingError: (IQFeedParseError) -> Void
    public init(line: @escaping (inout Parser, UnsafeRawBufferPointer, Nanos) -> Void,
                endOfRead: @escaping () -> Void,
                framingError: @escaping (IQFeedParseError) -> Void = { _ in }) {
        self.line = line; self.endOfRead = endOfRead; self.framingError = framingError
    }
}

public enum StreamState: Sendable, Equatable {
    case idle, connecting, handshaking, streaming, backoff, stopped
    case failed(String)
}

public struct StreamOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 5009
    /// nil: send no `S,SET PROTOCOL` (derivative port).
    public var protocolVersion: String? = "6.2"
    public var connectTimeout = 3.0
    public var handshakeTimeout = 5.0
    /// No `T` or `S,STATS` line for this long means the connection is dead.
    public var heartbeatTimeout = 5.0
    public var backoffInitial = 0.25
    public var backoffMax = 30.0
    /// Fraction of the delay added or removed at random.
    public var jitter = 0.2
    public var maxLineLength = 64 * 1024
    /// Sent after the handshake on every connect (e.g. `S,SET CLIENT NAME,...`).
    public var extraSetup: [String] = []
    public init(host: String = "127.0.0.1", port: Int = 5009) { self.host = host; self.port = port }
}

/// A streaming client (L1 5009, L2 9200, admin 9300, derivative 9400) on a dedicated thread:
/// connect, handshake, restore watches, then socket -> framer -> parser -> one handler call per read
/// chunk. A heartbeat watchdog (`T` / `S,STATS`) and socket errors trigger a reconnect with capped
/// exponential backoff and jitter; every outage is recorded as a `Gap`. A protocol mismatch stops
/// the client (state `.failed`) rather than retrying.
public final class StreamingClient<Parser: StreamParser>: @unchecked Sendable {
    public typealias Handler = (StreamBatch<Parser.Message>) -> Void

    public let options: StreamOptions
    private let lock = NSLock()
    private var watches = WatchSet()
    private var connection: IQFeedConnection?
    private var _state: StreamState = .idle
    private var _gaps: [Gap] = []
    private var _connects = 0
    private var _counters = ParseCounters()
    private var _framingErrors = 0
    private var stopRequested = false
    private var thread: Thread?
    private let done = NSCondition()
    private var finished = false
    private let makeParser: @Sendable () -> Parser
    /// How parsed lines reach the user: a `StreamBatch` per read, or each line to a `StreamLineConsumer`.
    private enum Delivery {
        case batches(Handler)
        case lines(StreamLineConsumer<Parser>)

        var lineConsumer: StreamLineConsumer<Parser>? {
            if case .lines(let c) = self { c } else { nil }
        }
    }
    private let delivery: Delivery
    public var endpoint: String { "\(options.host):\(options.port)" }

    /// `makeParser` is called once per connection (fresh state after a reconnect).
    public init(options: StreamOptions, parser makeParser: @escaping @Sendable () -> Parser, handler: @escaping Handler) {
        self.options = options
        self.makeParser = makeParser
        self.delivery = .batches(handler)
    }

    /// The per-line form: no `StreamBatch` is built; `consumer` parses each line itself (see
    /// `StreamLineConsumer`). Parse counters are still read from the parser after every read.
    public init(options: StreamOptions, parser makeParser: @escaping @Sendable () -> Parser, lines consumer: StreamLineConsumer<Parser>) {
        self.options = options
        self.makeParser = makeParser
        self.delivery = .lines(consumer)
    }

    public var state: StreamState { lock.lock(); defer { lock.unlock() }; return _state }
    public var gaps: [Gap] { lock.lock(); defer { lock.unlock() }; return _gaps }
    /// Successful sessions so far (1 after the first connect).
    public var connectCount: Int { lock.lock(); defer { lock.unlock() }; return _connects }
    public var watchList: [Watch] { lock.lock(); defer { lock.unlock() }; return watches.items }
    /// Parse counters summed over all connections.
    public var counters: ParseCounters { lock.lock(); defer { lock.unlock() }; return _counters }

    /// Adds a watch (sent now if connected, and after every reconnect).
    public func watch(_ w: Watch) throws(CommandError) {
        lock.lock(); defer { lock.unlock() }
        if let cmd = try watches.add(w), let c = connection, _state == .streaming { try? c.send(cmd) }
    }

    public func unwatch(_ w: Watch) throws(CommandError) {
        lock.lock(); defer { lock.unlock() }
        if let cmd = try watches.remove(w), let c = connection, _state == .streaming { try? c.send(cmd) }
    }

    /// A command replayed after every (re)connect before the watches (e.g. `S,SELECT UPDATE FIELDS`); sent now if connected.
    public func addSetupCommand(_ cmd: String) {
        lock.lock(); defer { lock.unlock() }
        watches.setupCommands.append(cmd)
        if let c = connection, _state == .streaming { try? c.send(cmd) }
    }

    /// Sends a one-off command if connected; returns false when not connected.
    @discardableResult
    public func send(_ cmd: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let c = connection, _state == .streaming else { return false }
        return (try? c.send(cmd)) != nil
    }

    public func start() {
        lock.lock()
        guard thread == nil else { lock.unlock(); return }
        _state = .connecting
        let t = Thread(named: "iqfeed-\(options.port)") { [self] in self.run() }
        thread = t
        lock.unlock()
        t.start()
    }

    /// Stops the thread and closes the socket; returns when the thread has ended.
    public func stop() {
        lock.lock()
        stopRequested = true
        connection?.close()
        let started = thread != nil
        lock.unlock()
        guard started else { return }
        done.lock()
        while !finished { done.wait() }
        done.unlock()
    }

    private var shouldStop: Bool { lock.lock(); defer { lock.unlock() }; return stopRequested }

    private func setState(_ s: StreamState) { lock.lock(); if case .failed = _state {} else { _state = s }; lock.unlock() }

    private func run() {
        var attempt = 0
        var lostAt: Nanos? = nil
        var lostReason = ""
        var framer = LineFramer(maxLineLength: options.maxLineLength)
        var batch = StreamBatch<Parser.Message>()
        while !shouldStop {
            setState(.connecting)
            let outcome = session(framer: &framer, batch: &batch, lostAt: &lostAt, lostReason: &lostReason, attempt: &attempt)
            if case .fatal(let msg) = outcome {
                lock.lock(); _state = .failed(msg); lock.unlock()
                break
            }
            if shouldStop { break }
            setState(.backoff)
            let base = min(options.backoffMax, options.backoffInitial * pow(2, Double(min(attempt, 30))))
            let delay = max(0, base * (1 + options.jitter * Double.random(in: -1...1)))
            attempt += 1
            let until = Clock.monotonic() + delay
            while !shouldStop && Clock.monotonic() < until { Clock.sleep(seconds: min(0.05, until - Clock.monotonic())) }
        }
        lock.lock()
        connection?.close(); connection = nil
        if case .failed = _state {} else { _state = .stopped }
        lock.unlock()
        done.lock(); finished = true; done.broadcast(); done.unlock()
    }

    private enum Outcome { case lost, fatal(String) }

    /// One connection's life. Returns when it is lost (or fatally failed).
    private func session(framer: inout LineFramer, batch: inout StreamBatch<Parser.Message>, lostAt: inout Nanos?,
                         lostReason: inout String, attempt: inout Int) -> Outcome {
        let conn: IQFeedConnection
        do {
            conn = try IQFeedConnection.connect(host: options.host, port: options.port, timeout: options.connectTimeout)
        } catch {
            if lostAt == nil { lostAt = Clock.wallNanos(); lostReason = error.description }
            return .lost
        }
        lock.lock()
        if stopRequested { lock.unlock(); conn.close(); return .lost }
        connection = conn
        _state = .handshaking
        lock.unlock()
        defer { lock.lock(); connection = nil; lock.unlock(); conn.close() }
        framer.reset()
        var parser = makeParser()
        var handshake = options.protocolVersion.map { ProtocolHandshake(version: $0, endpoint: endpoint) }
        var streaming = false
        var lastLineWall = Clock.wallNanos()
        var lastHeartbeat = Clock.monotonic()
        let handshakeDeadline = Clock.monotonic() + options.handshakeTimeout
        var counted = ParseCounters()

        func goLive() throws(ConnectionError) {
            lock.lock(); defer { lock.unlock() }
            for cmd in options.extraSetup { try conn.send(cmd) }
            for cmd in watches.restoreCommands() { try conn.send(cmd) }
            _state = .streaming
            _connects += 1
            if let start = lostAt {
                _gaps.append(Gap(start: start, end: Clock.wallNanos(), reason: lostReason))
                lostAt = nil
            }
            streaming = true
            attempt = 0
            lastHeartbeat = Clock.monotonic()
        }

        func lose(_ reason: String) -> Outcome {
            if lostAt == nil { lostAt = lastLineWall; lostReason = reason }
            lock.lock(); _counters.parsed &+= parser.counters.parsed &- counted.parsed; _counters.failed &+= parser.counters.failed &- counted.failed; lock.unlock()
            return .lost
        }

        do {
            if let h = handshake { try conn.send(try h.command()) } else { try goLive() }
        } catch let e as ConnectionError {
            return lose(e.description)
        } catch {
            return .fatal("\(error)")
        }

        while !shouldStop {
            let result: IQFeedConnection.ReadResult
            do { result = try conn.read(into: &framer, timeout: 0.1) } catch { return lose(error.description) }
            let now = Clock.monotonic()
            if case .data = result {
                let rt = Clock.wallNanos()
                batch.clear()
                batch.receiveTime = rt
                // Bound once per read: the line loop tests this local, not the enum.
                let consumer = delivery.lineConsumer
                var sawLine = false
                while true {
                    let next: UnsafeRawBufferPointer?
                    do { next = try framer.nextLine() } catch {
                        let e = IQFeedParseError(messageType: "line", field: "line", index: 0, reason: .lineTooLong(options.maxLineLength))
                        if let consumer { consumer.framingError(e) } else { batch.errors.append(e) }
                        continue
                    }
                    guard let line = next else { break }
                    lastLineWall = rt
                    if line.count >= 2 && (line[0] == UInt8(ascii: "T") && line[1] == UInt8(ascii: ",") || Scan.hasPrefix(line, "S,STATS,")) {
                        lastHeartbeat = now
                    }
                    if !streaming, var h = handshake {
                        do {
                            if try h.observe(line) == .done {
                                handshake = h
                                do { try goLive() } catch { return lose(error.description) }
                            } else { handshake = h }
                        } catch {
                            return .fatal(error.description)
                        }
                    }
                    if let consumer {
                        sawLine = true
                        consumer.line(&parser, line, rt)
                        continue
                    }
                    do {
                        let m = try parser.parse(line, receiveTime: rt)
                        let start = batch.bytes.count
                        batch.bytes.append(contentsOf: line)
                        batch.ranges.append(start..<batch.bytes.count)
                        batch.messages.append(m)
                    } catch {
                        batch.errors.append(error)
                    }
                }
                switch delivery {
                case .lines(let consumer):
                    if sawLine { consumer.endOfRead() }
                case .batches(let handler):
                    if !batch.messages.isEmpty || !batch.errors.isEmpty { handler(batch) }
                }
                lock.lock()
                _counters.parsed &+= parser.counters.parsed &- counted.parsed
                _counters.failed &+= parser.counters.failed &- counted.failed
                lock.unlock()
                counted = parser.counters
            }
            if !streaming && now > handshakeDeadline {
                return lose(SessionError.handshakeTimeout(endpoint: endpoint).description)
            }
            if streaming && now - lastHeartbeat > options.heartbeatTimeout {
                return lose("no heartbeat (T/S,STATS) for \(options.heartbeatTimeout)s")
            }
        }
        return lose("stopped")
    }
}
