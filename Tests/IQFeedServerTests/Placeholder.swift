import Testing

@Test func placeholderIQFeedServerTests() { #expect(Bool(true)) }
