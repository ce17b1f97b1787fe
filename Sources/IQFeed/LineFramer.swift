/// Splits a byte stream from socket reads into IQFeed lines.
///
/// Feed it bytes as they arrive (any split); `nextLine` yields each complete line as a slice of the
/// framer's own buffer, without copying per line. Lines are split on `\n`, one trailing `\r` is
/// stripped, and empty lines are skipped. A line longer than `maxLineLength` is an error
/// (`LineFramerError.lineTooLong`) and is discarded up to its terminator, so one bad line never
/// wedges the stream.
///
/// Usage per read: `framer.append(bytes)` (or `readInto` with a socket read), then
/// `while let line = try framer.nextLine() { ... }`, then the next read. A slice returned by
/// `nextLine` is valid until the next `append`/`readInto`/`compact`.
public struct LineFramer: ~Copyable {
    public let maxLineLength: Int
    @usableFromInline var storage: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    /// Start of unconsumed bytes.
    @usableFromInline var head = 0
    /// End of valid bytes.
    @usableFromInline var tail = 0
    /// Where the search for `\n` resumes (avoids rescanning a partial line).
    @usableFromInline var scan = 0
    /// True while discarding the rest of an over-long line.
    @usableFromInline var discarding = false
    /// Over-long lines seen so far.
    public private(set) var overlongLines = 0

    public init(maxLineLength: Int = 64 * 1024, initialCapacity: Int = 64 * 1024) {
        self.maxLineLength = max(16, maxLineLength)
        self.capacity = max(initialCapacity, 256)
        self.storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Bytes buffered but not yet returned as lines.
    public var pendingByteCount: Int { tail - head }

    /// Moves unconsumed bytes to the front and makes room for at least `minFree` more.
    @usableFromInline
    mutating func reserve(_ minFree: Int) {
        if head > 0 {
            let n = tail - head
            if n > 0 { storage.copyMemory(from: storage + head, byteCount: n) }
            scan -= head; tail = n; head = 0
        }
        if capacity - tail < minFree {
            var newCap = capacity
            while newCap - tail < minFree { newCap *= 2 }
            let p = UnsafeMutableRawPointer.allocate(byteCount: newCap, alignment: 16)
            if tail > 0 { p.copyMemory(from: storage, byteCount: tail) }
            storage.deallocate()
            storage = p
            capacity = newCap
        }
    }

    /// Copies bytes in (e.g. from a test or a foreign buffer).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (storage + tail).copyMemory(from: base, byteCount: bytes.count)
        tail += bytes.count
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Lets `read` fill free space directly (no intermediate copy). `read` gets a buffer of at
    /// least `minFree` bytes and returns how many it wrote (<= 0 means nothing, passed through).
    public mutating func readInto(minFree: Int = 16 * 1024, _ read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        reserve(minFree)
        let n = read(UnsafeMutableRawBufferPointer(start: storage + tail, count: capacity - tail))
        if n > 0 { tail += min(n, capacity - tail) }
        return n
    }

    /// The next complete line, or nil when only a partial line (or nothing) is buffered.
    public mutating func nextLine() throws(LineFramerError) -> UnsafeRawBufferPointer? {
        while true {
            var i = scan
            var found = -1
            let base = storage.assumingMemoryBound(to: UInt8.self)
            // Sixteen, then eight bytes at a time: the lowest flagged byte of the zero-byte test is the first LF
            // (a borrow only flags bytes above a real match).
            while i &+ 16 <= tail {
                let za = Scan.firstZeroByteFlag(Scan.word(base + i) ^ 0x0A0A_0A0A_0A0A_0A0A)
                let zb = Scan.firstZeroByteFlag(Scan.word(base + (i &+ 8)) ^ 0x0A0A_0A0A_0A0A_0A0A)
                if za | zb != 0 {
                    found = za != 0 ? i &+ (za.trailingZeroBitCount &>> 3) : i &+ 8 &+ (zb.trailingZeroBitCount &>> 3)
                    break
                }
                i &+= 16
            }
            while found < 0 && i &+ 8 <= tail {
                let z = Scan.firstZeroByteFlag(Scan.word(base + i) ^ 0x0A0A_0A0A_0A0A_0A0A)
                if z != 0 { found = i &+ (z.trailingZeroBitCount &>> 3); break }
                i &+= 8
            }
            if found < 0 {
                while i < tail {
                    if base[i] == 10 { found = i; break }
                    i += 1
                }
            }
            if found < 0 {
                scan = tail
                if tail - head > maxLineLength {
                    // Drop what we have of this line and keep dropping up to its terminator.
                    let wasDiscarding = discarding
                    discarding = true
                    head = tail; scan = tail
                    if !wasDiscarding {
                        overlongLines += 1
                        throw .lineTooLong(limit: maxLineLength)
                    }
                }
                return nil
            }
            let start = head
            var end = found
            head = found + 1
            scan = head
            if discarding { discarding = false; continue }
            if end > start && base[end - 1] == 13 { end -= 1 }
            if end == start { continue }
            if end - start > maxLineLength {
                overlongLines += 1
                throw .lineTooLong(limit: maxLineLength)
            }
            return UnsafeRawBufferPointer(start: storage + start, count: end - start)
        }
    }

    /// Drops all buffered bytes (after a reconnect).
    public mutating func reset() { head = 0; tail = 0; scan = 0; discarding = false }
}

public enum LineFramerError: Error, Sendable, Equatable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    public var description: String {
        switch self {
        case .lineTooLong(let limit): "IQFeed line longer than \(limit) bytes; line discarded"
        }
    }
}
