import Foundation

/// A tiny blocking HTTP/1.0-style server for `mdt health --serve HOST:PORT` (plain POSIX sockets, one
/// request per connection, one connection at a time: a monitoring endpoint, not a web server).
///
/// - `GET /api/status/` (or `/api/status`): the JSON report; HTTP 200 when OK or WARNING, 503 otherwise.
/// - `GET /metrics`: Prometheus text, always 200.
/// - `GET /`: a short index; anything else 404, methods other than GET/HEAD 405.
public final class HealthHTTPServer: @unchecked Sendable {
    public let host: String
    /// The bound port (the real one when 0 was asked for).
    public private(set) var port: Int
    private var fd: Int32
    private let produce: @Sendable () -> HealthReport
    private let cacheSeconds: Double
    private let thresholds: HealthThresholds
    private var cached: (at: Double, report: HealthReport)?

    /// Binds and listens. `report` runs the checks; its result is reused for `cacheSeconds`.
    public init(
        address: String, cacheSeconds: Double = 1, thresholds: HealthThresholds = HealthThresholds(),
        report: @escaping @Sendable () -> HealthReport
    ) throws(CommandFailure) {
        let (h, p) = try Self.parseAddress(address)
        host = h
        produce = report
        self.cacheSeconds = cacheSeconds
        self.thresholds = thresholds
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(h, String(p), &hints, &res)
        guard rc == 0, let ai = res else {
            throw CommandFailure(.usage, "--serve \(address): cannot resolve '\(h)': \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(res) }
        let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.pointee.ai_protocol)
        guard s >= 0 else { throw CommandFailure(.failure, "--serve \(address): socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
            let e = errno
            Foundation.close(s)
            throw CommandFailure(e == EADDRINUSE ? .unavailable : .failure, "--serve \(address): cannot bind \(h):\(p): \(String(cString: strerror(e)))")
        }
        guard listen(s, 16) == 0 else {
            let e = errno
            Foundation.close(s)
            throw CommandFailure(.failure, "--serve \(address): listen: \(String(cString: strerror(e)))")
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var bound = p
        withUnsafeMutablePointer(to: &storage) { sp in
            sp.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                if getsockname(s, sa, &len) == 0 {
                    if Int32(sa.pointee.sa_family) == AF_INET {
                        sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { bound = Int(UInt16(bigEndian: $0.pointee.sin_port)) }
                    } else if Int32(sa.pointee.sa_family) == AF_INET6 {
                        sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { bound = Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
                    }
                }
            }
        }
        port = bound
        fd = s
    }

    deinit { close() }

    public func close() {
        if fd >= 0 {
            _ = shutdown(fd, Int32(SHUT_RDWR))
            Foundation.close(fd)
            fd = -1
        }
    }

    /// `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces). Port 0 picks a free one.
    public static func parseAddress(_ address: String) throws(CommandFailure) -> (String, Int) {
        var host: Substring
        var portText: Substring
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            host = address[address.index(after: address.startIndex)..<close]
            let rest = address[address.index(after: close)...]
            guard rest.hasPrefix(":") else { throw CommandFailure(.usage, "--serve '\(address)': expected [HOST]:PORT") }
            portText = rest.dropFirst()
        } else if let colon = address.lastIndex(of: ":") {
            host = address[..<colon]
            portText = address[address.index(after: colon)...]
        } else {
            throw CommandFailure(.usage, "--serve '\(address)': expected HOST:PORT, e.g. 127.0.0.1:8000")
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw CommandFailure(.usage, "--serve '\(address)': port '\(portText)' is not a number in 0...65535")
        }
        if host.isEmpty { host = "0.0.0.0" }
        return (String(host), port)
    }

    /// Accepts and answers connections until `close()` (or a fatal accept error).
    public func serve() {
        while fd >= 0 {
            let c = accept(fd, nil, nil)
            if c < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE { continue }
                return
            }
            handle(c)
            Foundation.close(c)
        }
    }

    private func handle(_ c: Int32) {
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while request.count < 16 * 1024 {
            let n = buf.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            request.append(contentsOf: buf[0..<n])
            if Self.headerEnd(request) != nil { break }
        }
        let (status, type, body, head) = respond(to: request)
        var response = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n"
        response += "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        if !head { response += body }
        var bytes = Array(response.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeMutableBytes { send(c, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            sent += n
        }
    }

    static func headerEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return b.count >= 2 && b.suffix(2) == [10, 10] ? b.count : nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
        for i in 0...(b.count - 2) where b[i] == 10 && b[i + 1] == 10 { return i + 2 }
        return nil
    }

    /// Status line text, content type, body, and whether it was a HEAD request.
    func respond(to request: [UInt8]) -> (String, String, String, Bool) {
        let firstLine = request.split(separator: 10, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let parts = firstLine.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count >= 2 else { return ("400 Bad Request", "text/plain; charset=utf-8", "bad request\n", false) }
        let method = String(parts[0])
        var path = String(parts[1])
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        guard method == "GET" || method == "HEAD" else {
            return ("405 Method Not Allowed", "text/plain; charset=utf-8", "only GET and HEAD\n", false)
        }
        let head = method == "HEAD"
        switch path {
        case "/api/status/", "/api/status":
            let r = report()
            let code = r.status == .ok || r.status == .warning ? "200 OK" : "503 Service Unavailable"
            return (code, "application/json", HealthRendering.json(r), head)
        case "/metrics", "/metrics/":
            return ("200 OK", "text/plain; version=0.0.4; charset=utf-8", HealthRendering.prometheus(report()), head)
        case "/":
            return ("200 OK", "text/plain; charset=utf-8", "mdt health: GET /api/status/ (JSON), GET /metrics (Prometheus)\n", head)
        default:
            return ("404 Not Found", "text/plain; charset=utf-8", "not found: \(path) (try /api/status/ or /metrics)\n", head)
        }
    }

    /// The checks' result, re-run unless the last run is younger than `cacheSeconds`.
    func report() -> HealthReport {
        let now = HealthClock.monotonic()
        if let cached, now - cached.at < cacheSeconds { return cached.report }
        let r = produce()
        cached = (HealthClock.monotonic(), r)
        return r
    }
}
