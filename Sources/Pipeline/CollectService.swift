import ClickHouse
import Foundation
import Kafka
import Logging
import MarketData
import Redis

/// Which sinks `mdt collect` writes.
public enum SinkKind: String, Sendable, CaseIterable, Codable {
    case kafka, clickhouse, redis
}

/// Everything a collector needs, resolved by the command layer.
public struct CollectConfig: Sendable {
    public var name: String
    public var symbols: [Symbol]
    public var sinks: [SinkKind]
    public var depth: DepthMode
    public var iqfeedHost: String
    public var l1Port: Int
    public var l2Port: Int
    public var kafkaBrokers: String
    public var kafkaProperties: [String: String]
    public var topicPrefix: String
    public var clickhouseURL: String
    public var clickhouseUser: String
    public var clickhousePassword: String
    public var clickhouseDatabase: String
    public var clickhouseFlushSeconds: Double
    public var clickhouseBatchRows: Int
    public var redisURL: String
    public var redisPassword: String?
    /// What Kafka messages hold (`--encoding`).
    public var kafkaEncoding: KafkaEncoding = .json
    /// What the Redis sink publishes on `md.{SYM}`.
    public var redisPublish: RedisPublishMode = .latest
    public var spoolDirectory: String
    public var spoolLimitBytes: Int
    /// Where the collector writes its status JSON every second (for `mdt collect status`).
    public var statusPath: String?
    public var heartbeatTimeout: Double

    public init(name: String, symbols: [Symbol], sinks: [SinkKind], depth: DepthMode = .prices, kafkaEncoding: KafkaEncoding = .json,
                iqfeedHost: String, l1Port: Int, l2Port: Int, kafkaBrokers: String, kafkaProperties: [String: String] = [:],
                topicPrefix: String = "", clickhouseURL: String, clickhouseUser: String, clickhousePassword: String,
                clickhouseDatabase: String, clickhouseFlushSeconds: Double = 1, clickhouseBatchRows: Int = 200_000,
                redisURL: String, redisPassword: String? = nil, spoolDirectory: String, spoolLimitBytes: Int = 1 << 30,
                redisPublish: RedisPublishMode = .latest, statusPath: String? = nil, heartbeatTimeout: Double = 5) {
        self.name = name; self.symbols = symbols; self.sinks = sinks; self.depth = depth; self.kafkaEncoding = kafkaEncoding
        self.iqfeedHost = iqfeedHost; self.l1Port = l1Port; self.l2Port = l2Port
        self.kafkaBrokers = kafkaBrokers; self.kafkaProperties = kafkaProperties; self.topicPrefix = topicPrefix
        self.clickhouseURL = clickhouseURL; self.clickhouseUser = clickhouseUser; self.clickhousePassword = clickhousePassword
        self.clickhouseDatabase = clickhouseDatabase; self.clickhouseFlushSeconds = clickhouseFlushSeconds
        self.clickhouseBatchRows = clickhouseBatchRows
        self.redisURL = redisURL; self.redisPassword = redisPassword; self.redisPublish = redisPublish
        self.spoolDirectory = spoolDirectory; self.spoolLimitBytes = spoolLimitBytes
        self.statusPath = statusPath; self.heartbeatTimeout = heartbeatTimeout
    }
}

/// What a running collector reports (status file, Redis metrics, `mdt collect status`).
public struct CollectStatus: Sendable, Codable, Equatable {
    public var name: String
    public var pid: Int32
    public var updatedNs: Int64
    public var symbols: Int
    public var collector: Collector.Status
    public var feed: IQFeedFeed.Status
    /// Events per second received over the last interval.
    public var rate: Double
}

/// Startup failures that stop `mdt collect` before it runs (bad credentials, unwritable spool).
public enum CollectError: Error, CustomStringConvertible {
    case sinkSetup(SinkKind, String)
    case spool(String)
    public var description: String {
        switch self {
        case .sinkSetup(let k, let m): "\(k.rawValue): \(m)"
        case .spool(let m): m
        }
    }
    /// True when a service refused to work with us at start (bad credentials, bad property, bad schema).
    public var isServiceRefusal: Bool {
        if case .sinkSetup = self { return true }
        return false
    }
}

/// `mdt collect` as a service: sinks + collector + live feed + a 1-second status/heartbeat tick.
///
/// Startup checks each sink: a refusal (wrong password, bad property) is fatal; a service that is
/// merely down is logged, and its events wait in the spool until it is back.
public final class CollectService: @unchecked Sendable {
    public let config: CollectConfig
    public let collector: Collector
    public let feed: IQFeedFeed
    let logger: Logger
    let metricsRedis: RedisClient?
    var tickThread: Thread?
    let tickCondition = NSCondition()
    var stopping = false
    var lastReceived: UInt64 = 0
    var lastTick = Date()
    /// Called every second with the current status (the command layer updates the manifest heartbeat).
    public var onTick: (@Sendable (CollectStatus) -> Void)?

    public init(config: CollectConfig, logger: Logger) throws(CollectError) {
        self.config = config
        self.logger = logger
        var sinks: [any EventSink] = []
        for kind in config.sinks {
            do {
                sinks.append(try Self.makeSink(kind, config, logger))
            } catch let e as CollectError {
                throw e
            } catch {
                throw .sinkSetup(kind, "\(error)")
            }
        }
        do {
            collector = try Collector(sinks: sinks, options: .init(spoolDirectory: config.spoolDirectory,
                                                                    spoolLimitBytes: config.spoolLimitBytes), logger: logger)
        } catch { throw .spool("\(error)") }
        do {
            feed = try IQFeedFeed(options: .init(host: config.iqfeedHost, l1Port: config.l1Port, l2Port: config.l2Port,
                                                 depth: config.depth, heartbeatTimeout: config.heartbeatTimeout,
                                                 clientName: "mdt-\(config.name)",
                                                 keepRawLines: config.sinks.contains(.kafka) && config.kafkaEncoding == .raw),
                                  symbols: config.symbols, collector: collector, logger: logger)
        } catch { throw .sinkSetup(.kafka, "\(error)") }
        metricsRedis = config.sinks.contains(.redis)
            ? try? RedisClient(url: config.redisURL, password: config.redisPassword, connectNow: false) : nil
    }

    static func makeSink(_ kind: SinkKind, _ c: CollectConfig, _ logger: Logger) throws -> any EventSink {
        switch kind {
        case .kafka:
            var props = c.kafkaProperties
            props["client.id"] = props["client.id"] ?? "mdt-collect-\(c.name)"
            // The sink learns success from flush() and failures from the error reports: a report per delivered
            // message would cost a callback and a lock each, for nothing.
            props["delivery.report.only.error"] = props["delivery.report.only.error"] ?? "true"
            let producer: KafkaProducer
            do { producer = try KafkaProducer(brokers: c.kafkaBrokers, properties: props, logger: logger) } catch {
                throw CollectError.sinkSetup(.kafka, "\(error)")
            }
            return KafkaSink(producer: producer, topics: KafkaTopics(prefix: c.topicPrefix), source: "mdt-collect-\(c.name)",
                             encoding: c.kafkaEncoding)
        case .clickhouse:
            let client = try ClickHouseClient(url: c.clickhouseURL, user: c.clickhouseUser, password: c.clickhousePassword,
                                              database: nil, logger: logger)
            do {
                try ClickHouseSink.ensureSchema(client: client, database: c.clickhouseDatabase)
            } catch {
                if case .authenticationFailed = error { throw CollectError.sinkSetup(.clickhouse, "\(error)") }
                if case .server = error { throw CollectError.sinkSetup(.clickhouse, "\(error)") }
                logger.warning("ClickHouse is not reachable now; events wait in the spool until it is: \(error)")
            }
            return ClickHouseSink(client: client, database: c.clickhouseDatabase, maxRows: c.clickhouseBatchRows,
                                  flushSeconds: c.clickhouseFlushSeconds)
        case .redis:
            let client = try RedisClient(url: c.redisURL, password: c.redisPassword, connectNow: false, logger: logger)
            do { try client.ping() } catch {
                if case .authenticationFailed = error { throw CollectError.sinkSetup(.redis, "\(error)") }
                logger.warning("Redis is not reachable now; events wait in the spool until it is: \(error)")
            }
            return RedisSink(client: client, publish: c.redisPublish)
        }
    }

    public func start() {
        collector.start()
        feed.start()
        let t = Thread(named: "collect-tick") { [self] in tickLoop() }
        tickThread = t
        t.start()
    }

    /// Stops the feed, then gives the sinks up to `timeout` to deliver everything. True when drained.
    @discardableResult
    public func stop(timeout: TimeInterval) -> Bool {
        feed.stop()
        tickCondition.lock(); stopping = true; tickCondition.broadcast(); tickCondition.unlock()
        let drained = collector.stop(timeout: timeout)
        writeStatus(status)
        return drained
    }

    public var status: CollectStatus {
        let c = collector.status
        let now = Date()
        let dt = now.timeIntervalSince(lastTick)
        let rate = dt > 0 ? Double(c.received &- lastReceived) / dt : 0
        return CollectStatus(name: config.name, pid: getpid(), updatedNs: Int64(now.timeIntervalSince1970 * 1e9),
                             symbols: config.symbols.count, collector: c, feed: feed.status, rate: rate)
    }

    func tickLoop() {
        while true {
            tickCondition.lock()
            if !stopping { tickCondition.wait(until: Date().addingTimeInterval(1)) }
            let stop = stopping
            tickCondition.unlock()
            if stop { return }
            let s = status
            lastReceived = s.collector.received
            lastTick = Date()
            writeStatus(s)
            exportMetrics(s)
            onTick?(s)
        }
    }

    func writeStatus(_ s: CollectStatus) {
        guard let path = config.statusPath else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(s) else { return }
        let tmp = path + ".tmp"
        if FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) {
            rename(tmp, path)
        }
    }

    /// `mdt:hb:{name}` (expires after 10 s) and `mdt:metrics:{name}` counters in Redis.
    func exportMetrics(_ s: CollectStatus) {
        guard let redis = metricsRedis else { return }
        var fields: [(String, String)] = [("received", String(s.collector.received)), ("rate", String(Int(s.rate))),
                                          ("spool_bytes", String(s.collector.spoolBytes)), ("pid", String(s.pid)),
                                          ("lines_failed", String(s.feed.linesFailed)), ("gaps", String(s.feed.gaps.count))]
        for k in s.collector.sinks {
            fields += [("\(k.sink).delivered", String(k.delivered)), ("\(k.sink).failed", String(k.failed)),
                       ("\(k.sink).spooled", String(k.spooled)), ("\(k.sink).redelivered", String(k.redelivered)),
                       ("\(k.sink).dropped", String(k.dropped)), ("\(k.sink).pending", String(k.pending))]
        }
        _ = try? redis.set("mdt:hb:\(config.name)", String(s.updatedNs), expireSeconds: 10)
        _ = try? redis.hset("mdt:metrics:\(config.name)", fields)
    }
}
