import MarketData
import MDTTestSupport
import Testing

@Suite struct JSONCodecTests {
    static let seeds: [UInt64] = [1, 2024, 0xFEED_FACE, 987_654_321]

    @Test(arguments: seeds)
    func randomEventsRoundTripExactly(seed: UInt64) throws {
        var gen = EventGenerator(seed: seed, wide: true)
        var decoder = JSONEventDecoder()
        var buf: [UInt8] = []
        buf.reserveCapacity(1024)
        for i in 0..<5_000 {
            let e = gen.event()
            buf.removeAll(keepingCapacity: true)
            JSONEventEncoder.append(e, to: &buf)
            let back: MarketEvent
            do { back = try decoder.decode(buf) } catch {
                Issue.record("seed \(seed) event \(i): \(error) for \(String(decoding: buf, as: UTF8.self))")
                return
            }
            guard back == e else {
                Issue.record("seed \(seed) event \(i): round trip differs\n  in  \(e)\n  out \(back)\n  json \(String(decoding: buf, as: UTF8.self))")
                return
            }
        }
    }

    @Test func ndjsonLinesDecodeInOrder() throws {
        var gen = EventGenerator(seed: 77, wide: true)
        let events = (0..<500).map { _ in gen.event() }
        var buf: [UInt8] = []
        for e in events { JSONEventEncoder.appendLine(e, to: &buf) }
        let lines = buf.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == events.count)
        var d = JSONEventDecoder()
        for (l, e) in zip(lines, events) { #expect(try d.decode(Array(l)) == e) }
    }

    @Test func tradeLayoutIsStable() {
        let t = Trade(symbol: Symbol(unchecked: "AAPL"), eventTime: 1_773_063_000_123_456_789, receiveTime: 1_773_063_000_200_000_000,
                      price: Price(units: 134, nanos: 620_000_000), size: 100, totalVolume: 123_456,
                      bid: Price(units: 134, nanos: 610_000_000), ask: Price(units: 134, nanos: 630_000_000), tickID: 42,
                      basis: UInt8(ascii: "C"), marketCenter: 19, conditions: 0x8717, aggressor: 1, seq: 9)
        #expect(JSONEventEncoder.string(.trade(t)) == """
            {"type":"trade","symbol":"AAPL","ts":"2026-03-09T13:30:00.123456789Z","ts_ns":1773063000123456789,\
            "receive_ts":"2026-03-09T13:30:00.200000000Z","receive_ts_ns":1773063000200000000,"seq":9,"price":134.62,\
            "size":100,"total_volume":123456,"bid":134.61,"ask":134.63,"tick_id":42,"basis":"C","market_center":19,\
            "conditions":34583,"aggressor":1}
            """)
        let b = BookUpdate(symbol: Symbol(unchecked: "A\"B\\C"), eventTime: 0, action: .orderDelete, side: .ask,
                           price: Price(raw: -500_000_000), mmid: BookUpdate.packMMID("NSDQ"))
        #expect(JSONEventEncoder.string(.book(b)) == """
            {"type":"book","symbol":"A\\"B\\\\C","ts":"1970-01-01T00:00:00.000000000Z","ts_ns":0,\
            "receive_ts":"1970-01-01T00:00:00.000000000Z","receive_ts_ns":0,"seq":0,"action":"order_delete","side":"ask",\
            "price":-0.5,"size":0,"order_id":0,"mmid":"NSDQ","order_count":0,"priority":0}
            """)
    }

    @Test func decoderIsLenientWhereItCanBe() throws {
        var d = JSONEventDecoder()
        // ISO time instead of ts_ns, price as a string, unknown nested fields, spaces, escaped symbol.
        let e = try d.decode(line: """
             { "extra" : {"a":[1,{"b":"}"}]}, "type" : "trade", "symbol":"\\u0041A\\/PL", "ts":"2026-03-09T13:30:00.5Z",
              "price":"134.6200", "size":100 }\n
            """)
        #expect(e == .trade(Trade(symbol: Symbol(unchecked: "AA/PL"), eventTime: 1_773_063_000_500_000_000,
                                  price: Price(units: 134, nanos: 620_000_000), size: 100)))
        let q = try d.decode(line: #"{"type":"quote","symbol":"SPY","ts":"2026-03-09 13:30:00","bid":1,"ask":2}"#)
        #expect(q == .quote(Quote(symbol: Symbol(unchecked: "SPY"), eventTime: 1_773_063_000_000_000_000, bid: Price(units: 1),
                                  bidSize: 0, ask: Price(units: 2), askSize: 0)))
        let bar = try d.decode(line: #"{"type":"bar","symbol":"SPY","interval_s":-1,"ts_ns":5,"open":1,"high":2,"low":0.5,"close":1.5}"#)
        if case .bar(let b) = bar { #expect(b.kind == .daily && b.low == Price(raw: 500_000_000)) } else { Issue.record("not a bar") }
    }

    @Test func decoderErrorsNameTheField() {
        var d = JSONEventDecoder()
        func err(_ s: String) -> JSONDecodeError? {
            do { _ = try d.decode(line: s); return nil } catch { return error }
        }
        #expect(err(#"{"type":"trade","ts_ns":1,"price":1}"#) == .missingField("symbol"))
        #expect(err(#"{"type":"tick","symbol":"A","ts_ns":1}"#) == .unknownType("tick"))
        #expect(err(#"{"type":"trade","symbol":"A","ts_ns":1}"#) == .missingField("price"))
        #expect(err(#"{"type":"trade","symbol":"A,B","ts_ns":1,"price":1}"#)?.description.contains("symbol") == true)
        #expect(err(#"{"type":"trade","symbol":"A","ts_ns":1,"price":1.2.3}"#) == .badField(field: "price", reason: "not a decimal number"))
        #expect(err(#"{"type":"trade","symbol":"A","ts_ns":1,"price":1,"size":4294967296}"#)?.description.contains("size") == true)
        #expect(err(#"{"type":"book","symbol":"A","ts_ns":1,"action":"order_add","side":"buy"}"#) == .badField(field: "side", reason: "expected \"bid\" or \"ask\""))
        #expect(err(#"{"type":"bar","symbol":"A","ts_ns":1,"interval_s":0,"open":1,"high":1,"low":1,"close":1}"#)?.description.contains("interval_s") == true)
        #expect(err(#"{"type":"trade","symbol":"A","ts":"yesterday","price":1}"#)?.description.contains("\"ts\"") == true)
        #expect(err(#"{"type":"trade""#) != nil)
        #expect(err("") != nil)
        #expect(err(#"{"type":"trade","symbol":"A","ts_ns":1,"price":1} x"#) == .malformed(offset: 50, reason: "text after the object"))
        if let e = err(#"{"type":"trade",}"#) { #expect(!e.description.contains("\n")) } else { Issue.record("accepted a trailing comma") }
    }

    @Test func mangledLinesNeverCrashTheDecoder() {
        var gen = EventGenerator(seed: 5, wide: true)
        var rng = SplitMix64(seed: 6)
        var d = JSONEventDecoder()
        var rejected = 0
        for _ in 0..<5_000 {
            var buf: [UInt8] = []
            JSONEventEncoder.append(gen.event(), to: &buf)
            switch rng.below(3) {
            case 0: buf.removeLast(1 + rng.below(buf.count - 1))
            case 1: buf[rng.below(buf.count)] = UInt8(truncatingIfNeeded: rng.next())
            default: buf.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(buf.count))
            }
            do { _ = try d.decode(buf) } catch { rejected += 1 }
        }
        #expect(rejected > 2_500)
    }
}
