import ArgumentParser
import Foundation
import GRDB
import PurrClient
import PublicAudit
import PurrCrypto
import Server
import TransparencyLog
import World

/// `purr audit`: checks a server's transparency log from outside (`--server`), or a database
/// file (`--db`), and names the first discrepancy. docs/contracts.md describes every check.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the transparency log and replay every transfer, quest and NFT; name the first discrepancy.")

    @Option(help: "A running server, e.g. ws://127.0.0.1:8787/v1: fetches signed heads, entries and proofs.")
    var server: String?

    @Option(help: "SQLite database file to audit offline (opened read-only).")
    var db: String?

    @Option(help: "With --server: a file keeping the last verified head; the new head must be consistent with it.")
    var state: String?

    @Option(help: "With --db: the log's published public key (hex), to check the stored heads' signatures.")
    var logPublicKey: String?

    @Option(help: "With --db: directory holding maps/ (for the claim radius).")
    var root = "."

    @Option(help: "With --server: inclusion proofs to request and check (random leaves, plus the last).")
    var proofs = 16

    @Flag(help: "Print every finding, not only the first.")
    var all = false

    func run() async throws {
        switch (server, db) {
        case (let url?, nil): try await auditServer(url)
        case (nil, let path?): try auditDatabase(path)
        default: throw ValidationError("give exactly one of --server URL or --db PATH")
        }
    }

    func report(_ findings: [String], summary: String) throws {
        print(summary)
        if findings.isEmpty {
            print("audit: clean")
            return
        }
        for f in all ? findings : Array(findings.prefix(1)) { print("discrepancy: \(f)") }
        if !all && findings.count > 1 { print("(\(findings.count - 1) more; --all lists them)") }
        throw ExitCode(1)
    }

    // MARK: --db

    func auditDatabase(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no database at \(path)") }
        var config = Configuration()
        config.readonly = true
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: path, configuration: config) } catch {
            FileHandle.standardError.write(Data("purr audit: cannot open \(path): \(error)\n".utf8))
            throw ExitCode(2)
        }
        defer { try? queue.close() }
        let world = try? World.loadDefault(root: URL(fileURLWithPath: root))
        let key: Ed25519PublicKey?
        if let hex = logPublicKey {
            do { key = try Ed25519PublicKey(hex: hex) } catch { throw ValidationError("--log-public-key: \(error)") }
        } else {
            key = nil
        }
        let (tables, log): (GameAuditReport, LogAudit.Report)
        do {
            // Without the published key, the roots are still checked against each stored head.
            (tables, log) = try queue.read { db in
                try GameAudit.runWithLog(db, publicKey: key, claimRadius: world?.settings.claimRadius ?? .infinity, world: world)
            }
        } catch {
            FileHandle.standardError.write(Data("purr audit: cannot read \(path): \(error)\n".utf8))
            throw ExitCode(2)
        }
        if key == nil { print("note: no --log-public-key given: head signatures not checked, roots are") }
        try report(log.findings.map(\.description) + tables.violations,
                   summary: tables.summary + "; " + log.summary)
    }

    // MARK: --server

    func auditServer(_ url: String) async throws {
        let runtime = ClientRuntime()
        defer { runtime.shutdown() }
        let c: PurrConnection
        do { c = try await PurrConnection.connect(to: url, runtime: runtime, timeout: 15) } catch {
            FileHandle.standardError.write(Data("purr audit: cannot connect to \(url): \(error)\n".utf8))
            throw ExitCode(2)
        }
        defer { c.close() }
        var previous: SignedTreeHead?
        if let state, FileManager.default.fileExists(atPath: state) {
            do { previous = try JSONDecoder().decode(SignedTreeHead.self, from: Data(contentsOf: URL(fileURLWithPath: state))) } catch {
                throw ValidationError("--state \(state): not a saved tree head: \(error)")
            }
        }
        let auditor = ServerAuditor(inclusionSamples: proofs) { line in FileHandle.standardError.write(Data("\r\(line)".utf8)) }
        let result = try await auditor.audit(c, previous: previous)
        FileHandle.standardError.write(Data("\n".utf8))
        if result.consistentWithPrevious == true, let previous { print("consistent with the head verified before (size \(previous.treeSize))") }
        if result.isClean, let state {
            try JSONEncoder().encode(result.head).write(to: URL(fileURLWithPath: state))
        }
        try report(result.findings, summary: result.log.summary + "; current head: size \(result.head.treeSize), root \(result.head.rootHash.hex)")
    }
}
