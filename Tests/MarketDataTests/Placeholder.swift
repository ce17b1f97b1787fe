import Testing

@Test func placeholderMarketDataTests() { #expect(Bool(true)) }
