/// An HTTP method.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET", post = "POST", put = "PUT", delete = "DELETE", head = "HEAD"
}

/// One HTTP request: a value, built by the caller and performed by `HTTPClient`.
///
/// Credentials go in `basicAuth` or in `headers` (e.g. `X-ClickHouse-Key`), never in `url`:
/// errors name only the host and port, but a URL is easier to leak by accident.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// `http://host:port/path?query` (already percent-encoded).
    public var url: String
    public var headers: [(name: String, value: String)]
    /// The request body; empty sends no body (a POST with an empty body sends `Content-Length: 0`).
    public var body: [UInt8]
    /// Compress `body` with gzip and send `Content-Encoding: gzip`.
    public var gzipBody: Bool
    /// Limit for the whole exchange (connect, send, receive); nil waits forever.
    public var timeout: Duration?
    /// Limit for establishing the TCP connection.
    public var connectTimeout: Duration
    /// HTTP basic authentication (sent as a header by libcurl; never shown in errors).
    public var basicAuth: (user: String, password: String)?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        gzipBody: Bool = false,
        timeout: Duration? = .seconds(30),
        connectTimeout: Duration = .seconds(5),
        basicAuth: (user: String, password: String)? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.gzipBody = gzipBody
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.basicAuth = basicAuth
    }
}
