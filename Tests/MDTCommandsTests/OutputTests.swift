import Foundation
import Testing
@testable import MDTCommands

/// Runs a writer into a pipe and returns what it wrote.
func render(_ format: OutputFormat, header: Bool = true, color: Bool = false, columns: [String], rows: [[Cell]]) throws -> String {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    let out = BufferedOutput(fd: fds[1], capacity: 16)  // tiny buffer: exercises partial flushes
    let writer = makeRowWriter(OutputSettings(format: format, color: color, header: header), to: out)
    try writer.writeAll(columns: columns, rows: rows)
    close(fds[1])
    let data = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readDataToEndOfFile()
    return String(decoding: data, as: UTF8.self)
}

@Suite struct OutputFormatTests {
    let columns = ["symbol", "price", "size", "note"]
    let rows: [[Cell]] = [
        ["AAPL", .number("189.250000000"), 100, "plain"],
        ["ÉCLAIR", .double(1.5), .null, "tab\there, \"quoted\"\nnewline"],
        ["日本", .int(-3), .uint(18_446_744_073_709_551_615), .null],
    ]

    @Test func table() throws {
        let t = try render(.table, columns: columns, rows: rows)
        #expect(t == """
            symbol          price                  size  note
            ──────  ─────────────  ────────────────────  ────────────────────────────
            AAPL    189.250000000                   100  plain
            ÉCLAIR            1.5                  NULL  tab\\there, "quoted"\\nnewline
            日本               -3  18446744073709551615  NULL

            """)
    }

    @Test func tableColourOnlyWhenAllowed() throws {
        #expect(!(try render(.table, columns: columns, rows: rows)).contains("\u{1B}["))
        let c = try render(.table, color: true, columns: columns, rows: rows)
        #expect(c.contains("\u{1B}[1msymbol\u{1B}[0m"))
        #expect(c.contains("\u{1B}[2mNULL\u{1B}[0m"))
    }

    @Test func csv() throws {
        #expect(try render(.csv, columns: columns, rows: rows) == """
            symbol,price,size,note
            AAPL,189.250000000,100,plain
            ÉCLAIR,1.5,,"tab\there, ""quoted""
            newline"
            日本,-3,18446744073709551615,

            """)
        #expect(try render(.csv, header: false, columns: ["a"], rows: [["x"]]) == "x\n")
    }

    @Test func tsv() throws {
        #expect(try render(.tsv, columns: columns, rows: rows) == """
            symbol\tprice\tsize\tnote
            AAPL\t189.250000000\t100\tplain
            ÉCLAIR\t1.5\t\\N\ttab\\there, "quoted"\\nnewline
            日本\t-3\t18446744073709551615\t\\N

            """)
    }

    @Test func json() throws {
        let j = try render(.json, columns: columns, rows: rows)
        #expect(j == """
            [
            {"symbol":"AAPL","price":189.250000000,"size":100,"note":"plain"},
            {"symbol":"ÉCLAIR","price":1.5,"size":null,"note":"tab\\there, \\"quoted\\"\\nnewline"},
            {"symbol":"日本","price":-3,"size":18446744073709551615,"note":null}
            ]

            """)
        // It is real JSON.
        let parsed = try JSONSerialization.jsonObject(with: Data(j.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 3)
        #expect(parsed?[1]["note"] as? String == "tab\there, \"quoted\"\nnewline")
    }

    @Test func ndjson() throws {
        let n = try render(.ndjson, columns: columns, rows: rows)
        let lines = n.split(separator: "\n")
        #expect(lines.count == 3)
        for l in lines { #expect((try? JSONSerialization.jsonObject(with: Data(l.utf8))) != nil) }
        #expect(lines[0] == #"{"symbol":"AAPL","price":189.250000000,"size":100,"note":"plain"}"#)
    }

    @Test func vertical() throws {
        #expect(try render(.vertical, columns: columns, rows: Array(rows.prefix(2))) == """
            Row 1:
            ──────
            symbol: AAPL
            price:  189.250000000
            size:   100
            note:   plain

            Row 2:
            ──────
            symbol: ÉCLAIR
            price:  1.5
            size:   NULL
            note:   tab\\there, "quoted"\\nnewline

            """)
    }

    @Test(arguments: OutputFormat.allCases)
    func emptyResult(format: OutputFormat) throws {
        let out = try render(format, columns: ["a", "b"], rows: [])
        switch format {
        case .table: #expect(out == "a  b\n─  ─\n")
        case .csv: #expect(out == "a,b\n")
        case .tsv: #expect(out == "a\tb\n")
        case .json: #expect(out == "[]\n")
        case .ndjson, .vertical: #expect(out == "")
        }
    }

    @Test func nonFiniteDoublesAreNullInJSON() {
        #expect(JSONText.value(.double(.nan)) == "null")
        #expect(JSONText.value(.double(.infinity)) == "null")
        #expect(JSONText.string("\u{01}") == "\"\\u0001\"")
    }

    @Test func formatDefaultsToTableOnlyOnATerminal() {
        #expect(OutputFormat.automatic(isTTY: true) == .table)
        #expect(OutputFormat.automatic(isTTY: false) == .tsv)
    }

    @Test func brokenPipeIsTyped() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        signal(SIGPIPE, SIG_IGN)
        let out = BufferedOutput(fd: fds[1], capacity: 8)
        #expect(throws: OutputError.brokenPipe) {
            try out.write(String(repeating: "x", count: 100))
            try out.flush()
        }
        // Once broken, it stays broken (no further write attempts).
        #expect(throws: OutputError.brokenPipe) { try out.write("y") }
        close(fds[1])
        #expect(ErrorReport.status(for: OutputError.brokenPipe) == .ok)
    }

    @Test func textWidth() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("日本") == 4)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("😀") == 2)
    }
}
