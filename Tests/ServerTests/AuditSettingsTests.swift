import Foundation
import GRDB
import Ledger
import PublicAudit
import PurrClient
import RPC
import Testing
import World
@testable import Server

/// `purr audit --db` knows only the map; the settings the server ran with come from the log.
@Suite(.serialized) struct AuditSettingsTests {
    static let region = "catnip-meadows"

    /// The offline audit exactly as `purr audit --db` runs it: the map's own world, no config.
    static func auditAsOutsider(_ server: IntegrationServer) throws -> LogAudit.Report {
        let world = try World.loadDefault(root: TestPaths.root)
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: server.databasePath, configuration: configuration)
        defer { try? queue.close() }
        let key = server.app.game.eventLog.publicKey
        return try queue.read { db in try GameAudit.runWithLog(db, publicKey: key, claimRadius: world.settings.claimRadius, world: world) }.1
    }

    @Test("A server run with worldOverrides.gameTimeRatio audits clean offline from the map alone: the settings are a log leaf")
    func overriddenClockAuditsClean() async throws {
        let server = try await IntegrationServer.start { $0.worldOverrides.gameTimeRatio = 600 }
        defer { server.removeFiles() }
        let a = try await server.player()
        let centre = try await regionCentre(a.connection, Self.region)
        var walker = Walker(a.connection)
        _ = try await walker.report(centre.0, centre.1)
        let bought = try await a.connection.call("quest.request", [
            "scope": "personal", "region": .string(Self.region), "difficulty": 1, "idempotencyKey": "q",
        ], timeout: 20)
        let quest = try #require(bought["quest"])
        _ = try await walker.walk(through: GameHarness.waypoints(quest))
        await server.shutdown()
        await server.stopClients()
        let file = try DatabaseQueue(path: server.databasePath)
        let settings = try await file.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM ledger_events WHERE kind = 'world.settings'")
        }
        let positions = try await file.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind IN ('quest.progress', 'quest.completed')") ?? 0
        }
        try file.close()
        #expect(positions > 0, "the walk recorded no quest positions to check the clock against")
        #expect(settings.count == 1)
        #expect(settings.first?.contains("\"gameTimeRatio\":600") == true)
        let report = try Self.auditAsOutsider(server)
        #expect(report.isClean, "\(report.findings)")
    }

    @Test("A settings leaf is written at genesis and again only when the settings change")
    func leafOnChangeOnly() async throws {
        let path = NSTemporaryDirectory() + "purr-settings-\(UUID().uuidString).sqlite"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let db = try GameDatabase.open(path: path, ledger: ServerConfig().ledger)
        var settings = try World.loadDefault(root: TestPaths.root).settings
        try ServerApp.recordWorldSettings(db, settings, at: Date())
        try ServerApp.recordWorldSettings(db, settings, at: Date())
        settings.gameTimeRatio = 60
        try ServerApp.recordWorldSettings(db, settings, at: Date())
        try ServerApp.recordWorldSettings(db, settings, at: Date())
        let count = try await db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind = 'world.settings'") }
        #expect(count == 2)
    }
}
