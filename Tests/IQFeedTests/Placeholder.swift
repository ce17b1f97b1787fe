import Testing

@Test func placeholderIQFeedTests() { #expect(Bool(true)) }
