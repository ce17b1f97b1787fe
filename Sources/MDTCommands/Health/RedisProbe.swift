import Redis

/// Redis: connect, PING (timed), INFO for role, version and used memory.
enum RedisProbe {
    static func run(_ config: HealthProbeConfig) -> HealthCheck {
        let target = config.target(.redis)
        var check = HealthCheck(component: .redis, status: .critical, message: "", target: target)
        do {
            var rc = try RedisConfiguration(
                url: config.redis.url, connectTimeout: .milliseconds(Int64(config.connectTimeout * 1000)),
                commandTimeout: .milliseconds(Int64(config.timeout * 1000)))
            if let pw = config.redis.password?.value { rc.password = pw }
            var logger = config.logger
            logger[metadataKey: "component"] = "redis"
            let client = try RedisClient(configuration: rc, connectNow: true, logger: logger)
            let start = HealthClock.monotonic()
            try client.ping()
            check.latency = HealthClock.monotonic() - start
            let info = try client.info()
            return judge(info: info, target: target, latency: check.latency)
        } catch {
            check.message = error.description
            return check
        }
    }

    /// The verdict from `INFO`: a replica whose link to its master is down is a WARNING.
    static func judge(info: [String: String], target: String, latency: Double?) -> HealthCheck {
        let role = info["role"] ?? "unknown"
        let version = info["redis_version"] ?? "?"
        let used = info["used_memory"].flatMap(Double.init) ?? 0
        var check = HealthCheck(component: .redis, status: .ok, message: "", target: target, latency: latency, metrics: [
            HealthMetric("redis_used_memory_bytes", used, uom: "B", help: "Redis used_memory."),
        ])
        if let clients = info["connected_clients"].flatMap(Double.init) {
            check.metrics.append(HealthMetric("redis_connected_clients", clients, help: "Redis connected_clients."))
        }
        check.message = "Redis \(version) at \(target), role \(role), used memory \(byteText(used))"
        if role == "slave" || role == "replica", let link = info["master_link_status"], link != "up" {
            check.status = .warning
            check.message += "; link to master \(info["master_host"] ?? "?"):\(info["master_port"] ?? "?") is \(link)"
        }
        return check
    }
}
