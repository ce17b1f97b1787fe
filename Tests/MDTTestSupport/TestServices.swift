import Foundation

/// Where the real services started by `scripts/services.sh up` listen.
///
/// The script writes `KEY=VALUE` lines to `.run/services.env` at the repository root;
/// `scripts/test.sh` also exports them. Values come from the environment first, then that file.
/// Outside the script a missing service makes tests that need it skip with a clear note;
/// under `CI=true` a missing service is a failure, never a skip.
public enum TestServices {
    public enum Service: String, Sendable, CaseIterable {
        case clickhouse, redis, kafka
        var key: String {
            switch self {
            case .clickhouse: "MDT_CLICKHOUSE_URL"
            case .redis: "MDT_REDIS_URL"
            case .kafka: "MDT_KAFKA_BROKERS"
            }
        }
    }

    /// The repository root (found from this file's path).
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// All settings from the environment overlaid on `.run/services.env`.
    public static let values: [String: String] = {
        var result: [String: String] = [:]
        let file = repoRoot.appendingPathComponent(".run/services.env")
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.hasPrefix("#"), let eq = trimmed.firstIndex(of: "=") else { continue }
                var key = String(trimmed[..<eq])
                if key.hasPrefix("export ") { key.removeFirst(7) }
                var value = String(trimmed[trimmed.index(after: eq)...])
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                result[key] = value
            }
        }
        for (k, v) in ProcessInfo.processInfo.environment where k.hasPrefix("MDT_") { result[k] = v }
        return result
    }()

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static func value(_ key: String) -> String? { values[key] }

    /// Whether tests needing `service` should run: always under CI (so a missing service fails them).
    public static func available(_ service: Service) -> Bool { isCI || values[service.key] != nil }

    /// The service's address, or a thrown error naming what is missing.
    public static func require(_ service: Service) throws -> String {
        guard let v = values[service.key], !v.isEmpty else { throw MissingService(service: service) }
        return v
    }

    public struct MissingService: Error, CustomStringConvertible {
        public let service: Service
        public var description: String {
            "\(service.rawValue) is not running: start it with `scripts/services.sh up` (\(service.key) unset)"
        }
    }

    /// ClickHouse credentials used by the test server (`scripts/services.sh` creates this user).
    public static var clickhouseUser: String { values["MDT_CLICKHOUSE_USER"] ?? "l2_user" }
    public static var clickhousePassword: String { values["MDT_CLICKHOUSE_PASSWORD"] ?? "" }
    public static var clickhouseDatabase: String { values["MDT_CLICKHOUSE_DATABASE"] ?? "l2_market_data" }

    /// The directory holding the services' pid files and data (for fault-injection tests).
    public static var servicesDir: String? { values["MDT_SERVICES_DIR"] }
}
