internal import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libcurl's process-wide initialisation, run once before the first easy handle (thread-safe:
/// Swift initialises globals once).
private let curlGlobalInit: Int = Int(curl_global_init(3 /* CURL_GLOBAL_ALL */).rawValue)

/// Per-transfer state the C callbacks reach through their user pointer.
final class CurlTransfer {
    var status = 0
    var headers = HTTPHeaders()
    var onBody: (Int, UnsafeRawBufferPointer) throws -> Void = { _, _ in }
    var thrown: (any Error)?

    func headerLine(_ line: UnsafeRawBufferPointer) {
        var text = Substring(String(decoding: line, as: UTF8.self))
        while let last = text.last, last.isNewline { text.removeLast() }  // "\r\n" is one Character
        if text.hasPrefix("HTTP/") {
            // A new header block (after a 100 Continue or a redirect): keep only the last one.
            headers.removeAll()
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon]
            let value = text[text.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append(name: String(name), value: String(value))
        }
    }
}

private let writeCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    do {
        try transfer.onBody(transfer.status, UnsafeRawBufferPointer(start: data, count: n))
        return n
    } catch {
        transfer.thrown = error
        return 0  // libcurl aborts with CURLE_WRITE_ERROR
    }
}

private let headerCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    let n = size * count
    transfer.headerLine(UnsafeRawBufferPointer(start: data, count: n))
    return n
}

/// One libcurl easy handle. Owns the handle, its error buffer and the header list it points at.
/// Not thread-safe (libcurl easy handles must be used by one thread at a time).
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var gzipBuffer: [UInt8] = []
    /// New TCP connections the last transfer had to open (0 when it reused a kept-alive one).
    private(set) var lastNewConnections = 0
    /// A valid pointer for an empty POST body (libcurl would otherwise read stdin).
    private let emptyBody: UnsafeMutablePointer<CChar>

    init() throws(CurlError) {
        _ = curlGlobalInit
        guard let h = curl_easy_init() else {
            throw .other(endpoint: "-", code: -1, message: "curl_easy_init failed (out of memory?)")
        }
        handle = h
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        emptyBody = .allocate(capacity: 1)
        emptyBody.initialize(to: 0)
    }

    deinit {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
        emptyBody.deallocate()
    }

    /// Performs `request`, handing each body chunk to `onBody` (status, bytes) as it arrives.
    func perform(
        _ request: HTTPRequest,
        onBody: (Int, UnsafeRawBufferPointer) throws -> Void
    ) throws -> HTTPResponseHead {
        guard let endpoint = HTTPEndpoint(url: request.url) else {
            throw CurlError.invalidURL(reason: "expected http://host[:port]/path")
        }
        // reset() keeps live connections and the DNS cache, so keep-alive reuse still works.
        curl_easy_reset(handle)
        if let headerList {
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
        errorBuffer[0] = 0

        var body = request.body
        if request.gzipBody && !body.isEmpty {
            try Gzip.compress(request.body, level: 1, into: &gzipBuffer)
            swap(&body, &gzipBuffer)
        }
        defer { if request.gzipBody && !request.body.isEmpty { swap(&body, &gzipBuffer) } }

        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        if request.gzipBody && !request.body.isEmpty { list = curl_slist_append(list, "Content-Encoding: gzip") }
        list = curl_slist_append(list, "Expect:")  // no 100-continue round trip for large bodies
        headerList = list

        let transfer = CurlTransfer()
        let code: CURLcode = try withoutActuallyEscaping(onBody) { escapable in
            transfer.onBody = escapable
            defer { transfer.onBody = { _, _ in } }
            return try body.withUnsafeBytes { bytes in
                try configure(request, endpoint: endpoint, list: list, body: bytes, transfer: transfer)
                return curl_easy_perform(handle)
            }
        }
        if let thrown = transfer.thrown { throw thrown }
        guard code == CURLE_OK else { throw mapError(code, request: request, endpoint: endpoint) }
        var connects = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        lastNewConnections = connects
        var status = transfer.status
        if status == 0 {
            var s = 0
            _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &s)
            status = s
        }
        return HTTPResponseHead(status: status, headers: transfer.headers)
    }

    private func configure(
        _ request: HTTPRequest, endpoint: HTTPEndpoint, list: UnsafeMutablePointer<curl_slist>?,
        body: UnsafeRawBufferPointer, transfer: CurlTransfer
    ) throws {
        try check(CCurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), endpoint)
        try check(CCurl_setopt_string(handle, CURLOPT_URL, request.url), endpoint)
        try check(CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), endpoint)
        try check(CCurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), endpoint)
        try check(CCurl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1), endpoint)
        try check(CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, milliseconds(request.connectTimeout)))), endpoint)
        if let timeout = request.timeout {
            try check(CCurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(max(1, milliseconds(timeout)))), endpoint)
        }
        try check(CCurl_setopt_slist(handle, CURLOPT_HTTPHEADER, list), endpoint)
        if let auth = request.basicAuth {
            try check(CCurl_setopt_long(handle, CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC */), endpoint)
            try check(CCurl_setopt_string(handle, CURLOPT_USERNAME, auth.user), endpoint)
            try check(CCurl_setopt_string(handle, CURLOPT_PASSWORD, auth.password), endpoint)
        }
        let bodyPointer = body.count > 0
            ? UnsafeMutableRawPointer(mutating: body.baseAddress) : UnsafeMutableRawPointer(emptyBody)
        switch request.method {
        case .get:
            try check(CCurl_setopt_long(handle, CURLOPT_HTTPGET, 1), endpoint)
        case .head:
            try check(CCurl_setopt_long(handle, CURLOPT_NOBODY, 1), endpoint)
        case .post, .put, .delete:
            if request.method == .post {
                try check(CCurl_setopt_long(handle, CURLOPT_POST, 1), endpoint)
            } else {
                try check(CCurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue), endpoint)
            }
            if request.method == .post || body.count > 0 {
                try check(CCurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), endpoint)
                try check(CCurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, bodyPointer), endpoint)
            }
        }
        let user = Unmanaged.passUnretained(transfer).toOpaque()
        try check(CCurl_setopt_write_function(handle, writeCallback), endpoint)
        try check(CCurl_setopt_pointer(handle, CURLOPT_WRITEDATA, user), endpoint)
        try check(CCurl_setopt_header_function(handle, headerCallback), endpoint)
        try check(CCurl_setopt_pointer(handle, CURLOPT_HEADERDATA, user), endpoint)
    }

    private func check(_ code: CURLcode, _ endpoint: HTTPEndpoint) throws(CurlError) {
        guard code == CURLE_OK else {
            throw .other(endpoint: endpoint.hostPort, code: Int(code.rawValue), message: Self.text(code))
        }
    }

    private static func text(_ code: CURLcode) -> String {
        guard let p = curl_easy_strerror(code) else { return "curl error \(code.rawValue)" }
        return String(cString: p)
    }

    private func mapError(_ code: CURLcode, request: HTTPRequest, endpoint: HTTPEndpoint) -> CurlError {
        let ep = endpoint.hostPort
        var osErrno = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
        let detail: String = {
            if osErrno != 0, let s = strerror(Int32(osErrno)) {
                let t = String(cString: s)
                return t.prefix(1).lowercased() + t.dropFirst()
            }
            let buffered = String(cString: errorBuffer)
            return buffered.isEmpty ? Self.text(code) : buffered
        }()
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return .cannotResolve(host: endpoint.host)
        case CURLE_COULDNT_CONNECT:
            return .cannotConnect(endpoint: ep, reason: detail)
        case CURLE_OPERATION_TIMEDOUT:
            var connectTime: curl_off_t = 0
            _ = CCurl_getinfo_off_t(handle, CURLINFO_CONNECT_TIME_T, &connectTime)
            let connecting = connectTime == 0
            let total = request.timeout ?? request.connectTimeout
            let after = connecting && request.connectTimeout < total ? request.connectTimeout : total
            return .timedOut(endpoint: ep, after: after, whileConnecting: connecting)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .connectionLost(endpoint: ep, reason: detail)
        case CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK:
            return .aborted(endpoint: ep)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(reason: Self.text(code))
        default:
            return .other(endpoint: ep, code: Int(code.rawValue), message: Self.text(code))
        }
    }
}
