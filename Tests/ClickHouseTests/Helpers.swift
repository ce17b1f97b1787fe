import ClickHouse
import Foundation
import MDTTestSupport

/// A client for the test server from `scripts/services.sh` (or the MDT_CLICKHOUSE_* env vars).
func liveClient(password: String? = nil, timeout: Duration = .seconds(30)) throws -> ClickHouseClient {
    try ClickHouseClient(
        url: try TestServices.require(.clickhouse),
        user: TestServices.clickhouseUser,
        password: password ?? TestServices.clickhousePassword,
        database: TestServices.clickhouseDatabase,
        timeout: timeout)
}

func uniqueName(_ prefix: String) -> String {
    prefix + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
}

