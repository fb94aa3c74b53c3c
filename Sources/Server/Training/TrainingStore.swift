import Aggregation
import Coordinator
import Foundation
import GRDB
import NeuralCore
import Swarm

/// The coordinator's checkpoint: everything needed to resume after a restart without losing a
/// round's accounting, written in the same transactions as the payments it explains.
///
/// - `training_state`: one row — the round state machine (members, reputations, stakes,
///   the open round), trust, the model version and its parameters, the outer optimizer's
///   momentum and the error-feedback residual of the published diffs.
/// - `training_updates`: updates received in the open round (a restart judges them anyway).
/// - `training_diffs`: the last diffs between versions, so a runner downloads only what changed.
/// - `training_commitments`: each runner's latest accepted checkpoint commitment (protocol 2):
///   the open round's is what its audit checks, and its last checkpoint is where the runner's
///   next round must start its optimizer.
enum TrainingStore {
    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("training-v1") { db in
            try db.execute(sql: """
                CREATE TABLE training_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    model TEXT NOT NULL,
                    machine TEXT NOT NULL,
                    trust TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    params BLOB NOT NULL,
                    params_sha256 TEXT NOT NULL,
                    outer_momentum BLOB NOT NULL,
                    outer_step INTEGER NOT NULL,
                    outer_residual BLOB NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE training_updates (
                    round INTEGER NOT NULL,
                    runner TEXT NOT NULL,
                    delta BLOB,
                    offence TEXT,
                    PRIMARY KEY (round, runner)
                );
                CREATE TABLE training_diffs (
                    version INTEGER PRIMARY KEY,
                    block_size INTEGER NOT NULL,
                    scales BLOB NOT NULL,
                    "values" BLOB NOT NULL
                );
                """)
        }
    }

    static func registerCommitmentMigration(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("training-v2-commitments") { db in
            try db.execute(sql: """
                CREATE TABLE training_commitments (
                    runner TEXT PRIMARY KEY,
                    round INTEGER NOT NULL,
                    commitment TEXT NOT NULL
                );
                """)
        }
    }

    static func saveCommitment(_ db: Database, runner: String, _ c: SegmentCommitment) throws {
        let json = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        try db.execute(sql: "INSERT OR REPLACE INTO training_commitments (runner, round, commitment) VALUES (?, ?, ?)",
                       arguments: [runner, Int64(c.round), json])
    }

    static func commitments(_ db: Database) throws -> [String: SegmentCommitment] {
        var out: [String: SegmentCommitment] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT runner, commitment FROM training_commitments") {
            let text: String = row["commitment"]
            out[row["runner"]] = try JSONDecoder().decode(SegmentCommitment.self, from: Data(text.utf8))
        }
        return out
    }

    struct Checkpoint {
        var model: String
        var machine: RoundStateMachine
        var trust: [String: Double]
        var version: UInt64
        var params: [Float]
        var paramsSHA256: String
        var outer: OuterNesterov.State
        var residual: [Float]
    }

    static func load(_ db: Database) throws -> Checkpoint? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM training_state WHERE id = 1") else { return nil }
        let decoder = JSONDecoder()
        let machineText: String = row["machine"]
        let trustText: String = row["trust"]
        let momentum = floats(row["outer_momentum"])
        return Checkpoint(model: row["model"],
                          machine: try decoder.decode(RoundStateMachine.self, from: Data(machineText.utf8)),
                          trust: try decoder.decode([String: Double].self, from: Data(trustText.utf8)),
                          version: UInt64(row["version"] as Int64), params: floats(row["params"]), paramsSHA256: row["params_sha256"],
                          outer: OuterNesterov.State(momentum: momentum, step: row["outer_step"]), residual: floats(row["outer_residual"]))
    }

    static func save(_ db: Database, _ c: Checkpoint, at: Date) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(sql: """
            INSERT OR REPLACE INTO training_state
                (id, model, machine, trust, version, params, params_sha256, outer_momentum, outer_step, outer_residual, updated_at)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [c.model, String(decoding: try encoder.encode(c.machine), as: UTF8.self),
                             String(decoding: try encoder.encode(c.trust), as: UTF8.self), Int64(c.version), data(c.params),
                             c.paramsSHA256, data(c.outer.momentum), c.outer.step, data(c.residual), Int64(at.timeIntervalSince1970 * 1000)])
    }

    /// Only the state machine (joins, submissions, opened rounds change nothing else).
    static func saveMachine(_ db: Database, _ machine: RoundStateMachine) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(sql: "UPDATE training_state SET machine = ? WHERE id = 1",
                       arguments: [String(decoding: try encoder.encode(machine), as: UTF8.self)])
    }

    static func insertUpdate(_ db: Database, round: UInt64, runner: String, delta: [Float]?, offence: String?) throws {
        try db.execute(sql: "INSERT INTO training_updates (round, runner, delta, offence) VALUES (?, ?, ?, ?)",
                       arguments: [Int64(round), runner, delta.map(data), offence])
    }

    static func updates(_ db: Database, round: UInt64) throws -> (deltas: [String: [Float]], offences: [String: String]) {
        var deltas: [String: [Float]] = [:]
        var offences: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT runner, delta, offence FROM training_updates WHERE round = ?", arguments: [Int64(round)]) {
            let runner: String = row["runner"]
            if let offence: String = row["offence"] { offences[runner] = offence }
            if let blob: Data = row["delta"] { deltas[runner] = floats(blob) }
        }
        return (deltas, offences)
    }

    static func deleteUpdates(_ db: Database, round: UInt64) throws {
        try db.execute(sql: "DELETE FROM training_updates WHERE round <= ?", arguments: [Int64(round)])
    }

    static func insertDiff(_ db: Database, version: UInt64, _ q: QuantisedDelta, keep: Int) throws {
        try db.execute(sql: #"INSERT OR REPLACE INTO training_diffs (version, block_size, scales, "values") VALUES (?, ?, ?, ?)"#,
                       arguments: [Int64(version), q.blockSize, data(q.scales),
                                   q.values.withUnsafeBufferPointer { Data(buffer: $0) }])
        try db.execute(sql: "DELETE FROM training_diffs WHERE version <= ?", arguments: [Int64(version) - Int64(keep)])
    }

    static func diffs(_ db: Database) throws -> [UInt64: QuantisedDelta] {
        var out: [UInt64: QuantisedDelta] = [:]
        for row in try Row.fetchAll(db, sql: #"SELECT version, block_size, scales, "values" FROM training_diffs"#) {
            let blob: Data = row["values"]
            let values = blob.withUnsafeBytes { Array($0.bindMemory(to: Int8.self)) }
            let scales = floats(row["scales"])
            if let q = try? QuantisedDelta(count: values.count, blockSize: row["block_size"], values: values, scales: scales) {
                out[UInt64(row["version"] as Int64)] = q
            }
        }
        return out
    }

    static func data(_ values: [Float]) -> Data { values.withUnsafeBufferPointer { Data(buffer: $0) } }

    static func floats(_ data: Data) -> [Float] {
        let count = data.count / MemoryLayout<Float>.size
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = data.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}
