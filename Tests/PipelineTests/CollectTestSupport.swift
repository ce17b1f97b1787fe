import ClickHouse
import Foundation
import IQFeedServer
import Logging
import MDTTestSupport
import MarketData
import Pipeline

/// A synthetic IQFeed server on free loopback ports emitting exactly `events` market events.
/// A collector delivering to `sink` and a feed on `server`'s Level 1 and 2 ports, both started.
func startCollecting(_ server: IQFeedServer, symbols: [Symbol], sink: any EventSink,
                     heartbeatTimeout: Double = 5, logger: Logger = Logger(label: "test.collect")) throws -> (Collector, IQFeedFeed) {
    let collector = try Collector(sinks: [sink], options: .init(spoolDirectory: NSTemporaryDirectory() + "mdt-spool-\(randomSuffix())"),
                                  logger: logger)
    let feed = try IQFeedFeed(options: .init(host: "127.0.0.1", l1Port: Int(server.port(.level1) ?? 0),
                                             l2Port: Int(server.port(.level2) ?? 0), heartbeatTimeout: heartbeatTimeout),
                              symbols: symbols, collector: collector, logger: logger)
    collector.start()
    feed.start()
    return (collector, feed)
}

func startFeedServer(symbols: [Symbol], events: Int, rate: Double? = 20_000, seed: UInt64 = 7) throws -> IQFeedServer {
    var c = IQFeedServerConfiguration()
    c.ports = [.level1: 0, .level2: 0, .admin: 0, .lookup: 0]
    c.universe = SymbolUniverse(seed: seed, symbols: symbols)
    c.seed = seed
    c.messagesPerSecond = rate
    c.maxEvents = events
    c.tickInterval = 0.2
    let server = IQFeedServer(configuration: c)
    try server.start()
    return server
}

func testSymbols(_ prefix: String, _ n: Int) -> [Symbol] {
    (1...n).map { Symbol(unchecked: "\(prefix)\($0)") }
}

func randomSuffix() -> String { String(UUID().uuidString.prefix(8)).lowercased() }

/// A collector config pointing at the given services (a fresh database and topic prefix per test).
func collectConfig(name: String, symbols: [Symbol], server: IQFeedServer, clickhouseURL: String, redisURL: String,
                   kafkaBrokers: String, database: String, topicPrefix: String, spool: String) -> CollectConfig {
    CollectConfig(
        name: name, symbols: symbols, sinks: [.kafka, .clickhouse, .redis], depth: .prices,
        iqfeedHost: "127.0.0.1", l1Port: Int(server.port(.level1) ?? 0), l2Port: Int(server.port(.level2) ?? 0),
        kafkaBrokers: kafkaBrokers, kafkaProperties: ["message.timeout.ms": "60000"], topicPrefix: topicPrefix,
        clickhouseURL: clickhouseURL, clickhouseUser: TestServices.clickhouseUser,
        clickhousePassword: TestServices.clickhousePassword, clickhouseDatabase: database,
        clickhouseFlushSeconds: 0.2, clickhouseBatchRows: 50_000,
        redisURL: redisURL, spoolDirectory: spool, heartbeatTimeout: 3)
}

/// Waits until the server has emitted everything and the collector has delivered all it received
/// to every sink (nothing pending, received unchanged for a moment).
func waitUntilSettled(_ server: IQFeedServer, _ service: CollectService, timeout: TimeInterval = 60) -> Bool {
    var lastReceived: UInt64 = .max
    var stableSince = Date()
    return pollUntil(timeout: timeout) {
        let s = service.collector.status
        if s.received != lastReceived { lastReceived = s.received; stableSince = Date() }
        return server.isFinished && s.sinks.allSatisfy { $0.pending == 0 && $0.delivered == s.received }
            && Date().timeIntervalSince(stableSince) > 0.5
    }
}

func clickhouse(_ url: String) throws -> ClickHouseClient {
    try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
}

func count(_ ch: ClickHouseClient, _ sql: String) throws -> Int {
    Int(try ch.queryText(sql, format: "TabSeparated").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}

/// What kcat (an independent Kafka client) prints consuming a whole topic with format `format`.
func kcat(brokers: String, topic: String, format: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/kcat")
    p.arguments = ["-C", "-b", brokers, "-t", topic, "-e", "-q", "-f", format]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Messages in a topic as kcat sees them: one line per message, `key seq`.
func kcatMessages(brokers: String, topic: String) throws -> [String] {
    try kcat(brokers: brokers, topic: topic, format: "%k %h\n").split(separator: "\n").map { line in
        // "KEY source=...,receive_ns=...,seq=N" -> "KEY N"
        let parts = line.split(separator: " ", maxSplits: 1)
        let seq = parts.count > 1 ? (parts[1].split(separator: ",").first { $0.hasPrefix("seq=") }?.dropFirst(4) ?? "") : ""
        return "\(parts.first ?? "") \(seq)"
    }
}

/// Message values of a topic as kcat sees them (one per line; values here hold no newline).
func kcatValues(brokers: String, topic: String) throws -> [String] {
    try kcat(brokers: brokers, topic: topic, format: "%s\n").split(separator: "\n").map(String.init)
}
