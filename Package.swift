// swift-tools-version:6.0
import PackageDescription

// One library per concern (see docs/architecture.md). C modules are imported only by their wrapper.
let package = Package(
    name: "mdt",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mdt", targets: ["mdt"]),
        .executable(name: "mdt-kafka-mock", targets: ["mdt-kafka-mock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        // C libraries from Debian packages.
        .systemLibrary(name: "CRdKafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("z")]),

        // Pure domain code: no I/O.
        .target(name: "MarketData"),
        .target(name: "Book", dependencies: ["MarketData"]),

        // IQFeed protocol: parsers, sessions, connections; and mdt's own protocol server.
        .target(name: "IQFeed", dependencies: ["MarketData", .product(name: "Logging", package: "swift-log")]),
        .target(name: "IQFeedServer", dependencies: ["IQFeed", "MarketData", .product(name: "Logging", package: "swift-log")]),

        // One generic wrapper per outside system (no market-data types).
        .target(name: "Kafka", dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Redis", dependencies: ["CHiredis", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Curl", dependencies: ["CCurl"]),
        .target(name: "ClickHouse", dependencies: ["Curl", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Manifest", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),

        // Where market data meets the transports: collect, download, replay, load, bench.
        .target(name: "Pipeline", dependencies: [
            "MarketData", "Book", "IQFeed", "IQFeedServer", "Kafka", "Redis", "ClickHouse", "Manifest",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),

        // Command line: parse, resolve settings, render, map errors to exit codes.
        .target(name: "MDTCommands", dependencies: [
            "MarketData", "Book", "IQFeed", "IQFeedServer", "Kafka", "Redis", "Curl", "ClickHouse", "Manifest", "Pipeline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "mdt", dependencies: ["MDTCommands"]),
        .executableTarget(name: "mdt-kafka-mock", dependencies: ["Kafka"]),

        // Test-only helpers: service discovery from scripts/services.sh, fixtures, running the binary.
        .target(name: "MDTTestSupport", path: "Tests/MDTTestSupport"),

        .testTarget(name: "MarketDataTests", dependencies: ["MarketData", "MDTTestSupport"]),
        .testTarget(name: "BookTests", dependencies: ["Book", "MarketData", "IQFeed", "MDTTestSupport"]),
        .testTarget(name: "IQFeedTests", dependencies: ["IQFeed", "MarketData", "MDTTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "IQFeedServerTests", dependencies: ["IQFeedServer", "IQFeed", "MarketData", "MDTTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "MDTTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "MDTTestSupport"]),
        .testTarget(name: "ClickHouseTests", dependencies: ["ClickHouse", "Curl", "MDTTestSupport"]),
        .testTarget(name: "ManifestTests", dependencies: ["Manifest", "MDTTestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "MarketData", "IQFeed", "IQFeedServer", "Kafka", "Redis", "ClickHouse", "Manifest",
                                                          "Book", "MDTTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "MDTCommandsTests", dependencies: ["MDTCommands", "MDTTestSupport", "MarketData", "IQFeed", "IQFeedServer",
                                                             "Kafka", "Redis", "ClickHouse", "Manifest", "Pipeline",
                                                             .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "EndToEndTests", dependencies: ["MarketData", "MDTTestSupport"]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("ExistentialAny")]
}
