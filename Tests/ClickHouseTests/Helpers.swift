import ClickHouse
import Foundation
import MDTTestSupport

/// A client for the test server from `scripts/services.sh` (or the MDT_CLICKHOUSE_* env vars).
func liveClient(password: String? = nil, timeout: Duration = .seconds(30)) throws -> ClickHouseClient {
    try ClickHouseClient(
        url: try TestServices.require(.clickhouse),
        user: TestServices.clickhouseUser,
        password: password ?? TestServices.clickhousePassword,
        database: TestServices.clickhouseDatabase,
        timeout: timeout)
}

/// A TCP port nothing listens on (bound to port 0, then released).
func unusedPort() -> Int {
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

func uniqueName(_ prefix: String) -> String {
    prefix + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
}

/// A value set by another thread, read under a lock.
final class Shared<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func poll(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}
