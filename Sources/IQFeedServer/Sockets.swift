#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Errors of the protocol server. Each description is one actionable line.
public enum IQFeedServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case portInUse(host: String, port: UInt16)
    case badHost(String)
    case socketFailed(host: String, port: UInt16, operation: String, errno: Int32)
    case cannotRead(path: String)

    public var description: String {
        switch self {
        case .portInUse(let h, let p): "cannot listen on \(h):\(p): address already in use (pick another port, or 0 for any free port)"
        case .badHost(let h): "cannot listen on \(h): not an IPv4 address (use e.g. 127.0.0.1 or 0.0.0.0)"
        case .socketFailed(let h, let p, let op, let e): "cannot listen on \(h):\(p): \(op) failed: \(String(cString: strerror(e)))"
        case .cannotRead(let path): "cannot read recorded lines file \(path)"
        }
    }
}

/// A listening IPv4 TCP socket. Owns its descriptor.
final class TCPListener: @unchecked Sendable {
    let fd: Int32
    let host: String
    let port: UInt16
    private let closeLock = NSLock()
    private var closed = false

    init(host: String, port: UInt16) throws(IQFeedServerError) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        if inet_pton(AF_INET, host, &addr.sin_addr) != 1 { throw .badHost(host) }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        if fd < 0 { throw .socketFailed(host: host, port: port, operation: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            let e = errno
            _ = Glibc.close(fd)
            if e == EADDRINUSE { throw .portInUse(host: host, port: port) }
            throw .socketFailed(host: host, port: port, operation: "bind", errno: e)
        }
        if listen(fd, 128) != 0 {
            let e = errno
            _ = Glibc.close(fd)
            throw .socketFailed(host: host, port: port, operation: "listen", errno: e)
        }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        self.host = host
        self.port = UInt16(bigEndian: bound.sin_port)
    }

    /// Blocks for the next connection; nil once the listener is closed.
    func accept() -> Int32? {
        while true {
            let c = Glibc.accept(fd, nil, nil)
            if c >= 0 {
                var one: Int32 = 1
                setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return c
            }
            if errno == EINTR { continue }
            if errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                if isClosed { return nil }
                usleep(10_000); continue
            }
            return nil
        }
    }

    var isClosed: Bool { closeLock.lock(); defer { closeLock.unlock() }; return closed }

    /// Stops `accept` (shutdown wakes a blocked accept on Linux) and frees the descriptor.
    func close() {
        closeLock.lock()
        if closed { closeLock.unlock(); return }
        closed = true
        closeLock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        _ = Glibc.close(fd)
    }

    deinit { close() }
}

/// One accepted client socket. Writes are serialised by a lock so lines never interleave.
final class ClientSocket: @unchecked Sendable {
    let fd: Int32
    private let writeLock = NSLock()
    private var dead = false
    private var closed = false

    init(fd: Int32) { self.fd = fd }

    /// Writes all bytes; returns false when the peer is gone.
    @discardableResult
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        writeLock.lock(); defer { writeLock.unlock() }
        if dead { return false }
        var off = 0
        while off < bytes.count {
            let n = send(fd, bytes.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                dead = true
                return false
            }
            off += n
        }
        return true
    }

    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBytes { write($0) }
    }

    /// Reads into `buffer`; 0 at EOF or error.
    func read(into buffer: inout [UInt8]) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            return max(0, n)
        }
    }

    /// Wakes a blocked reader/writer; the descriptor is freed by `close`.
    func shutdownBoth() { shutdown(fd, Int32(SHUT_RDWR)) }

    func close() {
        writeLock.lock(); defer { writeLock.unlock() }
        if closed { return }
        closed = true
        dead = true
        shutdown(fd, Int32(SHUT_RDWR))
        _ = Glibc.close(fd)
    }

    deinit { close() }
}
