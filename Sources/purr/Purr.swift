import ArgumentParser
import Foundation

/// `purr`: the PurrQuest server and its tools.
@main
struct Purr: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purr",
        abstract: "PurrQuest: the MW0rld quest service (WebSocket JSON-RPC), its audit and load tools.",
        version: "0.1.0",
        subcommands: [Serve.self, Keygen.self, Audit.self, Loadtest.self, Corpus.self, Train.self, Generate.self, Logits.self, Bench.self, SwarmCommand.self, Plan.self, RunnerCommand.self]
    )
}
