import ArgumentParser
import Foundation
import Server

/// `purr audit --db PATH`: replays the ledger and the quests and names the first violation.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a database: balances equal their entries, supply conserved, no quest or claim paid twice.")

    @Option(help: "SQLite database file to audit (opened read-only).")
    var db: String

    @Flag(help: "Print every violation, not only the first.")
    var all = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("no database at \(db)") }
        let report: GameAuditReport
        do {
            report = try GameAudit.run(databasePath: db)
        } catch {
            FileHandle.standardError.write(Data("purr audit: cannot read \(db): \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(report.summary)
        if report.isClean {
            print("audit: clean")
            return
        }
        for v in all ? report.violations : Array(report.violations.prefix(1)) { print("violation: \(v)") }
        if !all && report.violations.count > 1 { print("(\(report.violations.count - 1) more; --all lists them)") }
        throw ExitCode(1)
    }
}
