// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// The numeric modules are optimised even in debug builds: unoptimised Swift runs their inner
/// loops 40-200x slower, which would make the test suite (gradient checks, grammar-constrained
/// generation) take minutes. Release builds are optimised anyway.
let numeric: [SwiftSetting] = strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "PurrQuest",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "purr", targets: ["purr"]),
        .library(name: "PurrClient", targets: ["PurrClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries reached through small shims.
        .systemLibrary(name: "CLibWebSockets", pkgConfig: "libwebsockets", providers: [.apt(["libwebsockets-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // int8 kernels with AVX2 / AVX-512 VNNI, picked at run time (Swift targets baseline x86-64).
        .target(name: "CInt8Kernels", cSettings: [.unsafeFlags(["-O2"])]),
        // RFC 6455 §5.1 mask check on client frames, which lws 4.1 leaves out (wraps recv(2)).
        .target(name: "CWebSocketGuard", linkerSettings: [.linkedLibrary("dl")]),

        .target(name: "PurrCrypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "RPC", swiftSettings: strict),
        .target(name: "WebSocketTransport", dependencies: [
            "CLibWebSockets", "CWebSocketGuard", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "Ledger", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"), "PurrCrypto",
        ], swiftSettings: strict),
        .target(name: "World", dependencies: ["PurrCrypto"], swiftSettings: numeric),
        .target(name: "Quests", dependencies: ["World", "Ledger", "PurrCrypto"], swiftSettings: numeric),
        // Verifiable history: the RFC 9162 Merkle log, and the NFTs' art and metadata.
        .target(name: "TransparencyLog", dependencies: ["PurrCrypto"], swiftSettings: strict),
        .target(name: "NFTArt", dependencies: ["PurrCrypto"], swiftSettings: strict),
        .target(name: "Contracts", dependencies: ["Quests", "World", "PurrCrypto"], swiftSettings: strict),
        .target(name: "AntiCheat", dependencies: ["Quests", "World"], swiftSettings: strict),
        // Reads a rendered quest back into facts and compares them with its objectives.
        .target(name: "QuestTruth", dependencies: ["Quests", "World"], swiftSettings: numeric),
        // The quest model: tensors and layers, the tokenizer, and the model that writes quests.
        .target(name: "NeuralCore", dependencies: ["CBLAS", "CInt8Kernels", "PurrCrypto"], swiftSettings: numeric),
        .target(name: "Tokenizer", swiftSettings: numeric),
        .target(name: "QuestModel", dependencies: ["NeuralCore", "Tokenizer", "Quests", "World", "PurrCrypto", "NFTArt"], swiftSettings: numeric),
        // AI runners: update compression and robust aggregation, and the tensor wire format.
        .target(name: "Aggregation", dependencies: ["NeuralCore"], swiftSettings: numeric),
        .target(name: "Swarm", dependencies: ["Aggregation", "Coordinator", "ModelTraining", "NeuralCore", "WireFormat"], swiftSettings: numeric),
        .target(name: "WireFormat", dependencies: ["PurrCrypto"], swiftSettings: strict),
        .target(name: "Coordinator", dependencies: ["PurrCrypto"], swiftSettings: strict),
        .target(name: "ModelTraining", dependencies: ["NeuralCore", "Tokenizer", "QuestModel", "PurrCrypto"], swiftSettings: strict),
        // What an outsider runs: the log's leaf format, the replay of the rules, the network audit.
        .target(name: "PublicAudit", dependencies: ["Ledger", "RPC", "TransparencyLog", "PurrCrypto", "PurrClient", "Contracts", "World"], swiftSettings: strict),
        .target(name: "Server", dependencies: [
            "WebSocketTransport", "RPC", "Ledger", "World", "Quests", "QuestTruth", "PurrCrypto", "QuestModel", "NeuralCore", "TransparencyLog", "NFTArt", "PublicAudit", "AntiCheat", "Contracts",
            "Swarm", "Coordinator", "Aggregation", "ModelTraining", "WireFormat", "Tokenizer",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "PurrClient", dependencies: ["CLibWebSockets", "WebSocketTransport", "RPC", "PurrCrypto"], swiftSettings: strict),
        // The AI runner: `purr runner`'s loop of fetch, train, upload, reconnect.
        .target(name: "Runner", dependencies: [
            "PurrClient", "PurrCrypto", "RPC", "Swarm", "ModelTraining", "NeuralCore", "Aggregation", "WireFormat",
        ], swiftSettings: strict),
        // Reference echo server on the bare transport, for the loadtest's overhead ratio.
        .executableTarget(name: "lws-echo", dependencies: [
            "WebSocketTransport", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .executableTarget(name: "purr", dependencies: [
            "Server", "PurrClient", "Ledger", "RPC", "PurrCrypto", "WebSocketTransport",
            "World", "Quests", "NeuralCore", "Tokenizer", "QuestModel", "QuestTruth", "ModelTraining", "TransparencyLog", "PublicAudit", "Swarm", "Aggregation", "Runner",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        .testTarget(name: "PurrCryptoTests", dependencies: ["PurrCrypto"]),
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer"]),
        .testTarget(name: "ModelTrainingTests", dependencies: ["ModelTraining", "NeuralCore", "Tokenizer", "QuestModel", "NFTArt"]),
        .testTarget(name: "QuestModelTests", dependencies: ["QuestModel", "NeuralCore", "Tokenizer", "Quests", "World", "NFTArt"]),
        .testTarget(name: "RPCTests", dependencies: ["RPC"]),
        .testTarget(name: "TransparencyLogTests", dependencies: ["TransparencyLog", "PurrCrypto"]),
        .testTarget(name: "NFTArtTests", dependencies: ["NFTArt", "PurrCrypto"]),
        .testTarget(name: "ContractsTests", dependencies: ["Contracts", "Quests", "World"]),
        .testTarget(name: "AggregationTests", dependencies: ["Aggregation", "NeuralCore"]),
        .testTarget(name: "SwarmTests", dependencies: ["Swarm", "Aggregation", "ModelTraining", "NeuralCore", "WireFormat"]),
        .testTarget(name: "WireFormatTests", dependencies: ["WireFormat", "PurrCrypto"]),
        .testTarget(name: "CoordinatorTests", dependencies: ["Coordinator"]),
        .testTarget(name: "AntiCheatTests", dependencies: ["AntiCheat", "Quests", "World"]),
        .testTarget(name: "WebSocketTransportTests", dependencies: ["WebSocketTransport", "PurrClient", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "WorldTests", dependencies: ["World"]),
        .testTarget(name: "QuestsTests", dependencies: ["Quests", "World", "Ledger"]),
        .testTarget(name: "QuestTruthTests", dependencies: ["QuestTruth", "Quests", "World", "QuestModel"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "PurrClient", "RPC", "Ledger", "PurrCrypto", "World", "Quests", "QuestTruth", "TransparencyLog", "NFTArt", "PublicAudit",
            "Runner", "WireFormat", "Swarm", "Aggregation", "ModelTraining",
        ]),
        .testTarget(name: "PurrClientTests", dependencies: ["PurrClient", "RPC", "PurrCrypto", "WebSocketTransport", .product(name: "Logging", package: "swift-log")]),
    ]
)
