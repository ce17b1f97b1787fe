#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MarketData

public enum ConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case resolve(endpoint: String, String)
    case connect(endpoint: String, String)
    case connectTimeout(endpoint: String, seconds: Double)
    case send(endpoint: String, String)
    case read(endpoint: String, String)
    case closed(endpoint: String)

    public var description: String {
        switch self {
        case .resolve(let e, let m): "IQFeed \(e): cannot resolve host: \(m)"
        case .connect(let e, let m): "IQFeed \(e): connect failed: \(m) (is IQConnect or mdt replay --serve running?)"
        case .connectTimeout(let e, let s): "IQFeed \(e): no connection within \(s)s"
        case .send(let e, let m): "IQFeed \(e): send failed: \(m)"
        case .read(let e, let m): "IQFeed \(e): read failed: \(m)"
        case .closed(let e): "IQFeed \(e): connection closed by the server"
        }
    }
}

/// Wall and monotonic clocks (UTC ns / seconds).
public enum Clock {
    public static func wallNanos() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var rem = timespec()
        while nanosleep(&ts, &rem) != 0 && errno == EINTR { ts = rem }
    }
}

func errnoText(_ e: Int32 = errno) -> String {
    guard let p = strerror(e) else { return "errno \(e)" }
    return String(cString: p)
}

/// One blocking TCP connection to an IQFeed port. Owns its file descriptor (closed in deinit or `close()`).
/// Reads go straight into a `LineFramer`; writes are whole commands. Not for concurrent reads;
/// `send` may be called from another thread than the reader (sends are serialised by the caller).
public final class IQFeedConnection: @unchecked Sendable {
    public let host: String
    public let port: Int
    public var endpoint: String { "\(host):\(port)" }
    private var fd: Int32

    private init(host: String, port: Int, fd: Int32) { self.host = host; self.port = port; self.fd = fd }

    deinit { if fd >= 0 { _ = shutdownAndClose(fd) } }

    private func shutdownAndClose(_ f: Int32) -> Int32 {
        #if canImport(Glibc)
        _ = shutdown(f, Int32(SHUT_RDWR))
        return Glibc.close(f)
        #else
        _ = shutdown(f, SHUT_RDWR)
        return Darwin.close(f)
        #endif
    }

    /// Connects with a timeout (non-blocking connect + poll), then switches to blocking mode.
    public static func connect(host: String, port: Int, timeout: Double = 5) throws(ConnectionError) -> IQFeedConnection {
        let endpoint = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else {
            throw .resolve(endpoint: endpoint, rc == 0 ? "no address" : String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(res) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            defer { ai = a.pointee.ai_next }
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if s < 0 { lastError = errnoText(); continue }
            let flags = fcntl(s, F_GETFL, 0)
            _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
            var r = Glibc_connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen)
            if r != 0 && errno == EINPROGRESS {
                var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
                let pr = poll(&p, 1, Int32(max(1, timeout * 1000)))
                if pr == 0 { _ = closeFD(s); throw .connectTimeout(endpoint: endpoint, seconds: timeout) }
                var soErr: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(s, SOL_SOCKET, SO_ERROR, &soErr, &len)
                r = soErr == 0 && pr > 0 ? 0 : -1
                if r != 0 { lastError = errnoText(soErr == 0 ? errno : soErr) }
            } else if r != 0 {
                lastError = errnoText()
            }
            if r == 0 {
                _ = fcntl(s, F_SETFL, flags & ~O_NONBLOCK)
                var one: Int32 = 1
                setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                #if canImport(Darwin)
                setsockopt(s, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
                #endif
                return IQFeedConnection(host: host, port: port, fd: s)
            }
            _ = closeFD(s)
        }
        throw .connect(endpoint: endpoint, lastError)
    }

    /// Sends a whole command (already terminated).
    public func send(_ text: String) throws(ConnectionError) {
        var bytes = Array(text.utf8)
        try send(bytes: &bytes)
    }

    public func send(bytes: inout [UInt8]) throws(ConnectionError) {
        guard fd >= 0 else { throw .closed(endpoint: endpoint) }
        var off = 0
        let n = bytes.count
        let failure: String? = bytes.withUnsafeBytes { p -> String? in
            while off < n {
                #if canImport(Glibc)
                let w = Glibc.send(fd, p.baseAddress! + off, n - off, Int32(MSG_NOSIGNAL))
                #else
                let w = Darwin.send(fd, p.baseAddress! + off, n - off, 0)
                #endif
                if w < 0 { if errno == EINTR { continue }; return errnoText() }
                off += w
            }
            return nil
        }
        if let failure { throw .send(endpoint: endpoint, failure) }
    }

    public enum ReadResult: Sendable, Equatable { case data(Int), timeout }

    /// Waits up to `timeout` seconds for data and reads what is there into the framer.
    public func read(into framer: inout LineFramer, timeout: Double) throws(ConnectionError) -> ReadResult {
        guard fd >= 0 else { throw .closed(endpoint: endpoint) }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let pr = poll(&p, 1, Int32(max(0, timeout * 1000)))
        if pr == 0 { return .timeout }
        if pr < 0 { if errno == EINTR { return .timeout }; throw .read(endpoint: endpoint, errnoText()) }
        let f = fd
        var err: Int32 = 0
        let n = framer.readInto { buf in
            #if canImport(Glibc)
            let r = Glibc.read(f, buf.baseAddress!, buf.count)
            #else
            let r = Darwin.read(f, buf.baseAddress!, buf.count)
            #endif
            if r < 0 { err = errno }
            return r
        }
        if n == 0 { throw .closed(endpoint: endpoint) }
        if n < 0 {
            if err == EINTR || err == EAGAIN { return .timeout }
            throw .read(endpoint: endpoint, errnoText(err))
        }
        return .data(n)
    }

    /// Closes the socket (idempotent).
    public func close() {
        if fd >= 0 { _ = shutdownAndClose(fd); fd = -1 }
    }

    public var isOpen: Bool { fd >= 0 }
}

@inline(__always)
func closeFD(_ s: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(s)
    #else
    return Darwin.close(s)
    #endif
}

@inline(__always)
func Glibc_connect(_ s: Int32, _ addr: UnsafeMutablePointer<sockaddr>!, _ len: socklen_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.connect(s, addr, len)
    #else
    return Darwin.connect(s, addr, len)
    #endif
}
