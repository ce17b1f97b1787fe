/// Tracks which caller sequence numbers have been resolved (delivered, or failed and handed back),
/// so the caller can learn "everything up to sequence X is resolved". Sequences must increase;
/// gaps are treated as resolved. O(1) amortized, no allocation once the window has grown.
struct SequenceWatermark {
    /// Every sequence <= `resolvedThrough` is resolved.
    private(set) var resolvedThrough: UInt64 = 0
    private var flags: [Bool] = []   // flags[head + i] is sequence resolvedThrough + 1 + i
    private var head = 0
    private var last: UInt64 = 0

    var pending: Int { flags.count - head }

    /// Registers `seq` as in flight. Returns false if it does not increase.
    mutating func add(_ seq: UInt64) -> Bool {
        guard seq > last else { return false }
        if flags.count == head {
            // Nothing pending: everything before seq is resolved.
            resolvedThrough = seq - 1
            flags.removeAll(keepingCapacity: true)
            head = 0
        } else {
            // Sequences skipped between last and seq are resolved.
            var s = last + 1
            while s < seq { flags.append(true); s += 1 }
        }
        flags.append(false)
        last = seq
        return true
    }

    /// Marks `seq` resolved and advances the watermark.
    mutating func resolve(_ seq: UInt64) {
        guard seq > resolvedThrough else { return }
        let index = head + Int(seq - resolvedThrough - 1)
        guard index < flags.count else { return }
        flags[index] = true
        while head < flags.count, flags[head] {
            head += 1
            resolvedThrough += 1
        }
        if head == flags.count {
            flags.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096, head * 2 > flags.count {
            flags.removeFirst(head)
            head = 0
        }
    }
}
