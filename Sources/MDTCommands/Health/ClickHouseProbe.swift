import ClickHouse
import MarketData

/// ClickHouse: `GET /ping` (timed), `version()` (needs valid credentials), the database, and mdt's tables.
enum ClickHouseProbe {
    static let tables = MarketTable.allCases.map(\.rawValue)

    static func makeClient(_ config: HealthProbeConfig) throws(ClickHouseError) -> ClickHouseClient {
        var logger = config.logger
        logger[metadataKey: "component"] = "clickhouse"
        return try ClickHouseClient(
            url: config.clickhouse.url, user: config.clickhouse.user, password: config.clickhouse.password?.value ?? "",
            database: nil, timeout: .milliseconds(Int64(config.timeout * 1000)),
            connectTimeout: .milliseconds(Int64(config.connectTimeout * 1000)), logger: logger)
    }

    static func run(_ config: HealthProbeConfig) -> HealthCheck {
        let target = config.target(.clickhouse)
        var check = HealthCheck(component: .clickhouse, status: .critical, message: "", target: target)
        do {
            let client = try makeClient(config)
            let start = HealthClock.monotonic()
            try client.ping()
            check.latency = HealthClock.monotonic() - start
            let version = try client.serverVersion()
            let db = config.clickhouse.database
            guard try client.databaseExists(db) else {
                check.message = "ClickHouse \(version.text) at \(target): database '\(db)' does not exist"
                return check
            }
            let present = Set(try client.queryText(
                "SELECT name FROM system.tables WHERE database = \(SQLText.literal(db))"
            ).split(separator: "\n").map(String.init))
            let missing = tables.filter { !present.contains($0) }
            check.metrics = [
                HealthMetric("clickhouse_tables_missing", Double(missing.count), help: "mdt tables missing from the ClickHouse database."),
            ]
            if missing.isEmpty {
                check.status = .ok
                check.message = "ClickHouse \(version.text) at \(target), database \(db), \(tables.count) tables present"
            } else {
                check.status = .warning
                check.message = "ClickHouse \(version.text) at \(target): database \(db) lacks table(s) \(missing.joined(separator: ", ")) (create them with `mdt query --schema`)"
            }
        } catch {
            check.status = .critical
            check.message = error.description
        }
        return check
    }
}

/// Data freshness: the age of the newest row in `market_ticks` (last 7 days only, so partitions prune).
/// Judged against the tick-age thresholds only during the extended session on trading days;
/// otherwise reported as information (OK).
enum FreshnessProbe {
    static let window: Int64 = 7 * 86_400 * 1_000_000_000

    /// The verdict for a newest-tick time (`nil`: no tick in the window) at `now`.
    static func judge(newest: Nanos?, now: Nanos, thresholds: HealthThresholds, table: String) -> HealthCheck {
        var check = HealthCheck(component: .freshness, status: .ok, message: "", target: table)
        let open = MarketHours.isOpen(now)
        let closedNote = MarketHours.closedReason(now).map { "market closed (\($0)), informational" } ?? ""
        guard let newest else {
            check.status = open ? .warning : .ok
            check.message = "no ticks in \(table) in the last 7 days" + (open ? " during market hours" : "; " + closedNote)
            return check
        }
        let age = max(0, Double(now - newest) / 1e9)
        check.metrics = [
            HealthMetric("tick_age_seconds", age, uom: "s", warning: thresholds.warningTickAge, critical: thresholds.criticalTickAge,
                         help: "Seconds since the newest tick in market_ticks."),
        ]
        let when = "latest tick \(ageText(age)) ago (\(Time.iso8601(newest)))"
        if open {
            check.status = thresholds.judgeTickAge(seconds: age)
            switch check.status {
            case .critical: check.message = "\(when), above critical \(fmt(thresholds.criticalTickAge))s during market hours"
            case .warning: check.message = "\(when), above warning \(fmt(thresholds.warningTickAge))s during market hours"
            default: check.message = when
            }
        } else {
            check.message = "\(when); \(closedNote)"
        }
        return check
    }

    static func run(_ config: HealthProbeConfig) -> HealthCheck {
        let table = config.target(.freshness)
        do {
            let client = try ClickHouseProbe.makeClient(config)
            let dialect = SQLDialect(serverVersion: try client.serverVersion().text)
            let now = config.now()
            let sql = "SELECT toInt64(\(dialect.tsToNanos("max(ts)"))) FROM \(SQLText.identifier(config.clickhouse.database)).market_ticks "
                + "WHERE ts >= \(dialect.nanosLiteral(now - window))"
            let text = try client.queryText(sql)
            guard let newest = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                return HealthCheck(component: .freshness, status: .unknown, message: "unexpected answer '\(text.prefix(60))' to max(ts) from \(table)", target: table)
            }
            return judge(newest: newest > 0 ? newest : nil, now: now, thresholds: config.thresholds, table: table)
        } catch let e as ClickHouseError {
            if e.code == 60 || e.code == 81 {
                return HealthCheck(component: .freshness, status: .unknown, message: "\(table) does not exist; tick age unknown", target: table)
            }
            return HealthCheck(component: .freshness, status: .unknown, message: "tick age unknown: \(e.description)", target: table)
        } catch {
            return HealthCheck(component: .freshness, status: .unknown, message: "tick age unknown: \(error)", target: table)
        }
    }
}
