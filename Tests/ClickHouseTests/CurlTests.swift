import Curl
import Foundation
import MDTTestSupport
import Testing

@Suite struct EndpointParsing {
    @Test func userInfoIsDropped() throws {
        let e = try #require(HTTPEndpoint(url: "http://user:pa55@db.local:8123/?query=1"))
        #expect(e.host == "db.local" && e.port == 8123)
        #expect(e.hostPort == "db.local:8123")
        #expect(e.pathAndQuery == "/?query=1")
        #expect(!e.base.contains("pa55"))
    }

    @Test func defaultsAndIPv6() throws {
        #expect(HTTPEndpoint(url: "http://example.com")?.port == 80)
        #expect(HTTPEndpoint(url: "https://example.com/x")?.port == 443)
        #expect(HTTPEndpoint(url: "http://[::1]:8123/")?.hostPort == "[::1]:8123")
        #expect(HTTPEndpoint(url: "ftp://x") == nil)
        #expect(HTTPEndpoint(url: "http://host:99999") == nil)
        #expect(HTTPEndpoint(url: "localhost:8123") == nil)
    }
}

/// HTTP-level behaviour, using the ClickHouse test server as the peer.
@Suite(.enabled(if: TestServices.available(.clickhouse)))
struct LiveHTTPClientTests {
    var base: String { get throws { try TestServices.require(.clickhouse) } }
    var auth: [(name: String, value: String)] {
        [("X-ClickHouse-User", TestServices.clickhouseUser), ("X-ClickHouse-Key", TestServices.clickhousePassword)]
    }

    @Test func keepAliveConnectionIsReused() throws {
        let http = try HTTPClient()
        let first = try http.perform(HTTPRequest(url: try base + "/ping"))
        #expect(first.status == 200 && first.text == "Ok.\n")
        #expect(http.lastNewConnections == 1)
        let second = try http.perform(HTTPRequest(url: try base + "/ping"))
        #expect(second.status == 200)
        #expect(http.lastNewConnections == 0)
        #expect(second.headers["content-length"] == "4")  // case-insensitive lookup
    }

    @Test func gzipRequestBodyIsDecodedByTheServer() throws {
        let http = try HTTPClient()
        let sql = "SELECT 40 + 2 -- " + String(repeating: "padding ", count: 200)
        let compressed = try Gzip.compress(Array(sql.utf8))
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(compressed.count < sql.utf8.count / 4)
        let response = try http.perform(HTTPRequest(method: .post, url: try base + "/", headers: auth, body: Array(sql.utf8), gzipBody: true))
        #expect(response.status == 200)
        #expect(response.text == "42\n")
    }

    @Test func basicAuthIsSent() throws {
        let http = try HTTPClient()
        let good = try http.perform(HTTPRequest(
            method: .post, url: try base + "/", body: Array("SELECT 7".utf8),
            basicAuth: (TestServices.clickhouseUser, TestServices.clickhousePassword)))
        #expect(good.status == 200 && good.text == "7\n")
        let bad = try http.perform(HTTPRequest(
            method: .post, url: try base + "/", body: Array("SELECT 7".utf8),
            basicAuth: (TestServices.clickhouseUser, "not-the-password")))
        #expect(bad.status == 401 || bad.status == 403 || bad.status == 500)
        #expect(bad.text.contains("193") || bad.text.contains("516"))
    }

    @Test func totalTimeoutIsTyped() throws {
        let http = try HTTPClient()
        let request = HTTPRequest(method: .post, url: try base + "/", headers: auth, body: Array("SELECT sleep(2)".utf8), timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let error = try #require(throws: CurlError.self) { try http.perform(request) }
        #expect(ContinuousClock.now - start < .seconds(2))
        guard case .timedOut(_, let after, let connecting) = error else {
            Issue.record("expected .timedOut, got \(error)")
            return
        }
        #expect(after == .milliseconds(300) && !connecting)
        #expect(error.description.hasPrefix("timed out after 300ms talking to 127.0.0.1:"))
    }

    @Test func throwingBodyCallbackAbortsAndClientStaysUsable() throws {
        struct Enough: Error {}
        let http = try HTTPClient()
        var received = 0
        let request = HTTPRequest(method: .post, url: try base + "/", headers: auth, body: Array("SELECT number FROM system.numbers LIMIT 10000000".utf8))
        #expect(throws: Enough.self) {
            try http.perform(request) { _, chunk in
                received += chunk.count
                if received > 100_000 { throw Enough() }
            }
        }
        #expect(received > 100_000 && received < 10_000_000)
        #expect(try http.perform(HTTPRequest(url: try base + "/ping")).status == 200)
    }
}
