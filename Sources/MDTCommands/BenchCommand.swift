import ArgumentParser
import Foundation
import Pipeline

/// `mdt bench parse|book|encode|kafka|clickhouse|redis|download|pipeline|all`: measured throughput and latency.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and latency of every stage (parse, book, encode, Kafka, ClickHouse, Redis, download, pipeline).",
        discussion: """
            Each bench runs once unmeasured (warm-up), then --runs times, and reports the median of each figure \
            with latency percentiles (p50, p99, p99.9, max from an HDR histogram) where they apply, and the machine \
            (cores, CPU model, load average). Service benches compare mdt with the standard tool fed the same work \
            (kcat, clickhouse-client, redis-benchmark) and print the ratio mdt/tool. A service that is not reachable \
            is reported as skipped with the reason. --iterations N (parse, book, encode) runs exactly N operations \
            without timing, for instruction counts under callgrind (scripts/bench-instructions.sh).
            """,
        subcommands: [Parse.self, Book.self, Encode.self, Kafka.self, ClickHouse.self, Redis.self, Download.self, PipelineCmd.self, All.self]
    )
}

/// Flags every bench takes.
struct BenchOptions: ParsableArguments {
    @Option(name: .long, help: "Seconds of measurement per run of each bench.")
    var seconds: Double = 5

    @Option(name: .long, help: "Measured runs per bench; the median is reported.")
    var runs: Int = 3

    @Flag(name: .long, help: "Skip the unmeasured warm-up run.")
    var noWarmup = false

    @Option(name: .long, help: "Symbols in the synthetic workload (pipeline default 2000; try 20000).")
    var symbols: Int = 2000

    @Option(name: .long, help: "Pipeline: synthetic feed rate in messages/s (default: unlimited).")
    var rate: Double?

    @Option(name: .long, help: "Pipeline: sinks to use, any of kafka,clickhouse,redis (default: collect.sinks).")
    var sinks: String?

    @Option(name: .long, help: "Pure benches (parse, book, encode): run exactly N operations, untimed (for callgrind).")
    var iterations: Int?

    @Option(name: .long, help: "Pure benches: measure one part only (parse: l1|l2, encode: json|rowbinary).")
    var only: String?

    @Option(name: .long, help: "ClickHouse native TCP port for the clickhouse-client yardstick (default: $MDT_CLICKHOUSE_TCP_PORT, else 9000).")
    var clickhouseTcpPort: Int?

    @Option(name: .long, help: "Scratch ClickHouse database for the clickhouse bench.")
    var scratchDatabase = "mdt_bench"

    @Flag(name: .long, help: "Print one JSON document instead of a table.")
    var json = false

    func validate() throws {
        guard seconds >= 0, seconds.isFinite else { throw ValidationError("--seconds must be >= 0") }
        guard runs >= 1 else { throw ValidationError("--runs must be >= 1") }
        guard symbols >= 1, symbols <= 1_000_000 else { throw ValidationError("--symbols must be 1...1000000") }
        if let r = rate, !(r > 0) { throw ValidationError("--rate must be > 0") }
        if let n = iterations, n < 1 { throw ValidationError("--iterations must be >= 1") }
    }
}

extension BenchCommand {
    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "parse", abstract: "IQFeed L1 and L2 line parsing: lines/s per core, ns/line.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        func run() async throws { try BenchRun.run(["parse"], global: global, options: options) }
    }
    struct Book: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "book", abstract: "Market-by-price book updates: updates/s and per-update latency.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        func run() async throws { try BenchRun.run(["book"], global: global, options: options) }
    }
    struct Encode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "encode", abstract: "JSON and RowBinary event encoding: events/s, ns/event.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        func run() async throws { try BenchRun.run(["encode"], global: global, options: options) }
    }
    struct Kafka: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "kafka", abstract: "Produce throughput to kafka.brokers vs kcat.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        func run() async throws { try BenchRun.run(["kafka"], global: global, options: options, flags: [kafka]) }
    }
    struct ClickHouse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "clickhouse", abstract: "RowBinary insert throughput vs clickhouse-client.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        func run() async throws { try BenchRun.run(["clickhouse"], global: global, options: options, flags: [clickhouse]) }
    }
    struct Redis: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "redis", abstract: "Pipelined HSET throughput vs redis-benchmark, and the Redis sink.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        @OptionGroup(title: "Redis") var redis: RedisOptions
        func run() async throws { try BenchRun.run(["redis"], global: global, options: options, flags: [redis]) }
    }
    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "download", abstract: "History parse + insert: IQFeed tick history -> ClickHouse, ticks/s.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        func run() async throws { try BenchRun.run(["download"], global: global, options: options, flags: [clickhouse]) }
    }
    struct PipelineCmd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pipeline", abstract: "Synthetic feed -> collector -> sinks: sustained msgs/s, feed->Redis latency, CPU, RSS.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Redis") var redis: RedisOptions
        func run() async throws { try BenchRun.run(["pipeline"], global: global, options: options, flags: [clickhouse, kafka, redis]) }
    }
    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "all", abstract: "Every bench in turn, --seconds each.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: BenchOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Redis") var redis: RedisOptions
        func run() async throws {
            try BenchRun.run(BenchRun.all, global: global, options: options, flags: [clickhouse, kafka, redis])
        }
    }
}
