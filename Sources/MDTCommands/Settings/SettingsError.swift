/// Why the configuration could not be resolved. Exit 78 (configuration error), or 64 when a flag is wrong.
public enum SettingsError: MDTError, Equatable {
    /// An explicitly named config file does not exist.
    case fileNotFound(path: String, namedBy: String)
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// TOML syntax error (`mdt.toml:12: ...`).
    case syntax(TOML.ParseError)
    /// Valid TOML, but not a valid mdt config (`mdt.toml:12: unknown key 'brokerz' in [kafka]`).
    case schema(file: String, line: Int, message: String)
    /// A value is out of range or malformed.
    case invalid(key: String, source: SettingSource, message: String)
    /// A file holding a secret is readable by group or others.
    case insecureFile(path: String, mode: UInt16, holds: String)
    /// The same secret was given twice in one layer (e.g. MDT_X and MDT_X_FILE).
    case conflict(String)

    public var description: String {
        switch self {
        case .fileNotFound(let path, let by):
            "config file \(path) (from \(by)): not found"
        case .unreadable(let path, let reason):
            "\(path): cannot read: \(reason)"
        case .syntax(let e):
            e.description
        case .schema(let file, let line, let message):
            "\(file):\(line): \(message)"
        case .invalid(let key, let source, let message):
            source == .default ? "\(key) (default): \(message)" : "\(key) (from \(source)): \(message)"
        case .insecureFile(let path, let mode, let holds):
            "\(path) holds \(holds) but has mode \(String(mode, radix: 8, uppercase: false).leftPadded(to: 4)); "
                + "run `chmod 600 \(path)` (secrets need mode 0600 or stricter)"
        case .conflict(let message):
            message
        }
    }

    public var exitStatus: MDTExit {
        if case .invalid(_, .flag, _) = self { return .usage }
        return .config
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
