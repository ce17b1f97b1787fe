import Foundation

/// Ports already handed out in this process: tests run in parallel, and the kernel may offer a
/// just-released port again, which would let two tests share one server.
private let handedOut = Shared<Set<Int>>([])

/// A loopback TCP port nothing listens on (bound to port 0, then released), never the same one twice.
public func unusedPort() -> Int {
    while true {
        let port = ephemeralPort()
        var fresh = false
        handedOut.update { fresh = $0.insert(port).inserted }
        if fresh { return port }
    }
}

private func ephemeralPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}
