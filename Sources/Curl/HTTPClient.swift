/// A minimal blocking HTTP client over one libcurl easy handle.
///
/// Thread-confined: use one client from one thread at a time (it is not `Sendable`); create one
/// per thread that needs it. Consecutive requests to the same host reuse the kept-alive
/// connection. `perform` blocks the calling thread: call it from a dedicated thread, not from
/// Swift's cooperative pool.
public final class HTTPClient {
    private let easy: CurlEasy

    /// New TCP connections the last request opened: 0 when it reused a kept-alive connection.
    public var lastNewConnections: Int { easy.lastNewConnections }

    public init() throws(CurlError) {
        easy = try CurlEasy()
    }

    /// Performs `request` and returns the whole response (any status: the caller judges 4xx/5xx).
    /// Throws `CurlError` when no HTTP response could be obtained.
    public func perform(_ request: HTTPRequest) throws(CurlError) -> HTTPResponse {
        var body: [UInt8] = []
        let head: HTTPResponseHead
        do {
            head = try easy.perform(request) { _, chunk in body.append(contentsOf: chunk) }
        } catch let error as CurlError {
            throw error
        } catch {
            throw .aborted(endpoint: HTTPEndpoint(url: request.url)?.hostPort ?? "-")
        }
        return HTTPResponse(status: head.status, headers: head.headers, body: body)
    }

    /// Performs `request`, handing the response body to `onBody` chunk by chunk as it arrives
    /// (with the response status), so large bodies are never held whole. If `onBody` throws, the
    /// transfer is aborted and that error is rethrown; otherwise failures throw `CurlError`.
    @discardableResult
    public func perform(
        _ request: HTTPRequest,
        onBody: (_ status: Int, _ chunk: UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead {
        try easy.perform(request, onBody: onBody)
    }
}

@available(*, unavailable)
extension HTTPClient: Sendable {}
