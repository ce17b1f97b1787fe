import ArgumentParser
import Foundation
import Manifest
import Testing
@testable import MDTCommands

struct PlainError: Error, CustomStringConvertible {
    var description: String
}

struct LibraryError: Error, CustomStringConvertible, ExitStatusProviding {
    var description: String { "clickhouse http://h:8123: connection refused" }
    var exitStatus: MDTExit { .unavailable }
}

@Suite struct ExitCodeTests {
    @Test func codesAreSysexits() {
        #expect(MDTExit.allCases.map(\.rawValue) == [0, 1, 64, 65, 69, 75, 78])
    }

    @Test func mapping() {
        #expect(ErrorReport.status(for: SettingsError.schema(file: "f", line: 1, message: "m")) == .config)
        #expect(ErrorReport.status(for: SettingsError.invalid(key: "k", source: .flag("--x"), message: "m")) == .usage)
        #expect(ErrorReport.status(for: SettingsError.invalid(key: "k", source: .env("X"), message: "m")) == .config)
        #expect(ErrorReport.status(for: CommandFailure.dataError("bad line")) == .dataError)
        #expect(ErrorReport.status(for: CommandFailure.unavailable("down")) == .unavailable)
        #expect(ErrorReport.status(for: CommandFailure.tempFailure("later")) == .tempFailure)
        #expect(ErrorReport.status(for: LibraryError()) == .unavailable)
        #expect(ErrorReport.status(for: POSIXError(.ECONNREFUSED)) == .unavailable)
        #expect(ErrorReport.status(for: POSIXError(.ETIMEDOUT)) == .tempFailure)
        #expect(ErrorReport.status(for: ManifestError.busy(path: "/m.db")) == .tempFailure)
        #expect(ErrorReport.status(for: ManifestError.sqlite(path: "/m.db", reason: "x")) == .failure)
        #expect(ErrorReport.status(for: PlainError(description: "x")) == .failure)
    }

    @Test func messagesAreOneLineWithoutDuplicatePrefixes() {
        #expect(ErrorReport.message(for: PlainError(description: "Error: thing broke")) == "thing broke")
        #expect(ErrorReport.message(for: PlainError(description: "mdt: x")) == "x")
        #expect(ErrorReport.message(for: PlainError(description: "line one\n  line two\n")) == "line one; line two")
        #expect(ErrorReport.message(for: PlainError(description: "")) == "failed (PlainError)")
        #expect(ErrorReport.message(for: LibraryError()) == "clickhouse http://h:8123: connection refused")
        #expect(ErrorReport.message(for: ManifestError.busy(path: "/h/manifest.db")).contains("/h/manifest.db"))
    }

    @Test func argumentParserErrorsAreLeftToArgumentParser() {
        #expect(ErrorReport.isArgumentParserError(ValidationError("x")))
        #expect(ErrorReport.isArgumentParserError(ExitCode(3)))
        #expect(!ErrorReport.isArgumentParserError(CommandFailure.failure("x")))
        #expect(MDT.exitCode(for: ValidationError("x")).rawValue == 64)
    }
}

@Suite struct OptionParsingTests {
    @Test func globalOptions() throws {
        let g0 = try GlobalOptions.parse([])
        #expect(g0.effectiveLogLevel == .notice)
        #expect(try GlobalOptions.parse(["-v"]).effectiveLogLevel == .info)
        #expect(try GlobalOptions.parse(["-vv"]).effectiveLogLevel == .debug)
        #expect(try GlobalOptions.parse(["--verbose", "--verbose", "--verbose"]).effectiveLogLevel == .trace)
        #expect(try GlobalOptions.parse(["-v", "--log-level", "warning"]).effectiveLogLevel == .warning)
        #expect(try GlobalOptions.parse(["-vv", "--quiet"]).effectiveLogLevel == .error)
        #expect(throws: (any Error).self) { try GlobalOptions.parse(["--log-level", "loud"]) }
        let g = try GlobalOptions.parse(["--color", "on", "--config", "/x.toml"])
        #expect(g.config == "/x.toml")
        #expect(g.colorEnabled(isTTY: false, environment: [:]))
        #expect(!(try GlobalOptions.parse(["--color", "off"])).colorEnabled(isTTY: true, environment: [:]))
        #expect(g0.colorEnabled(isTTY: true, environment: [:]))
        #expect(!g0.colorEnabled(isTTY: false, environment: [:]))
        #expect(!g0.colorEnabled(isTTY: true, environment: ["NO_COLOR": "1"]))
    }

    @Test func serviceOptionsBecomeOverrides() throws {
        let k = try KafkaOptions.parse(["--brokers", "a:1", "--kafka-property", "acks=all", "--kafka-property", "linger.ms=5"])
        #expect(k.overrides == [
            SettingOverride(key: "kafka.brokers", value: "a:1", flag: "--brokers"),
            SettingOverride(key: "kafka.properties", value: "acks=all", flag: "--kafka-property"),
            SettingOverride(key: "kafka.properties", value: "linger.ms=5", flag: "--kafka-property"),
        ])
        let c = try ClickHouseOptions.parse(["--clickhouse-url", "http://h:1", "--clickhouse-password-file", "/pw"])
        #expect(c.overrides == [
            SettingOverride(key: "clickhouse.url", value: "http://h:1", flag: "--clickhouse-url"),
            SettingOverride(key: "clickhouse.password", file: "/pw", flag: "--clickhouse-password-file"),
        ])
        #expect(try RedisOptions.parse(["--redis-url", "redis://r:1"]).overrides.map(\.key) == ["redis.url"])
        #expect(try IQFeedOptions.parse(["--iqfeed-host", "h", "--l2-port", "1"]).overrides.map(\.key) == ["iqfeed.host", "iqfeed.l2-port"])
        #expect(throws: (any Error).self) { try ClickHouseOptions.parse(["--clickhouse-password", "x"]) }
    }

    @Test func contextResolvesFromOptionGroups() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let global = try GlobalOptions.parse(["--quiet"])
        let kafka = try KafkaOptions.parse(["--brokers", "b:9"])
        let output = try OutputOptions.parse(["--format", "ndjson", "--no-header"])
        let ctx = try CommandContext(global: global, flags: [kafka], output: output, label: "test",
                                     environment: ["MDT_HOME": dir.path, "MDT_REDIS_URL": "redis://r:7"])
        #expect(ctx.settings.kafka.brokers == ["b:9"])
        #expect(ctx.settings.redis.url == "redis://r:7")
        #expect(ctx.output.format == .ndjson)
        #expect(!ctx.output.header)
        #expect(!ctx.output.progress)
        #expect(ctx.logLevel == .error)
        #expect(ctx.logger.logLevel == .error)
        let m = try ctx.openManifest()
        #expect(m.path == dir.path + "/manifest.db")
        #expect(try m.journalMode() == "wal")
    }

    @Test func configCommandParses() throws {
        let show = try ConfigCommand.Show.parse(["--json", "--brokers", "x:1", "-v"])
        #expect(show.json)
        #expect(show.kafka.brokers == "x:1")
        #expect(show.global.verbose == 1)
        let parsed = try MDT.parseAsRoot(["config", "--path"])
        #expect((parsed as? ConfigCommand.Show)?.path == true)
        #expect(throws: (any Error).self) { try MDT.parseAsRoot(["config", "--nope"]) }
    }
}
