import ArgumentParser
import Dispatch
import Foundation
import Kafka
import Pipeline

/// `mdt topics`: Kafka topic administration and inspection.
struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Kafka topics: list, describe, create, delete, reset, lag, tail.",
        discussion: """
            The standard set is iqfeed.l2.raw, iqfeed.trades.raw, iqfeed.quotes.raw, trading.signals and
            market.features (with --topic-prefix), created with kafka.partitions, kafka.replication,
            retention.ms from kafka.retention-hours, and compression.type=lz4.
            Exit codes: 69 no broker reachable within --timeout (the broker list is named), or the broker
            did not answer an admin request (CreateTopics/DeleteTopics) within --timeout, as with
            librdkafka's mock cluster; 65 unknown topic; 64 bad flags (or delete without --yes off a terminal);
            78 bad --kafka-property.
            """,
        subcommands: [List.self, Describe.self, Create.self, Delete.self, Reset.self, Lag.self, Tail.self],
        defaultSubcommand: List.self
    )
}

/// `--timeout` for every Kafka request.
struct TopicsTimeoutOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds to wait for brokers and admin requests.", valueName: "seconds"))
    var timeout: Double = 10

    func validate() throws {
        if !(timeout > 0) { throw ValidationError("--timeout must be > 0") }
    }
}

extension TopicsCommand {
    /// `mdt topics list [--all] [--json|--format F]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Topics with partitions, replication factor and retained message counts.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var wait: TopicsTimeoutOption
        @Flag(name: .long, help: "Same as --format json.") var json = false
        @Flag(name: .long, help: "Include internal topics (__consumer_offsets, ...).") var all = false

        func run() throws {
            let ctx = try CommandContext(global: global, flags: [kafka], output: output, label: "mdt.topics")
            let env = TopicsEnvironment(ctx: ctx, timeout: wait.timeout)
            let admin = try env.admin()
            var rows: [[Cell]] = []
            for t in try env.topics(admin, includeInternal: all) {
                var messages: Int64 = 0
                for p in t.partitions {
                    let wm = try TopicsErrors.mapping { try admin.watermarks(topic: t.name, partition: p.id, timeout: env.timeout) }
                    messages += wm.count
                }
                let replication = t.partitions.map(\.replicas.count).max() ?? 0
                rows.append([.string(t.name), .int(Int64(t.partitions.count)), .int(Int64(replication)), .int(messages)])
            }
            let writer = json ? ctx.rowWriter(.json) : ctx.rowWriter()
            try writer.writeAll(columns: ["topic", "partitions", "replication", "messages"], rows: rows)
        }
    }

    /// `mdt topics describe TOPIC`.
    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "describe", abstract: "Per partition: leader, replicas, in-sync replicas, low/high watermark.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var wait: TopicsTimeoutOption
        @Flag(name: .long, help: "Same as --format json.") var json = false
        @Argument(help: "The topic.") var topic: String

        func run() throws {
            let ctx = try CommandContext(global: global, flags: [kafka], output: output, label: "mdt.topics")
            let env = TopicsEnvironment(ctx: ctx, timeout: wait.timeout)
            let admin = try env.admin()
            let info = try env.topic(admin, topic)
            var rows: [[Cell]] = []
            for p in info.partitions {
                let wm = try TopicsErrors.mapping { try admin.watermarks(topic: topic, partition: p.id, timeout: env.timeout) }
                rows.append([.int(Int64(p.id)), .int(Int64(p.leader)), .string(p.replicas.map(String.init).joined(separator: ",")),
                             .string(p.isr.map(String.init).joined(separator: ",")), .int(wm.low), .int(wm.high), .int(wm.count),
                             p.error.map { .string($0) } ?? .null])
            }
            let writer = json ? ctx.rowWriter(.json) : ctx.rowWriter()
            try writer.writeAll(columns: ["partition", "leader", "replicas", "isr", "low", "high", "messages", "error"], rows: rows)
        }
    }

    /// `mdt topics create [TOPIC...] [--partitions N] [--replication N]`.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create the standard topics (or the ones named); existing topics are reported and skipped.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var wait: TopicsTimeoutOption
        @Option(name: .long, help: "Partitions per topic (default: kafka.partitions).") var partitions: Int?
        @Option(name: .long, help: "Replication factor (default: kafka.replication).") var replication: Int?
        @Argument(help: "Topics to create (default: the standard set).") var topics: [String] = []

        func validate() throws {
            if let partitions, partitions < 1 { throw ValidationError("--partitions must be at least 1") }
            if let replication, replication < 1 { throw ValidationError("--replication must be at least 1") }
        }

        func run() throws {
            let ctx = try CommandContext(global: global, flags: [kafka], output: output, label: "mdt.topics")
            let env = TopicsEnvironment(ctx: ctx, timeout: wait.timeout)
            let p = partitions ?? ctx.settings.kafka.partitions, r = replication ?? ctx.settings.kafka.replication
            try TopicsCreation.create(env: env, names: topics.isEmpty ? env.standardNames : topics, partitions: p, replication: r)
        }
    }

    /// `mdt topics delete TOPIC... [--yes]`.
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete topics (asks on a terminal; --yes is required otherwise).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup var wait: TopicsTimeoutOption
        @Flag(name: [.short, .long], help: "Do not ask.") var yes = false
        @Argument(help: "Topics to delete.") var topics: [String]

        func validate() throws {
            if topics.isEmpty { throw ValidationError("name the topics to delete") }
        }

        func run() throws {
            let ctx = try CommandContext(global: global, flags: [kafka], label: "mdt.topics")
            let env = TopicsEnvironment(ctx: ctx, timeout: wait.timeout)
            let admin = try env.admin()
            let existing = Set(try env.topics(admin, includeInternal: true).map(\.name))
            if let missing = topics.first(where: { !existing.contains($0) }) {
                throw CommandFailure(.dataError, "kafka: topic '\(missing)' does not exist at \(env.brokers)")
            }
            try Confirmation.require(yes: yes, question: "Delete \(topics.count) topic(s) \(topics.joined(separator: ", ")) at \(env.brokers)?")
            try TopicsErrors.mapping { try admin.deleteTopics(topics, timeout: env.timeout) }
            for t in topics { StandardError.line("mdt: deleted \(t)") }
        }
    }

    /// `mdt topics reset [--execute]`: delete and recreate the standard set; dry run by default.
    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset", abstract: "Delete and recreate the standard topics (prints the plan unless --execute).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup var wait: TopicsTimeoutOption
        @Flag(name: .long, help: "Do it (default: only print what would be done).") var execute = false

        func run() throws {
            let ctx = try CommandContext(global: global, flags: [kafka], label: "mdt.topics")
            let env = TopicsEnvironment(ctx: ctx, timeout: wait.timeout)
            let admin = try env.admin()
            let existing = Dictionary(uniqueKeysWithValues: try env.topics(admin).map { ($0.name, $0) })
            let names = env.standardNames
            let p = ctx.settings.kafka.partitions, r = ctx.settings.kafka.replication
            let verb = execute ? "" : "would "
            for n in names {
                if let t = existing[n] {
                    var messages: Int64 = 0
                    for part in t.partitions {
                        messages += try TopicsErrors.mapping { try admin.watermarks(topic: n, partition: part.id, timeout: env.timeout) }.count
                    }
                    try ctx.stdout.line("\(verb)delete \(n) (\(t.partitions.count) partitions, \(messages) messages)")
                }
            }
            let config = env.topicConfig.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            for n in names { try ctx.stdout.line("\(verb)create \(n) (\(p) partitions, replication \(r), \(config))") }
            guard execute else {
                try ctx.stdout.line("dry run: nothing changed; run with --execute to do it")
                return
            }
            try ctx.stdout.flush()
            let toDelete = names.filter { existing[$0] != nil }
            try TopicsErrors.mapping { try admin.deleteTopics(toDelete, timeout: env.timeout) }
            try TopicsErrors.mapping { try admin.createTopics(names.map { env.spec($0, partitions: p, replication: r) }, timeout: env.timeout) }
            StandardError.line("mdt: reset \(names.count) topics")
        }
    }

    /// `mdt topics lag [--group G] [--topic T]`.
    struct Lag: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lag", abstract: "Per consumer group and partition: committed offset, log end, lag.",
            discussion: """
                Without --group every group the brokers list (ListGroups) is shown, on the topics it committed on; \
                librdkafka's mock cluster does not answer ListGroups, so name the group there (exit 1 otherwise).
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var wait: TopicsTimeoutOption
        @Flag(name: .long, help: "Same as --format json.") var json = false
        @Option(name: .shortAndLong, help: "Only this consumer group (default: every group the brokers list).") var group: String?
        @Option(name: .shortAndLong, help: "Only this topic.") var topic: String?

        func run() throws {
            let ctx = try CommandContext(global: global, flags: [kafka], output: output, label: "mdt.topics")
            let env = TopicsEnvironment(ctx: ctx, timeout: wait.timeout)
            let admin = try env.admin()
            let groups: [String]
            if let group {
                groups = [group]
            } else {
                do {
                    groups = try admin.listGroups(timeout: env.timeout).map(\.name)
                } catch {
                    throw CommandFailure(TopicsErrors.status((error as? KafkaError) ?? .mock(reason: "")),
                                         "kafka: cannot list consumer groups at \(env.brokers) (\(error)); name one with --group G")
                }
            }
            var topics = try env.topics(admin).map(\.name)
            if let topic {
                guard topics.contains(topic) else { throw CommandFailure(.dataError, "kafka: topic '\(topic)' does not exist at \(env.brokers)") }
                topics = [topic]
            }
            var rows: [[Cell]] = []
            for g in groups {
                for t in topics {
                    let lags = try TopicsErrors.mapping { try admin.lag(group: g, topic: t, timeout: env.timeout) }
                    // Topics the group never committed on are not its topics (unless asked for by name).
                    guard topic != nil || lags.contains(where: { $0.committed != nil }) else { continue }
                    for l in lags {
                        rows.append([.string(g), .string(t), .int(Int64(l.partition)), l.committed.map { .int($0) } ?? .null,
                                     .int(l.high), .int(l.lag)])
                    }
                }
            }
            let writer = json ? ctx.rowWriter(.json) : ctx.rowWriter()
            try writer.writeAll(columns: ["group", "topic", "partition", "committed", "log_end", "lag"], rows: rows)
        }
    }
}

/// Creating topics idempotently, shared by `create`.
enum TopicsCreation {
    static func create(env: TopicsEnvironment, names: [String], partitions: Int, replication: Int) throws {
        let admin = try env.admin()
        let existing = Dictionary(uniqueKeysWithValues: try env.topics(admin, includeInternal: true).map { ($0.name, $0) })
        var rows: [[Cell]] = []
        var missing: [String] = []
        for n in names {
            if let t = existing[n] {
                rows.append([.string(n), "exists (skipped)", .int(Int64(t.partitions.count)),
                             .int(Int64(t.partitions.map(\.replicas.count).max() ?? 0))])
            } else {
                missing.append(n)
            }
        }
        var failure: (any Error)?
        if !missing.isEmpty {
            do {
                try TopicsErrors.mapping {
                    try admin.createTopics(missing.map { env.spec($0, partitions: partitions, replication: replication) }, timeout: env.timeout)
                }
                for n in missing { rows.append([.string(n), "created", .int(Int64(partitions)), .int(Int64(replication))]) }
            } catch {
                failure = error
                for n in missing { rows.append([.string(n), "not created", .int(Int64(partitions)), .int(Int64(replication))]) }
            }
        }
        try env.ctx.rowWriter().writeAll(columns: ["topic", "status", "partitions", "replication"], rows: rows)
        if let failure { throw failure }
    }
}

/// Yes/no questions for destructive commands.
enum Confirmation {
    /// Asks on a terminal; off a terminal `--yes` is required (exit 64).
    static func require(yes: Bool, question: String) throws {
        if yes { return }
        guard isatty(0) == 1, StandardError.isTTY else {
            throw CommandFailure(.usage, "refusing to delete without --yes when not on a terminal")
        }
        StandardError.write("\(question) [y/N] ")
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else { throw CommandFailure(.failure, "not confirmed; nothing deleted") }
    }
}
