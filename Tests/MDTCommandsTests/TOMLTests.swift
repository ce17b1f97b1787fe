import Testing
@testable import MDTCommands

@Suite struct TOMLTests {
    @Test func parsesEverySupportedForm() throws {
        let text = """
            # leading comment
            home = "/srv/mdt"   # trailing comment

            [clickhouse]
            url = "http://h:8123"
            escaped = "tab\\there \\"q\\" back\\\\slash \\u00e9 \\U0001F600"
            literal = 'C:\\path\\no escapes'
            n = 1_000
            neg = -42
            hex = 0xff
            f = 2.5
            e = 1e3
            yes = true
            no = false
            list = ["a", "b",]
            multi = [
              1,  # one
              2,
            ]
            dotted.key = "v"
            "quoted key" = 1
            inline = { "linger.ms" = 5, acks = "all" }

            [kafka.properties]
            "compression.type" = "lz4"
            """
        let doc = try TOML.parse(text)
        func value(_ path: String) -> TOML.Value? {
            doc.entries.first { $0.path.joined(separator: ".") == path }?.value
        }
        #expect(doc.headers.map(\.path) == [["clickhouse"], ["kafka", "properties"]])
        #expect(doc.headers.map(\.line) == [4, 24])
        #expect(value("home") == .string("/srv/mdt"))
        #expect(value("clickhouse.url") == .string("http://h:8123"))
        #expect(value("clickhouse.escaped") == .string("tab\there \"q\" back\\slash é 😀"))
        #expect(value("clickhouse.literal") == .string("C:\\path\\no escapes"))
        #expect(value("clickhouse.n") == .integer(1000))
        #expect(value("clickhouse.neg") == .integer(-42))
        #expect(value("clickhouse.hex") == .integer(255))
        #expect(value("clickhouse.f") == .float(2.5))
        #expect(value("clickhouse.e") == .float(1000))
        #expect(value("clickhouse.yes") == .boolean(true))
        #expect(value("clickhouse.no") == .boolean(false))
        #expect(value("clickhouse.list") == .array([.string("a"), .string("b")]))
        #expect(value("clickhouse.multi") == .array([.integer(1), .integer(2)]))
        #expect(value("clickhouse.dotted.key") == .string("v"))
        #expect(value("clickhouse.quoted key") == .integer(1))
        guard case .table(let inline)? = value("clickhouse.inline") else {
            Issue.record("inline table missing")
            return
        }
        #expect(inline.map { $0.path } == [["linger.ms"], ["acks"]])
        #expect(value("kafka.properties.compression.type") == .string("lz4"))
        // Lines are counted across the multi-line array.
        #expect(doc.entries.first { $0.path == ["clickhouse", "dotted", "key"] }?.line == 20)
    }

    @Test func emptyAndCommentOnlyDocuments() throws {
        #expect(try TOML.parse("").entries.isEmpty)
        #expect(try TOML.parse("# nothing\n\n   \n# more\n").entries.isEmpty)
        #expect(try TOML.parse("a = 1\r\nb = 2\r\n").entries.count == 2)
    }

    /// Each kind of syntax error, with the line it must name.
    @Test(arguments: [
        ("a = \"unterminated\nb = 1", 1, "unterminated string"),
        ("\n\na = \"bad \\q escape\"", 3, "invalid escape '\\q'"),
        ("a 1", 1, "expected '=' after key 'a'"),
        ("a = 1\na = 2", 2, "duplicate key 'a'"),
        ("[x]\n[x]", 2, "duplicate table [x]"),
        ("[[x]]", 1, "arrays of tables"),
        ("a = \"\"\"multi\"\"\"", 1, "multi-line strings are not supported"),
        ("d = 2024-01-02", 1, "dates and times are not supported"),
        ("a = hello", 1, "invalid value 'hello' (strings need quotes)"),
        ("a = 1 2", 1, "unexpected '2' after value"),
        ("a = [1, 2", 1, "expected ',' or ']' in array"),
        ("\na = 007", 2, "invalid value '007'"),
        ("a = ", 1, "expected a value"),
        ("[x\n", 1, "expected ']' to close table header"),
        ("= 1", 1, "expected a key"),
        ("a = 1\na.b = 2", 2, "key 'a' is already a value"),
        ("a = { b = 1, b = 2 }", 1, "duplicate key 'b' in inline table"),
        ("a = \"\\u12\"", 1, "invalid unicode escape"),
        ("a = 99999999999999999999", 1, "invalid value"),
    ] as [(String, Int, String)])
    func reportsErrorsWithLine(text: String, line: Int, message: String) {
        do {
            _ = try TOML.parse(text, file: "mdt.toml")
            Issue.record("expected an error for \(text.debugDescription)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.hasPrefix("mdt.toml:\(line): "), "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
