import Foundation
import Quests
import World
@testable import AntiCheat

let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedWorld() throws -> World {
    try World.loadDefault(root: repositoryRoot)
}

/// 2025-03-01 12:00:00 UTC, so reasons with times read the same on every machine.
let t0: Int64 = 1_740_830_400_000

/// The map factors of the shipped world, so the strip behaves like the real map.
let stripFactors: [Terrain: Double] = [.swamp: 0.6, .mountain: 0.5, .tundra: 0.7, .desert: 0.8, .forest: 0.85]

/// A 3 km × 1 km strip: plains (x 0–1000), mountain (1000–2000), plains (2000–3000).
/// Limits: 12 m/s on plains, 6 m/s on the mountain.
func stripWorld(middle: Terrain = .mountain) throws -> World {
    let settings = WorldSettings(
        maxSpeed: 12, terrainSpeedFactors: stripFactors, reachRadius: 25, claimRadius: 30, gameTimeRatio: 12,
        epoch: Date(timeIntervalSince1970: 1_735_689_600), minReportInterval: 1)
    func band(_ id: String, _ terrain: Terrain, _ minX: Double, _ maxX: Double) -> Region {
        Region(id: id, name: id, terrain: terrain, hazard: 1, area: .rect(Bounds(minX: minX, minY: 0, maxX: maxX, maxY: 1_000)))
    }
    return try World(
        name: "Strip", seed: 1, bounds: Bounds(minX: 0, minY: 0, maxX: 3_000, maxY: 1_000), settings: settings,
        regions: [band("west", .plains, 0, 1_000), band("middle", middle, 1_000, 2_000), band("east", .plains, 2_000, 3_000)],
        pointsOfInterest: [], items: [])
}

func stripRules(_ settings: AntiCheatSettings = AntiCheatSettings()) throws -> MovementRules {
    try MovementRules(world: try stripWorld(), settings: settings)
}

/// A report whose client and server times agree, `seconds` after `t0`.
func report(_ x: Double, _ y: Double = 500, at seconds: Double) -> PositionReport {
    let time = t0 + Int64((seconds * 1_000).rounded())
    return PositionReport(point: Point(x: x, y: y), clientTime: time, serverTime: time)
}

func millis(_ seconds: Double) -> Int64 { t0 + Int64((seconds * 1_000).rounded()) }

extension MovementModel {
    /// Stands at (500, 500) at `seconds` (accepted), then claims (2900, 500) one second later:
    /// a 2.4 km teleport. Returns the teleport's ruling.
    mutating func teleportAcrossTheStrip(at seconds: Double, rules: MovementRules) -> MovementRuling {
        _ = evaluate(report(500, at: seconds), rules: rules)
        return evaluate(report(2_900, at: seconds + 1), rules: rules)
    }
}
