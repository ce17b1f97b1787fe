import Foundation

/// A bare TCP connect with a timeout (non-blocking connect + poll): is anything listening at host:port?
enum TCPProbe {
    /// nil when the connection was made (then closed at once), else why not (`Connection refused`, `timed out`).
    static func connect(host: String, port: Int, timeout: Double) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else { return "cannot resolve host: " + String(cString: gai_strerror(rc)) }
        defer { freeaddrinfo(res) }
        var reason = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if s < 0 { reason = String(cString: strerror(errno)); continue }
            defer { close(s) }
            _ = fcntl(s, F_SETFL, fcntl(s, F_GETFL, 0) | O_NONBLOCK)
            if Glibc.connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return nil }
            guard errno == EINPROGRESS else { reason = String(cString: strerror(errno)); continue }
            var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
            let pr = poll(&p, 1, Int32(max(1, timeout * 1000)))
            if pr == 0 { reason = "no answer within \(fmt(timeout))s"; continue }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len)
            if pr > 0 && err == 0 { return nil }
            reason = String(cString: strerror(err != 0 ? err : errno))
        }
        return reason
    }
}
