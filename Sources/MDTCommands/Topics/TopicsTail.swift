import ArgumentParser
import Dispatch
import Foundation
import Kafka

extension TopicsCommand {
    /// `mdt topics tail TOPIC [-n N] [--follow] [--from-time T] [--key SYM] [--partition P]`.
    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tail",
            abstract: "Print a topic's messages: the last N per partition, from a time, and/or following new ones.",
            discussion: """
                -n N takes the last N messages of EACH partition (default 10), printed partition by partition
                in offset order, and exits once every partition reached the end it had when tail started.
                --from-time T starts at the first message at or after T instead (-n then caps each partition).
                --follow keeps printing new messages until Ctrl-C (exit 0). --key SYM prints only messages
                with that key (the symbol); -n counts messages before the key filter.
                On a terminal each message is pretty JSON under a `topic[partition]@offset key` line; otherwise
                one raw value per line (like kcat -C).
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup var wait: TopicsTimeoutOption
        @Argument(help: "The topic.") var topic: String
        @Option(name: .customShort("n"), help: "Last N messages per partition.") var count: Int?
        @Flag(name: .shortAndLong, help: "Keep printing new messages until Ctrl-C.") var follow = false
        @Option(name: .customLong("from-time"), help: ArgumentHelp("Start at this UTC time (YYYY-MM-DD[ HH:MM[:SS]], or Unix seconds).", valueName: "time"))
        var fromTime: String?
        @Option(name: .long, help: "Only messages with this key.") var key: String?
        @Option(name: .long, help: "Only this partition.") var partition: Int32?
        @Flag(name: .long, help: "Raw value lines even on a terminal.") var raw = false

        func validate() throws {
            if let count, count < 0 { throw ValidationError("-n must be >= 0") }
            if let fromTime, TimeText.nanos(fromTime) == nil { throw ValidationError("--from-time '\(fromTime)': expected YYYY-MM-DD[ HH:MM[:SS]] (UTC) or Unix seconds") }
        }

        func run() throws {
            let ctx = try CommandContext(global: global, flags: [kafka], label: "mdt.topics")
            let env = TopicsEnvironment(ctx: ctx, timeout: wait.timeout)
            let admin = try env.admin()
            let info = try env.topic(admin, topic)
            var partitions = info.partitions.map(\.id)
            if let partition {
                guard partitions.contains(partition) else {
                    throw CommandFailure(.dataError, "kafka: topic '\(topic)' has no partition \(partition) (it has \(partitions.count))")
                }
                partitions = [partition]
            }
            let consumer = try TopicsErrors.mapping {
                try KafkaConsumer(config: .consumer(brokers: env.brokers, group: "mdt-tail-\(getpid())-\(UInt32.random(in: 0...UInt32.max))",
                                                    properties: ctx.settings.kafka.properties), logger: env.quietLogger)
            }
            defer { consumer.close() }

            // Where each partition starts and (unless following) where it ends.
            var starts: [Int32: Int64] = [:]
            var ends: [Int32: Int64] = [:]
            let fromMs = fromTime.flatMap(TimeText.nanos).map { $0 / 1_000_000 }
            var byTime: [Int32: Int64] = [:]
            if let fromMs {
                let found = try TopicsErrors.mapping {
                    try consumer.offsetsForTimes(partitions.map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: fromMs) }, timeout: env.timeout)
                }
                for f in found { byTime[f.partition] = f.offset }
            }
            for p in partitions {
                let wm = try TopicsErrors.mapping { try admin.watermarks(topic: topic, partition: p, timeout: env.timeout) }
                var start: Int64
                if fromMs != nil {
                    let o = byTime[p] ?? -1
                    start = o < 0 ? wm.high : max(o, wm.low)
                    if let count { ends[p] = min(wm.high, start + Int64(count)) } else { ends[p] = wm.high }
                } else {
                    start = max(wm.low, wm.high - Int64(count ?? 10))
                    ends[p] = wm.high
                }
                starts[p] = start
            }
            try TopicsErrors.mapping {
                try consumer.assign(partitions.map { (topic: topic, partition: $0, start: KafkaStartOffset.offset(starts[$0] ?? 0)) }, timeout: env.timeout)
            }
            let pretty = ctx.stdout.isTTY && !raw
            let out = ctx.stdout
            let stop = TailStop()
            if follow { stop.installSIGINT() }
            // Partitions still to read up to their end (when not following).
            var pending = Set(partitions.filter { (ends[$0] ?? 0) > (starts[$0] ?? 0) })
            var lastProgress = DispatchTime.now().uptimeNanoseconds
            let keyBytes = key.map { Array($0.utf8) }
            while !stop.stopped {
                if !follow, pending.isEmpty { break }
                let got = try TopicsErrors.mapping {
                    try consumer.poll(timeout: 0.2) { m -> Bool in
                        if !follow, let end = ends[m.partition], m.offset >= end { pending.remove(m.partition); return true }
                        if keyBytes == nil || (m.key.map { Array($0) } == keyBytes) {
                            try Self.print(m, pretty: pretty, to: out)
                        }
                        if !follow, let end = ends[m.partition], m.offset + 1 >= end { pending.remove(m.partition) }
                        return true
                    }
                }
                let now = DispatchTime.now().uptimeNanoseconds
                if got != nil {
                    lastProgress = now
                    if !pretty, follow { try out.flush() }
                    if pretty { try out.flush() }
                } else {
                    try out.flush()
                    if !follow, now - lastProgress > UInt64(env.timeout * 1e9) {
                        throw CommandFailure(.tempFailure, "kafka: no messages from \(topic) at \(env.brokers) for \(Int(env.timeout))s "
                                             + "while \(pending.count) partition(s) had more to read")
                    }
                }
            }
            try out.flush()
        }

        static func print(_ m: KafkaMessageView, pretty: Bool, to out: BufferedOutput) throws {
            let value = Array(m.value)
            if pretty {
                let keyText = m.key.map { String(decoding: $0, as: UTF8.self) } ?? "-"
                try out.line(ANSI.dim("\(m.topic)[\(m.partition)]@\(m.offset) key=\(keyText)"))
                try out.line(JSONPretty.format(value) ?? String(decoding: value, as: UTF8.self))
            } else {
                try out.write(bytes: value)
                try out.write(bytes: [0x0A])
            }
        }
    }
}

/// Ctrl-C while following: stop cleanly (exit 0).
final class TailStop: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var source: (any DispatchSourceSignal)?

    var stopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }

    func installSIGINT() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
        }
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler { [self] in
            lock.lock()
            flag = true
            lock.unlock()
        }
        s.resume()
        source = s
        let t = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        t.setEventHandler { [self] in
            lock.lock()
            flag = true
            lock.unlock()
        }
        t.resume()
        termSource = t
    }

    private var termSource: (any DispatchSourceSignal)?
}
