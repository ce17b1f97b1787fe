// mdt-kafka-mock: runs librdkafka's mock Kafka cluster for tests and the local demo.
// Usage: see `helpText`. Control protocol: a Unix stream socket taking one command per line,
// answering one line per command: `ok[ DETAIL]` or `error: REASON`.
import Foundation
import Kafka
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let helpText = """
    Usage: mdt-kafka-mock [--brokers N] [--bootstrap-file PATH] [--topics a,b,...] [--partitions N]
                          [--replication-factor N] [--control PATH]

    Starts librdkafka's mock Kafka cluster on loopback ports and runs until SIGTERM/SIGINT.

      --brokers N              number of brokers (default 3)
      --bootstrap-file PATH    write the bootstrap list (host:port,...) to PATH, atomically
      --topics LIST            topics to pre-create, comma separated; "" for none (default:
                               iqfeed.trades.raw,iqfeed.quotes.raw,iqfeed.l2.raw,trading.signals,market.features)
      --partitions N           partitions per pre-created topic (default 3)
      --replication-factor N   replication factor of pre-created topics (default min(brokers, 3))
      --control PATH           serve a control Unix socket at PATH; one command per line:
                                 broker-down ID | broker-up ID | broker-rtt ID MS
                                 create-topic NAME PARTITIONS [REPLICATION]
                                 bootstrap | ping
                               each answered by one line: `ok[ DETAIL]` or `error: REASON`
      --help                   show this help

    The bootstrap list is also printed as one line on stderr.
    """

struct Options {
    var brokers = 3
    var bootstrapFile: String?
    var topics = ["iqfeed.trades.raw", "iqfeed.quotes.raw", "iqfeed.l2.raw", "trading.signals", "market.features"]
    var partitions: Int32 = 3
    var replicationFactor: Int32?
    var control: String?
}

func fail(_ message: String, code: Int32 = 64) -> Never {
    FileHandle.standardError.write(Data("mdt-kafka-mock: error: \(message)\n".utf8))
    exit(code)
}

func parseOptions(_ args: [String]) -> Options {
    var o = Options()
    var i = 0
    func value(_ flag: String) -> String {
        i += 1
        guard i < args.count else { fail("\(flag) needs a value (see --help)") }
        return args[i]
    }
    func number(_ flag: String, _ s: String, min: Int) -> Int {
        guard let n = Int(s), n >= min else { fail("\(flag) must be an integer >= \(min), got '\(s)'") }
        return n
    }
    while i < args.count {
        let a = args[i]
        switch a {
        case "-h", "--help": print(helpText); exit(0)
        case "--brokers": o.brokers = number(a, value(a), min: 1)
        case "--bootstrap-file": o.bootstrapFile = value(a)
        case "--topics": o.topics = value(a).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case "--partitions": o.partitions = Int32(number(a, value(a), min: 1))
        case "--replication-factor": o.replicationFactor = Int32(number(a, value(a), min: 1))
        case "--control": o.control = value(a)
        default: fail("unknown argument '\(a)' (see --help)")
        }
        i += 1
    }
    return o
}

func writeAtomically(_ text: String, to path: String) throws {
    let tmp = path + ".tmp.\(getpid())"
    try Data(text.utf8).write(to: URL(fileURLWithPath: tmp))
    guard rename(tmp, path) == 0 else {
        throw KafkaError.mock(reason: "cannot rename \(tmp) to \(path): \(String(cString: strerror(errno)))")
    }
}

/// Runs one control command against the cluster; returns the answer line.
func execute(_ line: String, cluster: MockCluster) -> String {
    let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard let cmd = parts.first else { return "error: empty command" }
    do {
        switch (cmd, parts.count) {
        case ("ping", 1): return "ok pong"
        case ("bootstrap", 1): return "ok \(cluster.bootstrapServers)"
        case ("broker-down", 2), ("broker-up", 2):
            guard let id = Int32(parts[1]), cluster.brokerIDs.contains(id) else {
                return "error: broker id must be one of \(cluster.brokerIDs.map(String.init).joined(separator: ",")), got '\(parts[1])'"
            }
            if cmd == "broker-down" { try cluster.setBrokerDown(id) } else { try cluster.setBrokerUp(id) }
            return "ok"
        case ("broker-rtt", 3):
            guard let id = Int32(parts[1]), cluster.brokerIDs.contains(id), let ms = Int(parts[2]), ms >= 0 else {
                return "error: usage: broker-rtt ID MS"
            }
            try cluster.setBrokerRTT(id, milliseconds: ms)
            return "ok"
        case ("create-topic", 3), ("create-topic", 4):
            guard let n = Int32(parts[2]), n >= 1 else { return "error: partitions must be an integer >= 1, got '\(parts[2])'" }
            let rf = parts.count == 4 ? Int32(parts[3]) : 1
            guard let rf else { return "error: replication factor must be an integer, got '\(parts[3])'" }
            try cluster.createTopic(parts[1], partitions: n, replicationFactor: rf)
            return "ok"
        default:
            return "error: unknown command '\(line)' (broker-down ID, broker-up ID, broker-rtt ID MS, create-topic NAME PARTITIONS [RF], bootstrap, ping)"
        }
    } catch {
        return "error: \(error)"
    }
}

/// Serves the control socket: one thread accepting, one per connection.
func serveControl(path: String, cluster: MockCluster) {
    unlink(path)
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { fail("control socket: \(String(cString: strerror(errno)))", code: 1) }
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: addr.sun_path)
    guard bytes.count < capacity else { fail("control socket path is longer than \(capacity - 1) bytes: \(path)") }
    withUnsafeMutableBytes(of: &addr.sun_path) { buf in
        for (i, b) in bytes.enumerated() { buf[i] = b }
        buf[bytes.count] = 0
    }
    let rc = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard rc == 0, listen(fd, 16) == 0 else { fail("control socket \(path): \(String(cString: strerror(errno)))", code: 1) }
    Thread.detachNewThread {
        while true {
            let conn = accept(fd, nil, nil)
            if conn < 0 { if errno == EINTR { continue }; return }
            Thread.detachNewThread { handleConnection(conn, cluster: cluster) }
        }
    }
}

func handleConnection(_ conn: Int32, cluster: MockCluster) {
    defer { close(conn) }
    var pending: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buf.withUnsafeMutableBytes { read(conn, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        pending.append(contentsOf: buf[0..<n])
        while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[..<nl], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            pending.removeSubrange(...nl)
            if line.isEmpty { continue }
            let answer = Array((execute(line, cluster: cluster) + "\n").utf8)
            var off = 0
            while off < answer.count {
                let w = answer[off...].withUnsafeBytes { write(conn, $0.baseAddress, $0.count) }
                if w <= 0 { return }
                off += w
            }
        }
    }
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))

// Block the shutdown signals in every thread; the main thread waits for them with sigwait.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)
signal(SIGPIPE, SIG_IGN)

var logger = Logger(label: "mdt.kafka.mock")
logger.logLevel = .warning

let cluster: MockCluster
do {
    cluster = try MockCluster(brokers: options.brokers, logger: logger)
    let rf = options.replicationFactor ?? Int32(min(options.brokers, 3))
    for topic in options.topics {
        try cluster.createTopic(topic, partitions: options.partitions, replicationFactor: rf)
    }
    if let path = options.control { serveControl(path: path, cluster: cluster) }
    if let file = options.bootstrapFile { try writeAtomically(cluster.bootstrapServers + "\n", to: file) }
} catch {
    fail("\(error)", code: 1)
}

FileHandle.standardError.write(Data("mdt-kafka-mock: \(options.brokers) broker(s) at \(cluster.bootstrapServers)\(options.control.map { " control \($0)" } ?? "")\n".utf8))

var received: Int32 = 0
sigwait(&signals, &received)
if let path = options.control { unlink(path) }
if let file = options.bootstrapFile { unlink(file) }
exit(0)
