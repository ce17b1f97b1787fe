import Foundation

extension Thread {
    /// A thread whose name the OS shows (`top -H`, `ps -L`, `perf`, `/proc/PID/task/*/comm`).
    /// Foundation on Linux does not pass `Thread.name` to the kernel reliably (threads keep the name they
    /// inherit, e.g. libdispatch's `oot.default-qos`), so the thread writes its own `comm` first thing.
    /// The kernel keeps 15 bytes of a name; longer names are cut.
    public convenience init(named name: String, block: @escaping @Sendable () -> Void) {
        let short = Array(name.utf8.prefix(15))
        self.init {
            Thread.setKernelName(short)
            block()
        }
        self.name = name
    }

    /// Names the calling thread for the kernel (best effort: a failure leaves the old name).
    static func setKernelName(_ bytes: [UInt8]) {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
