import Foundation
import MarketData
import Testing

@Suite struct NamedThreadTests {
    /// What the kernel reports as the thread's name, read from inside the thread.
    static func kernelName(of name: String) -> String {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var seen = ""
        let t = Thread(named: name) {
            seen = ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .newlines)
            done.signal()
        }
        t.start()
        done.wait()
        return seen
    }

    @Test func shortNamesReachTheKernel() {
        #expect(Self.kernelName(of: "mdt-journal") == "mdt-journal")
    }

    @Test func longNamesAreCutTo15Bytes() {
        // Linux rejects names over 15 bytes outright; the thread must still be named.
        #expect(Self.kernelName(of: "sink-clickhouse-extra") == "sink-clickhouse")
    }
}
