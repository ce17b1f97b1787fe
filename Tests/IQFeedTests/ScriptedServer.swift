import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import IQFeed

/// A tiny scripted TCP server on 127.0.0.1 (ephemeral port) for connection tests. Each accepted
/// connection runs the next script (the last one repeats) on its own thread.
final class ScriptedServer: @unchecked Sendable {
    final class Conn: @unchecked Sendable {
        let fd: Int32
        var buffer: [UInt8] = []
        let index: Int
        init(fd: Int32, index: Int) { self.fd = fd; self.index = index }

        /// Next line sent by the client (terminator stripped), or nil on timeout/close.
        func readLine(timeout: Double = 5) -> String? {
            let deadline = Clock.monotonic() + timeout
            while true {
                if let nl = buffer.firstIndex(of: 10) {
                    var line = Array(buffer[..<nl])
                    buffer.removeSubrange(...nl)
                    if line.last == 13 { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                let left = deadline - Clock.monotonic()
                if left <= 0 { return nil }
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, Int32(left * 1000)) <= 0 { continue }
                var tmp = [UInt8](repeating: 0, count: 4096)
                let n = tmp.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
                if n <= 0 { return nil }
                buffer.append(contentsOf: tmp[..<n])
            }
        }

        /// Reads lines until one satisfies `match` (returns it) or the timeout passes.
        func expect(timeout: Double = 5, _ match: (String) -> Bool) -> String? {
            let deadline = Clock.monotonic() + timeout
            while Clock.monotonic() < deadline {
                guard let l = readLine(timeout: deadline - Clock.monotonic()) else { return nil }
                if match(l) { return l }
            }
            return nil
        }

        func send(_ s: String) {
            let b = Array(s.utf8)
            _ = b.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, b.count, Int32(MSG_NOSIGNAL)) }
        }

        /// Sends in small pieces to exercise framing across reads.
        func sendSplit(_ s: String, piece: Int = 7) {
            var b = Array(s.utf8)[...]
            while !b.isEmpty {
                let chunk = Array(b.prefix(piece)); b = b.dropFirst(piece)
                _ = chunk.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, chunk.count, Int32(MSG_NOSIGNAL)) }
                usleep(200)
            }
        }

        func close() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)); _ = Glibc.close(fd) }
    }

    let port: Int
    private let listenFD: Int32
    private let lock = NSLock()
    private var scripts: [@Sendable (Conn) -> Void]
    private var _accepted = 0
    private var _received: [[String]] = []
    private var stopped = false
    private let acceptThread: Thread

    var accepted: Int { lock.lock(); defer { lock.unlock() }; return _accepted }

    init(_ scripts: [@Sendable (Conn) -> Void]) throws {
        self.scripts = scripts
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0, listen(s, 16) == 0 else { throw ConnectionError.connect(endpoint: "test server", "bind/listen failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = s
        let box = Box()
        acceptThread = Thread { box.server?.acceptLoop() }
        box.server = self
        acceptThread.start()
    }

    private final class Box: @unchecked Sendable { weak var server: ScriptedServer? }

    private func acceptLoop() {
        while true {
            var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, 50)
            lock.lock(); let stop = stopped; lock.unlock()
            if stop { return }
            if r <= 0 { continue }
            let c = accept(listenFD, nil, nil)
            if c < 0 { continue }
            lock.lock()
            let idx = _accepted
            _accepted += 1
            let script = scripts[min(idx, scripts.count - 1)]
            lock.unlock()
            let conn = Conn(fd: c, index: idx)
            Thread { script(conn) }.start()
        }
    }

    func stop() {
        lock.lock()
        let was = stopped
        stopped = true
        lock.unlock()
        if !was { _ = Glibc.close(listenFD) }
    }

    deinit { stop() }
}

/// Polls `cond` until true or the deadline passes.
func waitUntil(_ seconds: Double = 10, _ cond: () -> Bool) -> Bool {
    let deadline = Clock.monotonic() + seconds
    while Clock.monotonic() < deadline {
        if cond() { return true }
        Clock.sleep(seconds: 0.01)
    }
    return cond()
}

/// Thread-safe collector for handler output.
final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ x: T) { lock.lock(); items.append(x); lock.unlock() }
    func append(contentsOf x: [T]) { lock.lock(); items.append(contentsOf: x); lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
}
