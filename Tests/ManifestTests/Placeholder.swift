import Testing

@Test func placeholderManifestTests() { #expect(Bool(true)) }
