import IQFeed
import MarketData
import Testing
@testable import Pipeline

@Suite("download calendar and plan")
struct DownloadPlanTests {
    func d(_ s: String) -> Int { USEquityCalendar.day(s) ?? -1 }

    @Test func nyseHolidays2026() {
        let names = USEquityCalendar.holidays(year: 2026).map { USEquityCalendar.text($0.day) }
        #expect(names == ["2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19",
                          "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"])
    }

    @Test func observanceRules() {
        // 2022-01-01 was a Saturday: not made up, 2021-12-31 traded.
        #expect(USEquityCalendar.isTradingDay(d("2021-12-31")))
        #expect(USEquityCalendar.holiday(d("2022-01-01")) == nil)
        // Juneteenth: not before 2022; 2022-06-19 Sunday -> Monday 06-20.
        #expect(USEquityCalendar.isTradingDay(d("2021-06-18")))
        #expect(USEquityCalendar.holiday(d("2022-06-20")) == "Juneteenth")
        // New Year on a Sunday (2023-01-01) -> Monday 2023-01-02.
        #expect(USEquityCalendar.holiday(d("2023-01-02")) == "New Year's Day")
        // Christmas on a Saturday (2021-12-25) -> Friday 12-24; Independence on Sunday (2021-07-04) -> Monday.
        #expect(USEquityCalendar.holiday(d("2021-12-24")) == "Christmas Day")
        #expect(USEquityCalendar.holiday(d("2021-07-05")) == "Independence Day")
        #expect(!USEquityCalendar.isTradingDay(d("2026-03-07")))  // Saturday
        #expect(USEquityCalendar.isTradingDay(d("2026-03-09")))
    }

    @Test func easterComputus() {
        #expect(USEquityCalendar.text(USEquityCalendar.easter(2024)) == "2024-03-31")
        #expect(USEquityCalendar.text(USEquityCalendar.easter(2025)) == "2025-04-20")
        #expect(USEquityCalendar.text(USEquityCalendar.easter(2026)) == "2026-04-05")
        #expect(USEquityCalendar.text(USEquityCalendar.easter(2038)) == "2038-04-25")
        #expect(USEquityCalendar.holiday(d("2025-04-18")) == "Good Friday")
    }

    @Test func earlyCloses() {
        #expect(USEquityCalendar.closeSecond(d("2024-07-03")) == 13 * 3600)
        #expect(USEquityCalendar.closeSecond(d("2025-07-03")) == 13 * 3600)
        #expect(USEquityCalendar.closeSecond(d("2026-07-03")) == nil)  // the observed holiday itself
        #expect(USEquityCalendar.isEarlyClose(d("2026-11-27")))
        #expect(USEquityCalendar.isEarlyClose(d("2024-12-24")))
        #expect(!USEquityCalendar.isEarlyClose(d("2021-12-24")))  // Christmas observed that day
        #expect(USEquityCalendar.closeSecond(d("2026-03-09")) == 16 * 3600)
    }

    @Test func kindsParse() {
        #expect(DownloadKind("ticks") == .ticks)
        #expect(DownloadKind("bars:60") == .bars(seconds: 60))
        #expect(DownloadKind("daily") == .daily)
        #expect(DownloadKind("weekly")?.command == "HWX")
        #expect(DownloadKind("monthly")?.command == "HMX")
        #expect(DownloadKind("bars:0") == nil)
        #expect(DownloadKind("bars:x") == nil)
        #expect(DownloadKind("minute") == nil)
        #expect(DownloadKind.bars(seconds: 300).description == "bars:300")
    }

    @Test func rangesParseEastern() throws {
        // EST before 2026-03-08, EDT after.
        #expect(DownloadRange.parseEastern("2026-03-06") == Time.utcNanos(year: 2026, month: 3, day: 6, hour: 5))
        #expect(DownloadRange.parseEastern("2026-03-09") == Time.utcNanos(year: 2026, month: 3, day: 9, hour: 4))
        #expect(DownloadRange.parseEastern("2026-03-09", endOfDay: true) == Time.utcNanos(year: 2026, month: 3, day: 10, hour: 4))
        #expect(DownloadRange.parseEastern("2026-03-09 09:30") == Time.utcNanos(year: 2026, month: 3, day: 9, hour: 13, minute: 30))
        #expect(DownloadRange.parseEastern("2026-03-06T16:00:05") == Time.utcNanos(year: 2026, month: 3, day: 6, hour: 21, second: 5))
        #expect(DownloadRange.parseEastern("2026-02-30") == nil)
        #expect(DownloadRange.parseEastern("2026-03-09 25:00") == nil)
        #expect(DownloadRange.parseEastern("yesterday") == nil)
    }

    @Test func intradayUnitsAreTradingDaysAcrossDST() throws {
        let aapl = try Symbol("AAPL"), es = try Symbol("@ESZ26")
        let r = DownloadRange(from: DownloadRange.parseEastern("2026-03-05")!, to: DownloadRange.parseEastern("2026-03-10", endOfDay: true)!)
        let units = DownloadPlanner.units(symbols: [aapl], kind: .ticks, range: r)
        #expect(units.map { $0.key.day } == ["2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10"])
        #expect(units.allSatisfy { !$0.isPartial })
        // The Sunday of the DST change is not a unit; Monday's window is 24h of EDT.
        #expect(units[2].to - units[2].from == 24 * 3600 * Time.nanosPerSecond)
        // Futures: every weekday, holidays included (their own calendar).
        let good = DownloadRange(from: DownloadRange.parseEastern("2026-04-02")!, to: DownloadRange.parseEastern("2026-04-03", endOfDay: true)!)
        #expect(DownloadPlanner.units(symbol: es, kind: .bars(seconds: 60), range: good).count == 2)
        #expect(DownloadPlanner.units(symbol: aapl, kind: .bars(seconds: 60), range: good).count == 1)
        // A datetime range gives partial first and last days.
        let p = DownloadRange(from: DownloadRange.parseEastern("2026-03-05 12:00")!, to: DownloadRange.parseEastern("2026-03-06 10:00")!)
        let pu = DownloadPlanner.units(symbol: aapl, kind: .ticks, range: p)
        #expect(pu.count == 2 && pu.allSatisfy(\.isPartial))
    }

    @Test func calendarUnits() throws {
        let s = try Symbol("SPY")
        let r = DownloadRange(from: DownloadRange.parseEastern("2026-01-15")!, to: DownloadRange.parseEastern("2026-03-31", endOfDay: true)!)
        let daily = DownloadPlanner.units(symbol: s, kind: .daily, range: r)
        #expect(daily.map { $0.key.day } == ["2026-01-01", "2026-02-01", "2026-03-01"])
        #expect(daily[0].isPartial && !daily[1].isPartial && !daily[2].isPartial)
        let weekly = DownloadPlanner.units(symbol: s, kind: .weekly, range: r)
        #expect(weekly.map { $0.key.day } == ["2026-01-01"])
    }

    @Test func requestsPerKind() throws {
        let s = try Symbol("AAPL")
        let r = DownloadRange(from: DownloadRange.parseEastern("2026-03-09")!, to: DownloadRange.parseEastern("2026-03-09", endOfDay: true)!)
        let today = USEquityCalendar.day("2026-03-20")!
        let t = DownloadPlanner.units(symbol: s, kind: .ticks, range: r)[0]
        #expect(try Downloader.command(for: t, requestID: "mdt1", today: today).0 == "HTT,AAPL,20260309 000000,20260310 000000,,,,1,mdt1,\r\n")
        let b = DownloadPlanner.units(symbol: s, kind: .bars(seconds: 300), range: r)[0]
        #expect(try Downloader.command(for: b, requestID: "mdt2", today: today).0.hasPrefix("HIT,AAPL,300,20260309 000000,20260310 000000,"))
        let dly = DownloadPlanner.units(symbol: s, kind: .daily, range: r)[0]
        #expect(try Downloader.command(for: dly, requestID: "mdt3", today: today).0 == "HDT,AAPL,20260309,20260309,,1,mdt3,\r\n")
        let w = DownloadPlanner.units(symbol: s, kind: .weekly, range: r)[0]
        let wc = try Downloader.command(for: w, requestID: "mdt4", today: today).0
        #expect(wc.hasPrefix("HWX,AAPL,"))
    }
}
