import IQFeed

/// IQFeed: the admin port answers and its `S,STATS` line says IQConnect is connected to DTN.
/// STATS arrives unsolicited once a second, so the check reads lines until one comes (within the timeout).
enum IQFeedProbe {
    static func run(_ config: HealthProbeConfig) -> HealthCheck {
        guard config.iqfeedEnabled else {
            return HealthCheck(component: .iqfeed, status: .skipped,
                               message: "skipped: no IQFeed host configured (iqfeed.host = \(config.iqfeed.host.isEmpty ? "\"\"" : config.iqfeed.host))")
        }
        let host = config.iqfeed.host, port = config.iqfeed.adminPort
        let target = "\(host):\(port)"
        var check = HealthCheck(component: .iqfeed, status: .critical, message: "", target: target)
        let start = HealthClock.monotonic()
        let deadline = start + config.timeout
        let conn: IQFeedConnection
        do {
            conn = try IQFeedConnection.connect(host: host, port: port, timeout: config.connectTimeout)
        } catch {
            check.message = error.description
            return check
        }
        defer { conn.close() }
        check.latency = HealthClock.monotonic() - start
        var framer = LineFramer(maxLineLength: 16 * 1024, initialCapacity: 16 * 1024)
        var parser = AdminParser()
        while true {
            let left = deadline - HealthClock.monotonic()
            if left <= 0 { break }
            do {
                if try conn.read(into: &framer, timeout: left) == .timeout { continue }
            } catch {
                check.message = "\(error.description) before an S,STATS line arrived"
                return check
            }
            while true {
                var stats: AdminStats?
                do {
                    guard let line = try framer.nextLine() else { break }
                    if case .system(.stats(let s))? = try? parser.parse(line) { stats = s }
                } catch {
                    continue  // an overlong line is skipped; keep waiting for STATS
                }
                if let stats { return judge(stats, target: target, latency: check.latency) }
            }
        }
        check.message = "IQFeed admin port \(target) accepted the connection but sent no S,STATS line within \(fmt(config.timeout))s"
        return check
    }

    /// The verdict from one STATS line: `Connected` is OK, `Not Connected` CRITICAL, anything else WARNING.
    static func judge(_ s: AdminStats, target: String, latency: Double?) -> HealthCheck {
        var check = HealthCheck(component: .iqfeed, status: .ok, message: "", target: target, latency: latency)
        if let w = s.symbolsWatched {
            check.metrics.append(HealthMetric("iqfeed_symbols_watched", Double(w), help: "Symbols IQConnect is watching."))
        }
        if let r = s.reconnections {
            check.metrics.append(HealthMetric("iqfeed_reconnections", Double(r), uom: "c", help: "IQConnect reconnections to DTN."))
        }
        let version = s.iqconnectVersion.isEmpty ? "" : " \(s.iqconnectVersion)"
        switch s.status {
        case .connected:
            let server = s.serverIP.isEmpty ? "" : " to DTN \(s.serverIP)\(s.serverPort.map { ":\($0)" } ?? "")"
            check.message = "IQConnect\(version) at \(target) Connected\(server), \(s.symbolsWatched ?? 0) symbol(s) watched"
        case .notConnected:
            check.status = .critical
            check.message = "IQConnect\(version) at \(target) reports Not Connected to DTN"
        case .other(let text):
            check.status = .warning
            check.message = "IQConnect\(version) at \(target) reports status '\(text)'"
        }
        return check
    }
}
