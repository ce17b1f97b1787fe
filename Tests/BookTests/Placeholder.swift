import Testing

@Test func placeholderBookTests() { #expect(Bool(true)) }
