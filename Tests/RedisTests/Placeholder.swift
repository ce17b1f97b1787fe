import Testing

@Test func placeholderRedisTests() { #expect(Bool(true)) }
