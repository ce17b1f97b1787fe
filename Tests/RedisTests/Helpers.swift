import Foundation
import MDTTestSupport
import Redis

/// The redis-server binary, found on PATH.
let redisServerPath: String? = {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") + ["/usr/bin", "/usr/sbin"]
    return dirs.map { "\($0)/redis-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Own-server tests run when redis-server is installed, and always under CI (so a missing
/// binary fails rather than skips).
let canStartRedis = TestServices.isCI || redisServerPath != nil

/// Ports already handed out in this process: tests run in parallel, and the kernel may offer a
/// just-released port again, which would let two tests share one server.
private let handedOut = Shared<Set<Int>>([])

/// A TCP port nothing listens on (bound to port 0, then released), never the same one twice.
func unusedPort() -> Int {
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

func uniqueKey(_ prefix: String) -> String { "mdt:test:\(prefix):\(UInt32.random(in: 0...UInt32.max))" }

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func poll(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

/// A value set by another thread, read under a lock.
final class Shared<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func update(_ body: (inout T) -> Void) { lock.lock(); body(&value); lock.unlock() }
}

struct RedisServerStartFailed: Error, CustomStringConvertible {
    var description: String
}

/// A redis-server this test owns: started on `port` (in the foreground, so we hold its pid),
/// stopped (SIGKILL) by `kill()` or when the test ends via `stop()`.
final class OwnRedisServer {
    let port: Int
    let extraArgs: [String]
    private var process: Process?
    private let dir: String

    init(port: Int = unusedPort(), extraArgs: [String] = []) throws {
        self.port = port
        self.extraArgs = extraArgs
        dir = NSTemporaryDirectory() + "mdt-redis-\(port)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try start()
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    func start() throws {
        guard let path = redisServerPath else { throw RedisServerStartFailed(description: "redis-server not found on PATH") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir] + extraArgs
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Ready when it accepts TCP connections (PING may need AUTH, so only connect).
        let ready = poll(timeout: .seconds(10)) { tcpConnects(port: port) }
        guard ready, p.isRunning else { throw RedisServerStartFailed(description: "redis-server on port \(port) did not start") }
    }

    /// SIGKILL, as a crash would; waits until the process is gone.
    func kill() {
        guard let p = process else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    func stop() {
        kill()
        try? FileManager.default.removeItem(atPath: dir)
    }

    deinit { stop() }
}

func tcpConnects(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
