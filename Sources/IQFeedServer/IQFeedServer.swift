#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import MarketData

/// mdt's own IQFeed-protocol server (IQConnect 6.2 look-alike) fed by the seeded synthetic market
/// or a recorded-lines file. Blocking POSIX sockets: one accept thread per port, one reader thread
/// per client, one market thread (batched writes) and one clock thread (`T`, `S,STATS`).
///
/// ```swift
/// var cfg = IQFeedServerConfiguration(); cfg.ports = [.level1: 0, .lookup: 0, .level2: 0, .admin: 0]
/// let server = IQFeedServer(configuration: cfg)
/// try server.start()
/// let l1 = server.port(.level1)!
/// ...
/// server.stop()
/// ```
public final class IQFeedServer: @unchecked Sendable {
    public let configuration: IQFeedServerConfiguration
    let logger: Logger

    let lock = NSLock()
    var market: SyntheticMarket
    /// Immutable copy used by lookup threads (history depends only on seed and symbol).
    let historyMarket: SyntheticMarket
    var chooser: SplitMix64
    var running = false
    var connected: Bool
    var listeners: [IQFeedPort: TCPListener] = [:]
    var boundPorts: [IQFeedPort: UInt16] = [:]
    var clients: [Int: Client] = [:]
    var nextClientID = 1
    var l1Subs: [Int32: [Client]] = [:]
    var l2Subs: [Int32: [Client]] = [:]
    var watched: [Int32] = []
    var watchedPos: [Int32: Int] = [:]
    var watchRefs: [Int32: Int] = [:]
    var events: Int = 0
    var recordedIndex = 0
    /// CPU time the lookup handlers spent (guarded by `counterLock`), so a benchmark running this server
    /// in-process can tell its own CPU from the server's.
    var lookupCPUNanos: UInt64 = 0
    /// CPU time of the market thread (generating and sending streaming data), added when it ends.
    var marketCPUNanos: UInt64 = 0
    let startedAt: Nanos
    var simulatedNow: Nanos = 0

    let counterLock = NSLock()
    var portCounters: [IQFeedPort: PortCounters] = [:]

    let bucketLock = NSLock()
    var tokens: Double = 0
    var tokensAt: Double = 0

    let threads = DispatchGroup()

    public init(configuration: IQFeedServerConfiguration, logger: Logger = Logger(label: "mdt.iqfeed-server")) {
        self.configuration = configuration
        self.logger = logger
        let universe = configuration.universe ?? SymbolUniverse(seed: configuration.seed, count: 300)
        market = SyntheticMarket(seed: configuration.seed, universe: universe, history: configuration.history)
        historyMarket = market
        chooser = SplitMix64(seed: SplitMix64.mix(configuration.seed, 0x5345525645))
        connected = configuration.connected
        startedAt = IQFeedServer.wallNow()
        if case .simulated(let start, _) = configuration.clock { simulatedNow = start }
        for p in IQFeedPort.allCases { portCounters[p] = PortCounters() }
    }

    deinit { stop() }

    // MARK: Lifecycle

    /// Binds every configured port and starts the threads. Throws `.portInUse` naming host:port.
    /// After a `stop()`, `start()` binds the same (actual) ports again.
    public func start() throws(IQFeedServerError) {
        lock.lock()
        if running { lock.unlock(); return }
        lock.unlock()
        var bound: [IQFeedPort: TCPListener] = [:]
        for p in IQFeedPort.allCases {
            guard let want = configuration.ports[p] else { continue }
            let number = boundPorts[p] ?? want
            do {
                bound[p] = try TCPListener(host: configuration.host, port: number)
            } catch {
                for l in bound.values { l.close() }
                throw error
            }
        }
        lock.lock()
        listeners = bound
        for (p, l) in bound { boundPorts[p] = l.port }
        running = true
        if configuration.lookupRateLimit != nil { tokens = configuration.lookupRateLimit ?? 0; tokensAt = IQFeedServer.monotonic() }
        lock.unlock()
        for (p, l) in bound { spawn("accept-\(p)") { [self] in acceptLoop(p, l) } }
        spawn("market") { [self] in marketLoop() }
        spawn("clock") { [self] in clockLoop() }
        logger.debug("IQFeed server listening", metadata: ["ports": "\(boundPorts)"])
    }

    /// Closes listeners and every client, and waits for all threads to end.
    public func stop() {
        lock.lock()
        if !running { lock.unlock(); return }
        running = false
        let ls = Array(listeners.values)
        listeners = [:]
        let cs = Array(clients.values)
        lock.unlock()
        for l in ls { l.close() }
        for c in cs { c.socket.shutdownBoth() }
        threads.wait()
    }

    public var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

    /// The actual port number (after `start`), nil when not served.
    public func port(_ p: IQFeedPort) -> UInt16? { lock.lock(); defer { lock.unlock() }; return boundPorts[p] }

    /// Exact counts of what was sent on a port.
    public func counters(_ p: IQFeedPort) -> PortCounters { counterLock.lock(); defer { counterLock.unlock() }; return portCounters[p] ?? PortCounters() }

    /// CPU seconds spent answering lookup (history) requests so far.
    public var lookupCPUSeconds: Double {
        counterLock.lock(); defer { counterLock.unlock() }
        return Double(lookupCPUNanos) / 1e9
    }

    /// CPU seconds the market thread spent generating and sending streaming data (complete after `stop()`).
    public var marketCPUSeconds: Double {
        counterLock.lock(); defer { counterLock.unlock() }
        return Double(marketCPUNanos) / 1e9
    }

    static func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Market events generated so far (each sends one data line to every subscriber of its symbol).
    public var eventsGenerated: Int { lock.lock(); defer { lock.unlock() }; return events }

    /// True once `maxEvents` events were generated (or a recorded file was fully sent).
    public var isFinished: Bool {
        lock.lock(); defer { lock.unlock() }
        if let m = configuration.maxEvents, events >= m { return true }
        if case .recordedLines(let lines) = configuration.source { return recordedIndex >= lines.count }
        return false
    }

    /// Number of open client connections on a port.
    public func clientCount(_ p: IQFeedPort) -> Int {
        lock.lock(); defer { lock.unlock() }
        return clients.values.filter { $0.port == p && !$0.closed }.count
    }

    /// The symbol universe served.
    public var universe: SymbolUniverse { historyMarket.universe }

    /// A copy of the market used for history (for tests to compute expected rows).
    public var historySource: SyntheticMarket { historyMarket }

    // MARK: Fault injection

    /// Toggles the simulated IQConnect <-> DTN link. Streaming clients get `S,SERVER DISCONNECTED`
    /// (L2 clients then `S,CLEAR DEPTH,SYM,B,` and `...,A,` per watched symbol) or `S,SERVER CONNECTED`
    /// (L2 clients then a fresh snapshot); STATS shows `Not Connected`/`Connected`; no market events
    /// are generated while disconnected.
    public func setConnected(_ up: Bool) {
        lock.lock(); defer { lock.unlock() }
        if connected == up { return }
        connected = up
        let t = nowLocked()
        for c in clients.values where !c.closed && (c.port == .level1 || c.port == .level2) {
            var out: [UInt8] = []
            var n: UInt64 = 0
            line(&out, &n, c, up ? "S,SERVER CONNECTED" : "S,SERVER DISCONNECTED")
            if c.port == .level2 {
                for idx in c.l2Order {
                    let sym = market.instrument(Int(idx)).symbol.text
                    if up { n += writeSnapshot(c, Int(idx), time: t, into: &out) } else {
                        line(&out, &n, c, "S,CLEAR DEPTH,\(sym),B,")
                        line(&out, &n, c, "S,CLEAR DEPTH,\(sym),A,")
                    }
                }
            }
            write(c, out, lines: n)
        }
    }

    public var isConnected: Bool { lock.lock(); defer { lock.unlock() }; return connected }

    /// Closes every client connection (listeners stay up; clients may reconnect).
    public func dropAllConnections() {
        lock.lock()
        let cs = Array(clients.values)
        lock.unlock()
        for c in cs { c.socket.shutdownBoth() }
    }

    /// Sends one raw line (terminator added) to every client of a port.
    public func injectLine(_ text: String, on p: IQFeedPort) {
        lock.lock(); defer { lock.unlock() }
        for c in clients.values where c.port == p && !c.closed {
            var out: [UInt8] = []
            var n: UInt64 = 0
            line(&out, &n, c, text)
            write(c, out, lines: n)
        }
    }

    /// Sends a malformed line of the port's main message type to every client of the port.
    public func injectMalformedLine(on p: IQFeedPort) {
        switch p {
        case .level1: injectLine("Q,AAA,12.3x4,,99:99:99.139000,,notanumber,", on: p)
        case .level2: injectLine("3,AAA,,NSDQ,X,bad.price,,,4,25:61:00.000000,2021-13-40,", on: p)
        case .lookup: injectLine("LH,garbage", on: p)
        case .admin: injectLine("S,STATS,,,,", on: p)
        }
    }

    /// Sends `S,CLEAR DEPTH,SYM,B|A,` to the symbol's Level 2 watchers, then (when `resnapshot`)
    /// the current book again as snapshot rows.
    public func clearDepth(symbol: Symbol, side: Side, resnapshot: Bool = true) {
        lock.lock(); defer { lock.unlock() }
        guard let idx = market.index(of: symbol) else { return }
        let t = nowLocked()
        for c in l2Subs[Int32(idx)] ?? [] {
            var out: [UInt8] = []
            var n: UInt64 = 0
            line(&out, &n, c, "S,CLEAR DEPTH,\(symbol.text),\(side == .bid ? "B" : "A"),")
            if resnapshot { n += writeSnapshot(c, idx, time: t, into: &out) }
            write(c, out, lines: n)
        }
    }

    // MARK: Threads

    func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let t = Thread(named: "iqserver-\(name)") { [threads] in
            body()
            threads.leave()
        }
        t.start()
    }

    func acceptLoop(_ p: IQFeedPort, _ l: TCPListener) {
        while let fd = l.accept() {
            lock.lock()
            if !running { lock.unlock(); _ = Glibc.close(fd); break }
            let c = Client(id: nextClientID, port: p, fd: fd, terminator: configuration.terminators[p] ?? p.defaultTerminator,
                           connectedAt: nowLocked())
            nextClientID += 1
            clients[c.id] = c
            greet(c)
            lock.unlock()
            counterLock.lock(); portCounters[p]?.accepted += 1; portCounters[p]?.open += 1; counterLock.unlock()
            spawn("client-\(c.id)") { [self] in readLoop(c) }
        }
    }

    func readLoop(_ c: Client) {
        var buf = [UInt8](repeating: 0, count: 16_384)
        var partial: [UInt8] = []
        while true {
            let n = c.socket.read(into: &buf)
            if n == 0 { break }
            counterLock.lock(); c.bytesReceived &+= UInt64(n); counterLock.unlock()
            var start = 0
            for i in 0..<n where buf[i] == 10 {
                partial.append(contentsOf: buf[start..<i])
                if partial.last == 13 { partial.removeLast() }
                handle(c, String(decoding: partial, as: UTF8.self))
                partial.removeAll(keepingCapacity: true)
                start = i + 1
            }
            partial.append(contentsOf: buf[start..<n])
            if partial.count > 1_000_000 { break }
        }
        lock.lock()
        c.closed = true
        clients[c.id] = nil
        unwatchAllLocked(c)
        lock.unlock()
        c.socket.close()
        counterLock.lock(); portCounters[c.port]?.open -= 1; counterLock.unlock()
    }

    func handle(_ c: Client, _ text: String) {
        if text.isEmpty { return }
        switch c.port {
        case .level1: handleLevel1(c, text)
        case .level2: handleLevel2(c, text)
        case .lookup:
            let t0 = IQFeedServer.threadCPUNanos()
            handleLookup(c, text)
            let spent = IQFeedServer.threadCPUNanos() &- t0
            counterLock.lock(); lookupCPUNanos &+= spent; counterLock.unlock()
        case .admin: handleAdmin(c, text)
        }
    }

    // MARK: Writing

    /// Appends `text` + terminator to `out` and counts it.
    func line(_ out: inout [UInt8], _ n: inout UInt64, _ c: Client, _ text: String) {
        out.put(text)
        out.append(contentsOf: c.terminator)
        n += 1
    }

    /// Writes bytes to a client and counts them.
    func write(_ c: Client, _ bytes: [UInt8], lines: UInt64, dataLines: UInt64 = 0) {
        if bytes.isEmpty { return }
        c.socket.write(bytes)
        counterLock.lock()
        portCounters[c.port]?.lines += lines
        portCounters[c.port]?.dataLines += dataLines
        portCounters[c.port]?.bytes += UInt64(bytes.count)
        c.bytesSent &+= UInt64(bytes.count)
        counterLock.unlock()
    }

    func send(_ c: Client, _ lines: String...) {
        var out: [UInt8] = []
        var n: UInt64 = 0
        for l in lines { line(&out, &n, c, l) }
        write(c, out, lines: n)
    }

    // MARK: Clock

    static func wallNow() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * Time.nanosPerSecond + Int64(ts.tv_nsec)
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Server time (wall or simulated); call with `lock` held.
    func nowLocked() -> Nanos {
        switch configuration.clock {
        case .wall: IQFeedServer.wallNow()
        case .simulated: simulatedNow
        }
    }

    /// The "now" history requests end at.
    func historyNow() -> Nanos {
        if let n = configuration.historyNow { return n }
        lock.lock(); defer { lock.unlock() }
        return nowLocked()
    }

    // MARK: Watch registry (lock held)

    func addRef(_ idx: Int32) {
        let r = (watchRefs[idx] ?? 0) + 1
        watchRefs[idx] = r
        if r == 1 { watchedPos[idx] = watched.count; watched.append(idx) }
    }

    func dropRef(_ idx: Int32) {
        guard let r = watchRefs[idx] else { return }
        if r > 1 { watchRefs[idx] = r - 1; return }
        watchRefs[idx] = nil
        if let pos = watchedPos.removeValue(forKey: idx) {
            let last = watched.removeLast()
            if pos < watched.count { watched[pos] = last; watchedPos[last] = pos }
        }
    }

    func unwatchAllLocked(_ c: Client) {
        for idx in c.l1Order { removeL1(c, idx) }
        for idx in c.l2Order { removeL2(c, idx) }
    }

    func removeL1(_ c: Client, _ idx: Int32) {
        guard c.l1TradesOnly.removeValue(forKey: idx) != nil else { return }
        c.l1Order.removeAll { $0 == idx }
        l1Subs[idx]?.removeAll { $0 === c }
        if l1Subs[idx]?.isEmpty == true { l1Subs[idx] = nil }
        dropRef(idx)
    }

    func removeL2(_ c: Client, _ idx: Int32) {
        guard c.l2Watches.removeValue(forKey: idx) != nil else { return }
        c.l2Order.removeAll { $0 == idx }
        l2Subs[idx]?.removeAll { $0 === c }
        if l2Subs[idx]?.isEmpty == true { l2Subs[idx] = nil }
        dropRef(idx)
    }

    var watchedSymbolCount: Int { watched.count }
}
