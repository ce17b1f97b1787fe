import Testing

@Test func placeholderMDTCommandsTests() { #expect(Bool(true)) }
