import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Client for `mdt-kafka-mock --control PATH`: sends one command line, returns the answer line.
/// Commands: `broker-down ID`, `broker-up ID`, `broker-rtt ID MS`, `create-topic NAME PARTITIONS [RF]`,
/// `bootstrap`, `ping`. Answers: `ok[ DETAIL]`, or `error: REASON` (thrown as `KafkaError.mock`).
public struct KafkaMockControl: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Sends `command` and returns the text after `ok` (possibly empty).
    @discardableResult
    public func send(_ command: String, timeout: Double = 10) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw KafkaError.mock(reason: "control socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval()
        tv.tv_sec = numericCast(Int(timeout))
        tv.tv_usec = numericCast(Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw KafkaError.mock(reason: "control socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in bytes.enumerated() { buf[i] = b }
            buf[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            throw KafkaError.mock(reason: "cannot connect to control socket \(path): \(String(cString: strerror(errno))) (is mdt-kafka-mock running?)")
        }
        let line = Array((command + "\n").utf8)
        var off = 0
        while off < line.count {
            let w = line[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard w > 0 else { throw KafkaError.mock(reason: "write to control socket \(path) failed") }
            off += w
        }
        var answer: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1024)
        while !answer.contains(UInt8(ascii: "\n")) {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw KafkaError.mock(reason: "no answer from control socket \(path) to '\(command)'") }
            answer.append(contentsOf: buf[0..<n])
        }
        let text = String(decoding: answer.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        if text == "ok" { return "" }
        if text.hasPrefix("ok ") { return String(text.dropFirst(3)) }
        throw KafkaError.mock(reason: text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text)
    }
}
