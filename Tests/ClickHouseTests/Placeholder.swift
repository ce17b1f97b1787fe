import Testing

@Test func placeholderClickHouseTests() { #expect(Bool(true)) }
