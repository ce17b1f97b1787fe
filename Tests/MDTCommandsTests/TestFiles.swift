import Foundation

/// A fresh private directory under /tmp, removed by `remove()`.
struct TempDir {
    let path: String

    init() throws {
        let p = NSTemporaryDirectory() + "mdt-cmd-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        path = p
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` to `name` with `mode`; returns the path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let p = file(name)
        try text.write(toFile: p, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: p)
        return p
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
