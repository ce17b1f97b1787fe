/// A batch of commands to send in one round trip, built without a `String` per argument.
///
/// All arguments live in one reusable byte arena; `reset()` keeps capacity, so a pipeline reused
/// batch after batch stops allocating once it has grown. Build either whole commands
/// (`append("HSET", key, field, value)`) or argument by argument:
/// `begin(); arg("XADD"); arg(bytes: key); arg(int: 1000); ...` (a command ends where the next
/// `begin()` or the execution starts).
public struct RedisPipeline: Sendable {
    var arena: [UInt8] = []
    var argStart: [Int] = []
    var argLength: [Int] = []
    /// Index into `argStart` of each command's first argument.
    var commandStart: [Int] = []

    public init(expectedCommands: Int = 0, expectedBytes: Int = 0) {
        arena.reserveCapacity(expectedBytes)
        commandStart.reserveCapacity(expectedCommands)
    }

    /// Number of commands queued.
    public var count: Int { commandStart.count }
    public var isEmpty: Bool { commandStart.isEmpty }
    /// Bytes of argument data queued.
    public var byteCount: Int { arena.count }

    /// Empties the batch, keeping all capacity.
    public mutating func reset() {
        arena.removeAll(keepingCapacity: true)
        argStart.removeAll(keepingCapacity: true)
        argLength.removeAll(keepingCapacity: true)
        commandStart.removeAll(keepingCapacity: true)
    }

    /// Starts a new command; follow with `arg` calls (the first is the command name).
    public mutating func begin() { commandStart.append(argStart.count) }

    public mutating func arg(_ text: String) {
        var text = text
        text.withUTF8 { arg(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func arg(_ text: StaticString) {
        text.withUTF8Buffer { arg(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func arg(bytes: UnsafeRawBufferPointer) {
        argStart.append(arena.count)
        argLength.append(bytes.count)
        arena.append(contentsOf: bytes)
    }

    public mutating func arg(bytes: [UInt8]) {
        argStart.append(arena.count)
        argLength.append(bytes.count)
        arena.append(contentsOf: bytes)
    }

    /// A decimal integer argument, formatted straight into the arena.
    public mutating func arg(int value: Int64) {
        // Digits are produced last-first into a 20-byte stack buffer, then appended in order.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let length = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var v = value.magnitude
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            if value < 0 {
                i -= 1
                buffer[i] = UInt8(ascii: "-")
            }
            let used = UnsafeRawBufferPointer(rebasing: buffer[i...])
            argStart.append(arena.count)
            arena.append(contentsOf: used)
            return used.count
        }
        argLength.append(length)
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

    /// The argument range of command `i`.
    func arguments(ofCommand i: Int) -> Range<Int> {
        let end = i + 1 < commandStart.count ? commandStart[i + 1] : argStart.count
        return commandStart[i]..<end
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
