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

    /// How long the walk below may take: its positions' game hours are all wrong by the map's clock only this long.
    static let window: TimeInterval = 120

    /// A game-time ratio a little over 600 whose game hour is never the map's (ratio 12) for
    /// `window` seconds from `start`. At 600 exactly the two hours meet for a few seconds every
    /// 2.4 minutes, so a run that happened to walk then would record hours the map's clock also
    /// gives; with this ratio every recorded position contradicts the map's clock, whenever the test runs.
    static func ratioNeverOnTheMapsHour(from start: Date, map: GameClock) -> Double? {
        for step in 0..<4_000 {
            let ratio = 600 + Double(step) * 1e-6
            let fast = GameClock(epoch: map.epoch, ratio: ratio)
            let meets = stride(from: 0.0, through: window, by: 0.25).contains { seconds in
                let t = start.addingTimeInterval(seconds)
                return fast.gameTime(at: t).hour == map.gameTime(at: t).hour
            }
            if !meets { return ratio }
        }
        return nil
    }

    /// Every event of the log in the database file, in order.
    static func events(_ path: String) throws -> [LedgerEvent] {
        let file = try DatabaseQueue(path: path)
        defer { try? file.close() }
        var events: [LedgerEvent] = []
        try file.read { db in
            while true {
                let page = try LedgerStore.events(db, fromSeq: Int64(events.count) + 1, limit: LedgerStore.maxPageSize)
                if page.isEmpty { break }
                events += page
            }
        }
        return events
    }

    /// The leaves with every `world.settings` leaf saying the map's own settings: the log as
    /// the audit read it before the settings were logged.
    static func withTheMapsSettings(_ events: [LedgerEvent], map: World) throws -> [String] {
        let mapSettings = try LedgerStore.canonicalJSON(WorldSettingsEvent(settings: map.settings))
        return events.map { event in
            guard event.kind == WorldSettingsEvent.kind else { return EventLeaf.text(event) }
            return EventLeaf.text(LedgerEvent(seq: event.seq, kind: event.kind, payload: mapSettings, at: event.at))
        }
    }

    @Test("A server run with worldOverrides.gameTimeRatio audits clean offline from the map alone: the settings are a log leaf")
    func overriddenClockAuditsClean() async throws {
        let map = try World.loadDefault(root: TestPaths.root)
        let start = Date()
        let ratio = try #require(Self.ratioNeverOnTheMapsHour(from: start, map: map.clock))
        let server = try await IntegrationServer.start { $0.worldOverrides.gameTimeRatio = ratio }
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
        #expect(Date().timeIntervalSince(start) < Self.window, "the walk took longer than the window its ratio was chosen for")
        #expect(settings.count == 1)
        let logged = try settings.first.map { try JSONDecoder().decode(WorldSettingsEvent.self, from: Data($0.utf8)) }
        #expect(logged?.settings.gameTimeRatio == ratio)
        let report = try Self.auditAsOutsider(server)
        #expect(report.isClean, "\(report.findings)")

        // The control: the same log replayed under the map's settings finds every recorded
        // position's game hour wrong, so the clean audit above is the leaf's doing. (No heads:
        // the changed leaf would not match them, and the roots are not what is tested here.)
        let events = try Self.events(server.databasePath)
        let audit = LogAudit(publicKey: nil, claimRadius: map.settings.claimRadius, world: map)
        #expect(audit.run(heads: [], leaves: events.map(EventLeaf.text)).isClean)
        let control = audit.run(heads: [], leaves: try Self.withTheMapsSettings(events, map: map))
        #expect(control.findings.count == positions, "\(control.findings)")
        #expect(control.findings.allSatisfy { $0.message.contains("weather or game hour") }, "\(control.findings)")
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
