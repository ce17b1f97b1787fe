import ClickHouse
import Foundation
import MarketData
import Kafka
import Pipeline

/// `mdt collect --role loader`: Kafka topics -> ClickHouse as a consumer group.
enum LoaderRun {
    static func run(_ ctx: CommandContext, _ o: CollectOptions) throws {
        let s = ctx.settings
        let client: ClickHouseClient
        do {
            client = try ClickHouseClient(url: s.clickhouse.url, user: s.clickhouse.user,
                                          password: s.clickhouse.password?.value ?? "", logger: ctx.logger)
            try ClickHouseSink.ensureSchema(client: client, database: s.clickhouse.database)
        } catch {
            throw CommandFailure(.unavailable, "loader cannot use ClickHouse: \(error)")
        }
        let sink = ClickHouseSink(client: client, database: s.clickhouse.database, maxRows: s.collect.batchSize)
        let topics = KafkaTopics(prefix: s.kafka.topicPrefix)
        var props = s.kafka.properties
        props["client.id"] = props["client.id"] ?? "mdt-loader-\(o.name)"
        let consumer: KafkaConsumer
        let loader: Loader
        do {
            consumer = try KafkaConsumer(brokers: s.kafka.bootstrapServers, group: o.group, properties: props, logger: ctx.logger)
            loader = try Loader(consumer: consumer, topics: [topics.trades, topics.quotes, topics.book, topics.bars],
                                sink: sink, logger: ctx.logger)
        } catch {
            throw CommandFailure(.unavailable, "loader cannot use Kafka at \(s.kafka.bootstrapServers): \(error)")
        }
        let manifest = try ctx.openManifest()
        try manifest.registerProcess(name: o.name, command: CommandLine.arguments.joined(separator: " "),
                                     logPath: ProcessInfo.processInfo.environment["MDT_COLLECT_LOG"])
        defer { _ = try? manifest.unregisterProcess(name: o.name) }
        ctx.logger.notice("loading Kafka topics into ClickHouse", metadata: ["group": .string(o.group), "name": .string(o.name)])
        let done = NSCondition()
        nonisolated(unsafe) var finished = false
        let thread = Thread(named: "mdt-loader") {
            loader.run()
            done.lock(); finished = true; done.broadcast(); done.unlock()
        }
        thread.start()
        let stop = StopSignal()
        let deadline = o.duration.map { Date().addingTimeInterval($0) }
        while true {
            if stop.wait(seconds: 1) != nil { break }
            if let deadline, Date() >= deadline { break }
            _ = try? manifest.heartbeat(name: o.name, state: "running")
            let st = loader.status
            ctx.progress.update("consumed \(st.consumed) | inserted \(st.inserted) | undecodable \(st.undecodable)")
        }
        ctx.progress.finish()
        loader.stop()
        done.lock()
        while !finished { done.wait(until: Date().addingTimeInterval(0.2)) }
        done.unlock()
        loader.close()
        let st = loader.status
        StandardError.line("loaded \(st.inserted) events from \(st.consumed) messages (\(st.undecodable) undecodable, \(st.failedInserts) failed inserts retried, \(st.commits) commits)")
    }
}
