import Foundation
import MDTTestSupport
import Testing

/// Runs a shell command (kcat, scripts/services.sh) and returns its status and output.
func shell(_ script: String, stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", script]
    p.currentDirectoryURL = TestServices.repoRoot
    let out = Pipe(), err = Pipe(), input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// `mdt topics` against librdkafka's mock cluster (scripts/services.sh up), checked with kcat.
@Suite(.serialized) struct TopicsEndToEndTests {
    /// A new topic on the mock (its control socket creates it; the mock ignores CreateTopics).
    func makeTopic(partitions: Int) throws -> String {
        let name = "mdt.e2e.\(UInt32.random(in: 0...UInt32.max))"
        let r = try shell("scripts/services.sh kafka-ctl create-topic \(name) \(partitions)")
        try #require(r.status == 0, "kafka-ctl create-topic: \(r.err)")
        return name
    }

    func produce(_ topic: String, _ lines: [String], keyed: Bool = false, partition: Int? = nil) throws {
        let brokers = try TestServices.require(.kafka)
        let r = try shell("kcat -P -b '\(brokers)' -t '\(topic)'\(keyed ? " -K '|'" : "")\(partition.map { " -p \($0)" } ?? "")",
                          stdin: lines.joined(separator: "\n") + "\n")
        try #require(r.status == 0, "kcat produce: \(r.err)")
    }

    @Test(.enabled(if: TestServices.available(.kafka)))
    func listAndDescribe() throws {
        let topic = try makeTopic(partitions: 2)
        try produce(topic, ["a", "b", "c"], partition: 0)
        try produce(topic, ["d", "e"], partition: 1)
        var r = try MDTRun.run(["topics", "list", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        let mine = rows?.first { $0["topic"] as? String == topic }
        #expect(mine?["partitions"] as? Int == 2)
        #expect(mine?["messages"] as? Int == 5)
        #expect((mine?["replication"] as? Int ?? 0) >= 1)
        for standard in ["iqfeed.l2.raw", "iqfeed.trades.raw", "iqfeed.quotes.raw", "trading.signals", "market.features"] {
            #expect(rows?.contains { $0["topic"] as? String == standard } == true, "\(standard) listed")
        }
        r = try MDTRun.run(["topics", "describe", topic])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.first == ["partition", "leader", "replicas", "isr", "low", "high", "messages", "error"])
        #expect(lines.count == 3)
        #expect(lines.dropFirst().map { $0[5] } == ["3", "2"])
        // kcat sees the same high watermarks.
        let k = try shell("kcat -Q -b '\(try TestServices.require(.kafka))' -t '\(topic)':0:-1 -t '\(topic)':1:-1")
        #expect(k.out.contains("\(topic) [0] offset 3") && k.out.contains("\(topic) [1] offset 2"), "\(k.out) \(k.err)")

        r = try MDTRun.run(["topics", "describe", "no.such.topic.\(UInt32.random(in: 0...UInt32.max))"])
        #expect(r.status == 65 && r.stderr.contains("does not exist"))
    }

    @Test(.enabled(if: TestServices.available(.kafka)))
    func createIsIdempotentAndReportsUnsupportedAdminWithinTimeout() throws {
        // The standard set exists on the mock: nothing to create, every topic reported and skipped.
        var r = try MDTRun.run(["topics", "create"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "exists (skipped)").count - 1 == 5, "\(r.stdout)")
        // A new topic needs CreateTopics, which the mock never answers: a clear error, bounded in time.
        let name = "mdt.e2e.new.\(UInt32.random(in: 0...UInt32.max))"
        let started = Date()
        r = try MDTRun.run(["topics", "create", name, "--timeout", "2"])
        let took = Date().timeIntervalSince(started)
        #expect(r.status == 69)
        #expect(r.stderr.contains("does not support CreateTopics") && r.stderr.contains("timed out after 2s"), "\(r.stderr)")
        #expect(r.stdout.contains("\(name)\tnot created"))
        #expect(took < 10, "took \(took)s")
        // DeleteTopics is not answered either (exit 69, bounded), and reset --execute stops at it.
        let doomed = try makeTopic(partitions: 1)
        r = try MDTRun.run(["topics", "delete", "--yes", doomed, "--timeout", "2"])
        #expect(r.status == 69 && r.stderr.contains("does not support DeleteTopics"), "\(r.stderr)")
        r = try MDTRun.run(["topics", "reset", "--execute", "--timeout", "2"])
        #expect(r.status == 69 && r.stderr.contains("does not support DeleteTopics"), "\(r.stderr)")
        // reset is a dry run by default.
        r = try MDTRun.run(["topics", "reset"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("would delete iqfeed.trades.raw") && r.stdout.contains("would create market.features"))
        #expect(r.stdout.contains("dry run"))
    }

    @Test(.enabled(if: TestServices.available(.kafka)))
    func deleteRefusesWithoutYesOffATerminal() throws {
        let topic = try makeTopic(partitions: 1)
        let r = try MDTRun.run(["topics", "delete", topic])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--yes"))
        let list = try MDTRun.run(["topics", "list"])
        #expect(list.stdout.contains(topic))
    }

    @Test(.enabled(if: TestServices.available(.kafka)))
    func tailLastMessages() throws {
        let topic = try makeTopic(partitions: 1)
        let values = (1...6).map { "{\"sym\":\"\($0 % 2 == 0 ? "AAPL" : "MSFT")\",\"i\":\($0)}" }
        try produce(topic, zip(1...6, values).map { "\($0 % 2 == 0 ? "AAPL" : "MSFT")|\($1)" }, keyed: true)
        var r = try MDTRun.run(["topics", "tail", topic, "-n", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == values.suffix(2).joined(separator: "\n") + "\n")
        // The same as kcat's last two.
        let k = try shell("kcat -C -b '\(try TestServices.require(.kafka))' -t '\(topic)' -o -2 -e -q")
        #expect(k.out == r.stdout)
        r = try MDTRun.run(["topics", "tail", topic, "-n", "6", "--key", "AAPL"])
        #expect(r.stdout == [values[1], values[3], values[5]].joined(separator: "\n") + "\n")
        // On a terminal: a `topic[partition]@offset key=...` line and pretty JSON per message.
        let tty = try shell("script -qec \"'\(MDTRun.path)' topics tail '\(topic)' -n 1 --brokers '\(try TestServices.require(.kafka))'\" /dev/null")
        #expect(tty.out.contains("\(topic)[0]@5 key=AAPL"), "\(tty.out)")
        #expect(tty.out.contains("  \"sym\": \"AAPL\",") && tty.out.contains("  \"i\": 6"), "\(tty.out)")
        r = try MDTRun.run(["topics", "tail", topic, "-n", "0"])
        #expect(r.status == 0 && r.stdout == "")
        // --from-time: everything since an hour ago; nothing from tomorrow.
        let hourAgo = Int(Date().timeIntervalSince1970) - 3600, tomorrow = Int(Date().timeIntervalSince1970) + 86_400
        // (librdkafka's mock cluster answers a timestamp lookup with the log end, so the reference is
        // what kcat prints for the same start time, not the produced messages.)
        r = try MDTRun.run(["topics", "tail", topic, "--from-time", String(hourAgo)])
        #expect(r.status == 0, "\(r.stderr)")
        let kt = try shell("kcat -C -b '\(try TestServices.require(.kafka))' -t '\(topic)' -o s@\(hourAgo * 1000) -e -q")
        #expect(r.stdout == kt.out)
        r = try MDTRun.run(["topics", "tail", topic, "--from-time", String(tomorrow)])
        #expect(r.status == 0 && r.stdout == "")
        r = try MDTRun.run(["topics", "tail", "no.such.topic.\(UInt32.random(in: 0...UInt32.max))"])
        #expect(r.status == 65)
    }

    @Test(.enabled(if: TestServices.available(.kafka)))
    func lagOfAGroup() throws {
        let topic = try makeTopic(partitions: 1)
        let group = "mdt-e2e-group-\(UInt32.random(in: 0...UInt32.max))"
        try produce(topic, ["1", "2", "3", "4"])
        // kcat consumes everything in the group and commits on exit.
        let k = try shell("timeout 30 kcat -b '\(try TestServices.require(.kafka))' -G \(group) \(topic) -e -q -X auto.offset.reset=earliest")
        #expect(k.out == "1\n2\n3\n4\n", "\(k.err)")
        try produce(topic, ["5", "6"])
        let r = try MDTRun.run(["topics", "lag", "--group", group, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        let mine = rows?.filter { $0["topic"] as? String == topic }
        #expect(mine?.count == 1)
        #expect(mine?.first?["committed"] as? Int == 4)
        #expect(mine?.first?["log_end"] as? Int == 6)
        #expect(mine?.first?["lag"] as? Int == 2)
        #expect(mine?.first?["group"] as? String == group)
    }

    @Test func unreachableBrokersIsExit69NamingThem() throws {
        let started = Date()
        let r = try MDTRun.run(["topics", "list", "--brokers", "127.0.0.1:1,127.0.0.1:2", "--timeout", "2"])
        #expect(r.status == 69)
        #expect(r.stderr == "mdt: kafka: no broker reachable at 127.0.0.1:1,127.0.0.1:2 within 2s\n", "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
