/// A batch of commands to send in one round trip, built without a `String` per argument.
///
/// Arguments are written straight into one reusable byte arena in Redis' wire form (RESP bulk
/// strings, `$<len>\r\n<bytes>\r\n`); `wire(into:)` prefixes each command with its `*<argc>` header,
/// so hiredis never formats anything (its `sdscatfmt` formatting cost more than the commands).
/// `reset()` keeps capacity, so a pipeline reused batch after batch stops allocating once it has grown.
/// Build either whole commands (`append("HSET", key, field, value)`) or argument by argument:
/// `begin(); arg("XADD"); arg(bytes: key); arg(int: 1000); ...` (a command ends where the next
/// `begin()` or the execution starts).
public struct RedisPipeline: Sendable {
    /// RESP-encoded arguments of every command, back to back.
    var arena: [UInt8] = []
    /// Where each command's first argument starts in `arena`, and how many arguments it has.
    var commandOffset: [Int] = []
    var commandArgs: [Int] = []
    var payloadBytes = 0

    public init(expectedCommands: Int = 0, expectedBytes: Int = 0) {
        arena.reserveCapacity(expectedBytes)
        commandOffset.reserveCapacity(expectedCommands)
        commandArgs.reserveCapacity(expectedCommands)
    }

    /// Number of commands queued.
    public var count: Int { commandOffset.count }
    public var isEmpty: Bool { commandOffset.isEmpty }
    /// Bytes of argument data queued (without the protocol framing).
    public var byteCount: Int { payloadBytes }

    /// Commands that will be sent (a `begin()` with no argument sends nothing and gets no reply).
    public var sentCount: Int { commandArgs.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// Empties the batch, keeping all capacity.
    public mutating func reset() {
        arena.removeAll(keepingCapacity: true)
        commandOffset.removeAll(keepingCapacity: true)
        commandArgs.removeAll(keepingCapacity: true)
        payloadBytes = 0
    }

    /// Starts a new command; follow with `arg` calls (the first is the command name).
    public mutating func begin() {
        commandOffset.append(arena.count)
        commandArgs.append(0)
    }

    public mutating func arg(_ text: String) {
        var text = text
        text.withUTF8 { arg(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func arg(_ text: StaticString) {
        text.withUTF8Buffer { arg(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func arg(bytes: UnsafeRawBufferPointer) {
        header(bytes.count)
        arena.append(contentsOf: bytes)
        arena.append(13); arena.append(10)
    }

    public mutating func arg(bytes: [UInt8]) {
        header(bytes.count)
        arena.append(contentsOf: bytes)
        arena.append(13); arena.append(10)
    }

    /// A decimal integer argument, formatted straight into the arena.
    public mutating func arg(int value: Int64) {
        let negative = value < 0
        header(RedisPipeline.digitCount(value.magnitude) + (negative ? 1 : 0))
        if negative { arena.append(UInt8(ascii: "-")) }
        RedisPipeline.appendDecimal(value.magnitude, to: &arena)
        arena.append(13); arena.append(10)
    }

    /// `$<count>\r\n` for the next argument (opening a command if none was begun).
    mutating func header(_ count: Int) {
        if commandArgs.isEmpty { begin() }
        commandArgs[commandArgs.count - 1] += 1
        payloadBytes += count
        arena.append(UInt8(ascii: "$"))
        RedisPipeline.appendDecimal(UInt64(count), to: &arena)
        arena.append(13); arena.append(10)
    }

    static func digitCount(_ value: UInt64) -> Int {
        var n = 1
        var t = value
        while t >= 10 { t /= 10; n += 1 }
        return n
    }

    @inline(__always)
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        // Most values here are argument lengths and sizes: one or two digits.
        if value < 10 { out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)); return }
        if value < 100 {
            let t = value / 10
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: t))
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value &- t &* 10))
            return
        }
        appendLongDecimal(value, to: &out)
    }

    static func appendLongDecimal(_ value: UInt64, to out: inout [UInt8]) {
        // Digits right to left into a stack buffer, then one append.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { b in
            var v = value
            var i = 20
            repeat { i -= 1; b[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10); v /= 10 } while v > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i...]))
        }
    }

    /// Queues one whole command.
    public mutating func append(_ args: String...) { append(args) }

    public mutating func append(_ args: [String]) {
        begin()
        for a in args { arg(a) }
    }

    /// Queues one whole command from byte arguments.
    public mutating func append(bytes args: [[UInt8]]) {
        begin()
        for a in args { arg(bytes: a) }
    }

    /// The whole batch in wire form (each command's `*<argc>\r\n` then its arguments), replacing `out`.
    public func wire(into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(arena.count + commandOffset.count * 6)
        arena.withUnsafeBufferPointer { a in
            for i in 0..<commandOffset.count where commandArgs[i] > 0 {
                out.append(UInt8(ascii: "*"))
                RedisPipeline.appendDecimal(UInt64(commandArgs[i]), to: &out)
                out.append(13); out.append(10)
                let end = i + 1 < commandOffset.count ? commandOffset[i + 1] : a.count
                out.append(contentsOf: UnsafeBufferPointer(rebasing: a[commandOffset[i]..<end]))
            }
        }
    }
}

/// What a pipeline returned.
public struct RedisPipelineResult: Sendable {
    /// Replies received (equals the number of commands when no error was thrown).
    public var count: Int = 0
    /// How many replies were error replies.
    public var errorCount: Int = 0
    /// The first error reply's text, if any.
    public var firstError: String?
    /// Every reply in order, when requested (`collectReplies: true`); otherwise empty.
    public var replies: [RedisValue] = []

    public init() {}
}
