import Aggregation
import ArgumentParser
import Foundation
import PurrCrypto
import Runner

/// `purr runner`: lend this machine's CPU to train the quest model and earn PUR.
struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runner",
        abstract: "Train the quest model for a PurrQuest server (an AI runner): fetch, train, upload, earn PUR; reconnects on its own.")

    @Option(help: "The server's WebSocket URL.")
    var server = "ws://127.0.0.1:7350/v1"

    @Option(help: "Your Ed25519 key file (purr keygen); its account pays the stake and receives the PUR.")
    var key = "purr-key.json"

    @Option(help: "Threads for local training.")
    var threads = 2

    @Option(help: "Stop after delivering this many updates (default: run until interrupted).")
    var rounds: Int?

    @Option(help: "Misbehave, to test a server you run: random, signflip, scale[:K], alie[:Z], nan, backdoor, freeride, freeride:stale.")
    var attack: String?

    @Flag(help: "Upload f32 updates instead of int8 blocks.")
    var fp32 = false

    @Flag(help: "Leave training (getting the stake back) after --rounds.")
    var leave = false

    @Flag(help: "On a --dev server, take the stake from wallet.faucet when the balance is short.")
    var faucet = false

    @Option(help: "Give up after this many failed reconnects in a row (default: never).")
    var maxReconnects: Int?

    func run() async throws {
        let privateKey: Ed25519PrivateKey
        do { privateKey = try KeyFile.read(from: key) } catch { throw ValidationError("--key: \(error)") }
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads must be 1…64") }
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        var options = TrainingRunner.Options(server: server, key: privateKey)
        options.threads = threads
        options.rounds = rounds
        options.fp32 = fp32
        options.leaveWhenDone = leave
        options.faucet = faucet
        options.maxReconnects = maxReconnects
        if let attack {
            do { options.attack = try RunnerAttack(parsing: attack) } catch { throw ValidationError("--attack: \(error)") }
        }
        let summary = try await TrainingRunner(options: options).run { event in
            print(Self.line(event))
            fflush(nil)
        }
        print(String(format: "done: %d updates delivered, %d refused, %d reconnects, %.1f MB down, %.2f MB up, earned %@ PUR",
                     summary.delivered, summary.refused, summary.reconnects, Double(summary.downloadedBytes) / 1e6,
                     Double(summary.uploadedBytes) / 1e6, Self.pur(summary.earned)))
        print(String(format: "time: %.1f s training, %.1f s fetching the model, %.1f s uploading, %.1f s in all; compute share of work %.1f%%, of wall time %.1f%%",
                     summary.trainingSeconds, summary.downloadSeconds, summary.uploadSeconds, summary.wallSeconds,
                     summary.computeShareOfWork * 100, summary.wallSeconds > 0 ? summary.trainingSeconds / summary.wallSeconds * 100 : 0))
    }

    static func pur(_ micro: Int64) -> String { String(format: "%.6f", Double(micro) / 1e6) }

    static func line(_ event: TrainingRunner.Event) -> String {
        switch event {
        case .connected(let account): "connected as \(account.prefix(16))…"
        case .joined(let stake): "joined training; stake held \(pur(Int64(stake) ?? 0)) PUR"
        case .model(let version, let kind, let bytes): "model v\(version): \(kind), \(bytes) bytes"
        case .trained(let t):
            String(format: "round %llu (v%llu): local loss %.4f → %.4f, %.0f tok/s, sent %d bytes", t.round, t.version, t.firstLoss,
                   t.lastLoss, t.tokensPerSecond, t.uploadBytes)
        case .refused(let code, let message): "refused (\(code)): \(message)"
        case .roundClosed(let round, let version, let paid, let loss, let offence):
            "round \(round) closed → v\(version): paid \(pur(Int64(paid) ?? 0)) PUR"
                + (loss.map { String(format: ", held-out loss %.4f", $0) } ?? "") + (offence.map { "; offence: \($0)" } ?? "")
        case .status(let earned, let reputation, let stake):
            String(format: "earned %@ PUR so far, reputation %.3f, stake held %@ PUR", pur(earned), reputation, pur(stake))
        case .disconnected(let why): "disconnected (\(why)); reconnecting"
        case .audited(let round, let checkpoints, let bytes): "round \(round) audited: sent checkpoints \(checkpoints) (\(bytes) bytes)"
        }
    }
}
