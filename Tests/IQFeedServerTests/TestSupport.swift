#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IQFeedServer
import MarketData
import Testing

/// A raw loopback test client: connect, send commands, read lines with a deadline.
final class RawClient {
    let fd: Int32
    private(set) var raw: [UInt8] = []
    private var consumed = 0
    private(set) var closedByPeer = false

    init(port: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 { close(fd); throw TestError("connect to 127.0.0.1:\(port) failed") }
        var tv = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

    deinit { close(fd) }

    func send(_ command: String) {
        let bytes = Array((command + "\r\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads whatever is available (waits up to 50 ms).
    func pump() {
        var buf = [UInt8](repeating: 0, count: 65_536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { raw.append(contentsOf: buf[0..<n]) } else if n == 0 { closedByPeer = true; usleep(20_000) }
    }

    /// The next complete line (terminator stripped), waiting up to `timeout`.
    func nextLine(timeout: Double = 5) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = raw[consumed...].firstIndex(of: 10) {
                var end = nl
                if end > consumed && raw[end - 1] == 13 { end -= 1 }
                let s = String(decoding: raw[consumed..<end], as: UTF8.self)
                consumed = nl + 1
                return s
            }
            if Date() > deadline || closedByPeer { return nil }
            pump()
        }
    }

    /// Reads lines until one satisfies `match`; returns all lines read (the match last).
    func lines(until match: (String) -> Bool, timeout: Double = 5) -> [String] {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while let l = nextLine(timeout: max(0.01, deadline.timeIntervalSinceNow)) {
            out.append(l)
            if match(l) { break }
        }
        return out
    }

    /// Lines received within `seconds`.
    func drain(for seconds: Double) -> [String] {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let l = nextLine(timeout: max(0.01, deadline.timeIntervalSinceNow)) { out.append(l) }
        }
        return out
    }

    /// Raw bytes received so far.
    var bytes: [UInt8] { raw }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Polls `condition` until true or the deadline passes.
func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

/// A fixed "now": Friday 2026-03-06 15:00:00 US/Eastern.
let fixedNow = Eastern.utcNanos(year: 2026, month: 3, day: 6, hour: 15)

func makeServer(_ edit: (inout IQFeedServerConfiguration) -> Void = { _ in }) throws -> IQFeedServer {
    var cfg = IQFeedServerConfiguration()
    cfg.ports = [.level1: 0, .lookup: 0, .level2: 0, .admin: 0]
    cfg.seed = 42
    cfg.universe = SymbolUniverse(seed: 42, count: 60)
    cfg.history = HistoryConfiguration(ticksPerDay: 50...120)
    cfg.historyNow = fixedNow
    cfg.tickInterval = 0.2
    cfg.messagesPerSecond = 2000
    edit(&cfg)
    let s = IQFeedServer(configuration: cfg)
    try s.start()
    return s
}

func client(_ s: IQFeedServer, _ p: IQFeedPort) throws -> RawClient {
    guard let port = s.port(p) else { throw TestError("port \(p) not served") }
    return try RawClient(port: port)
}

/// Fields of a line split on commas (keeps the empty element after a trailing comma).
func fields(_ line: String) -> [String] { line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

/// Lines of a fixture file copied from shared/iqfeed/fixtures.
func fixture(_ name: String) throws -> [String] {
    guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures") else {
        throw TestError("fixture \(name) missing")
    }
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
}
