internal import CCurl

/// Gzip compression (zlib) for request bodies.
public enum Gzip {
    /// The gzip encoding of `bytes` at `level` (1 fastest ... 9 smallest).
    public static func compress(_ bytes: [UInt8], level: Int = 1) throws(CurlError) -> [UInt8] {
        var out: [UInt8] = []
        try compress(bytes, level: level, into: &out)
        return out
    }

    /// Compresses `bytes` into `out`, reusing its capacity.
    public static func compress(_ bytes: [UInt8], level: Int = 1, into out: inout [UInt8]) throws(CurlError) {
        let bound = CCurl_gzip_bound(bytes.count)
        if out.count < bound { out.append(contentsOf: repeatElement(0, count: bound - out.count)) } else { out.removeLast(out.count - bound) }
        var written = 0
        let rc = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                CCurl_gzip(input.baseAddress, input.count, output.baseAddress, output.count, &written, Int32(level))
            }
        }
        guard rc == 0 else { throw .compressionFailed }
        out.removeLast(out.count - written)
    }
}
