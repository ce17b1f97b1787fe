import MarketData

extension SyntheticMarket {
    /// Writes an order row (`3` add, `4` update, `5` delete, `6` snapshot) without terminator:
    /// futures rows carry the order id and priority with an empty MMID; equity (Nasdaq-style) rows
    /// carry the MMID with empty order id and priority, as IQConnect 6.2 does.
    public mutating func writeOrderRow(_ type: UInt8, index: Int, order o: BookOrder, into out: inout [UInt8]) {
        let inst = universe.instruments[index]
        out.append(type); out.comma()
        out.put(inst.symbol.text); out.comma()
        if o.id != 0 { out.put(uint: o.id) }
        out.comma()
        if o.mmid != 0 { out.put(BookUpdate.mmidText(o.mmid)) }
        out.comma()
        out.append(o.side == .bid ? UInt8(ascii: "B") : UInt8(ascii: "A")); out.comma()
        fields.set(o.time)
        if type != UInt8(ascii: "5") {
            out.put(price: inst.price(o.price), decimals: inst.precision); out.comma()
            out.put(uint: UInt64(o.size)); out.comma()
            if o.priority != 0 { out.put(uint: o.priority) }
            out.comma()
            out.put(int: inst.precision); out.comma()
        }
        out.putTimeMicros(fields); out.comma()
        out.putDashDate(fields); out.comma()
    }

    /// Writes a price-level row (`7` snapshot, `8` update, `9` delete) without terminator.
    public mutating func writeLevelRow(_ type: UInt8, index: Int, side: Side, price: Int64, size: UInt32,
                                       orders: UInt32, time: Nanos, into out: inout [UInt8]) {
        let inst = universe.instruments[index]
        out.append(type); out.comma()
        out.put(inst.symbol.text); out.comma()
        out.append(side == .bid ? UInt8(ascii: "B") : UInt8(ascii: "A")); out.comma()
        out.put(price: inst.price(price), decimals: inst.precision); out.comma()
        if type != UInt8(ascii: "9") {
            out.put(uint: UInt64(size)); out.comma()
            out.put(uint: UInt64(orders)); out.comma()
            out.put(int: inst.precision); out.comma()
        }
        fields.set(time)
        out.putTimeMicros(fields); out.comma()
        out.putDashDate(fields); out.comma()
    }

    /// The market-by-order row for a change (`3`/`4`/`5`).
    public mutating func writeOrderChange(_ c: BookChange, index: Int, into out: inout [UInt8]) {
        let t: UInt8 = c.action == .orderAdd ? 51 : (c.action == .orderUpdate ? 52 : 53)
        writeOrderRow(t, index: index, order: c.order, into: &out)
    }

    /// The market-by-price row for a change (`8` level changed or appeared, `9` level gone).
    public mutating func writeLevelChange(_ c: BookChange, index: Int, into out: inout [UInt8]) {
        writeLevelRow(c.levelOrders == 0 ? 57 : 56, index: index, side: c.order.side, price: c.order.price,
                      size: c.levelSize, orders: c.levelOrders, time: c.order.time, into: &out)
    }
}
