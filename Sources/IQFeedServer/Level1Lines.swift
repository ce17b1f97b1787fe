import MarketData

/// `Q` (update) or `P` (summary).
public enum L1LineKind: Sendable { case update, summary }

extension SyntheticMarket {
    /// Writes a `Q`/`P` line (without terminator) for symbol `index` in `fieldSet` layout.
    public mutating func writeL1(_ kind: L1LineKind, index: Int, change: L1Change, fieldSet: L1FieldSet,
                                 time: Nanos, into out: inout [UInt8]) {
        let inst = universe.instruments[index]
        let s = states[index]
        out.append(kind == .update ? UInt8(ascii: "Q") : UInt8(ascii: "P"))
        out.comma()
        let dec = inst.precision
        for id in fieldSet.ids {
            switch id {
            case 0: out.put(inst.symbol.text)
            case 2, 53: out.put(price: inst.price(s.last), decimals: dec)
            case 3: out.put(price: inst.price(s.last - s.prevClose), decimals: dec)
            case 5: out.put(uint: s.totalVolume)
            case 6: if s.open != 0 { out.put(price: inst.price(s.high), decimals: dec) }
            case 7: if s.open != 0 { out.put(price: inst.price(s.low), decimals: dec) }
            case 8: out.put(price: inst.price(s.bid), decimals: dec)
            case 9: out.put(price: inst.price(s.ask), decimals: dec)
            case 10: out.put(uint: UInt64(s.bidSize))
            case 11: out.put(uint: UInt64(s.askSize))
            case 13: if s.open != 0 { out.put(price: inst.price(s.high - s.low), decimals: dec) }
            case 15: if s.open != 0 { out.put(price: inst.price(s.open), decimals: dec) }
            case 16: out.put(price: inst.price(s.prevClose), decimals: dec)
            case 17: out.put(price: inst.price(s.ask - s.bid), decimals: dec)
            case 34: out.put(int: dec == 4 ? 14 : 12)
            case 35: out.put(int: dec)
            case 42: out.put(uint: UInt64(s.tradesToday))
            case 44: out.put(uint: s.tickID)
            case 50, 54: out.put(uint: UInt64(s.lastSize))
            case 51, 55:
                if s.lastTime == 0 { out.put("16:00:00.000000") } else { fields.set(s.lastTime); out.putTimeMicros(fields) }
            case 52, 57: out.put(uint: UInt64(s.lastMarketCenter))
            case 56: writeConditions(s.lastConditions, into: &out)
            case 62: writeContents(kind, change, s, into: &out)
            case 63: if s.askTime != 0 { fields.set(s.askTime); out.putTimeMicros(fields) }
            case 64: if s.bidTime != 0 { fields.set(s.bidTime); out.putTimeMicros(fields) }
            case 65, 67: fields.set(s.lastTime == 0 ? time : s.lastTime); out.putSlashDate(fields)
            case 68: out.put(uint: UInt64(s.lastAggressor))
            case 69: fields.set(s.lastTime == 0 ? time : s.lastTime); out.put2(fields.day)
            default: break
            }
            out.comma()
        }
    }

    func writeContents(_ kind: L1LineKind, _ change: L1Change, _ s: SymbolState, into out: inout [UInt8]) {
        if kind == .summary {
            if s.open != 0 { out.put("Cbaohlcv") } else { out.put("Cbacv") }
            return
        }
        switch change {
        case .trade: out.append(s.lastBasis)
        case .bid: out.put("b")
        case .ask: out.put("a")
        case .bidAndAsk: out.put("ba")
        }
    }

    func writeConditions(_ c: UInt32, into out: inout [UInt8]) {
        let hex: StaticString = "0123456789ABCDEF"
        var shift = 24
        var started = false
        while shift >= 0 {
            let b = UInt8((c >> UInt32(shift)) & 0xFF)
            if b != 0 || started || shift == 0 {
                started = true
                hex.withUTF8Buffer { h in out.append(h[Int(b >> 4)]); out.append(h[Int(b & 15)]) }
            }
            shift -= 8
        }
    }

    /// The `F` fundamentals line (57 fields after the type, trailing comma), without terminator.
    public func fundamentalLine(_ index: Int) -> String {
        let inst = universe.instruments[index]
        var g = SplitMix64(seed: inst.key ^ 0x46554E44)
        let base = inst.price(inst.baseTicks)
        func px(_ pct: Int) -> String { inst.price(inst.baseTicks * Int64(pct) / 100).text(minFractionDigits: inst.precision) }
        var f = [String](repeating: "", count: 57)
        f[0] = inst.symbol.text
        if inst.isFuture {
            f[1] = "34"; f[3] = String(100 + g.below(900_000)); f[4] = px(118); f[5] = px(84); f[6] = px(112); f[7] = px(90)
            f[17] = "SYNTHETIC " + Instrument.futureRoot(inst.symbol.text) + " FUTURE DEC 2026"
            f[29] = "12"; f[30] = "2"; f[33] = "8"; f[34] = "34"
            f[35] = "03/14/2026"; f[36] = "08/05/2026"; f[37] = "03/14/2026"; f[38] = "08/05/2026"
            f[42] = "12/18/2026"; f[45] = Instrument.futureRoot(inst.symbol.text)
            f[48] = "18:00:00"; f[49] = "17:00:00"; f[50] = "USD"; f[51] = "50"; f[52] = "HMUZ"
            f[53] = inst.price(1).text(); f[54] = ""
        } else {
            f[1] = String(g.below(2) == 0 ? 5 : 7); f[2] = "\(10 + g.below(40)).\(g.below(10))"
            f[3] = String(100_000 + g.below(50_000_000)); f[4] = px(130); f[5] = px(70); f[6] = px(125); f[7] = px(80)
            f[13] = "\(g.below(12)).\(g.below(100))"; f[15] = "0.0\(g.below(10))"; f[16] = "09"
            f[17] = inst.symbol.text + " SYNTHETIC CORP"; f[18] = inst.symbol.text
            f[19] = "\(g.below(90)).\(g.below(1000))"; f[20] = "1.\(g.below(100))"
            f[22] = "\(g.below(200_000)).0"; f[23] = "\(g.below(100_000)).0"; f[24] = "09/30/2026"
            f[25] = "\(g.below(100_000)).0"; f[26] = String(1_000_000 + g.below(20_000_000))
            f[29] = "14"; f[30] = "4"; f[31] = String(1000 + g.below(8000)); f[32] = "\(g.below(60)).\(10 + g.below(90))"
            f[33] = "1"; f[34] = f[1] == "5" ? "21" : "7"
            f[35] = "01/25/2026"; f[36] = "06/29/2025"; f[37] = "01/25/2026"; f[38] = "03/08/2026"
            f[39] = base.text(minFractionDigits: 4); f[44] = String(100_000 + g.below(900_000)); f[50] = "USD"
            f[55] = "BBG" + String(inst.key % 1_000_000_000, radix: 36).uppercased()
        }
        return "F," + f.joined(separator: ",") + ","
    }
}
