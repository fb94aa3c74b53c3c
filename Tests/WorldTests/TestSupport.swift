import Foundation
@testable import World

/// The repository root, found from this file's path so tests run from any directory.
let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedWorld() throws -> World {
    try World.loadDefault(root: repositoryRoot)
}

/// Writes a JSON value to a fresh temporary file and returns its URL.
func writeTemporary(_ object: Any, name: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("world-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    let data = try JSONSerialization.data(withJSONObject: object)
    try data.write(to: url)
    return url
}

func writeTemporaryText(_ text: String, name: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("world-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
}

/// A small valid map as a JSON object, for tests to break one field at a time.
func smallMap() -> [String: Any] {
    [
        "name": "Tiny",
        "seed": 42,
        "bounds": ["minX": 0, "minY": 0, "maxX": 1000, "maxY": 1000],
        "settings": [
            "maxSpeed": 12, "reachRadius": 25, "claimRadius": 30, "gameTimeRatio": 12,
            "epoch": "2025-01-01T00:00:00Z", "minReportInterval": 1,
        ] as [String: Any],
        "regions": [
            ["id": "west", "name": "West", "terrain": "plains", "hazard": 1,
             "area": ["rect": ["minX": 0, "minY": 0, "maxX": 500, "maxY": 1000]]] as [String: Any],
            ["id": "east", "name": "East", "terrain": "desert", "hazard": 3,
             "area": ["polygon": [["x": 500, "y": 0], ["x": 1000, "y": 0], ["x": 1000, "y": 1000], ["x": 500, "y": 1000]]]]
                as [String: Any],
        ],
        "pointsOfInterest": [
            ["id": "well", "name": "Well", "kind": "well", "region": "west", "x": 100, "y": 100] as [String: Any],
            ["id": "old-mill", "name": "Old Mill", "kind": "mill", "region": "east", "x": 800, "y": 800] as [String: Any],
        ],
    ]
}

func smallItems() -> [String: Any] {
    ["items": [["id": "yarn", "name": "Yarn", "rarity": "common", "regions": ["west", "east"]] as [String: Any]]]
}

/// Loads a small map after `edit` has changed it, returning the error it throws (or nil).
func loadError(map edit: (inout [String: Any]) -> Void = { _ in }, items editItems: (inout [String: Any]) -> Void = { _ in })
    throws -> WorldError?
{
    var map = smallMap()
    edit(&map)
    var items = smallItems()
    editItems(&items)
    let mapURL = try writeTemporary(map, name: "map.json")
    let itemsURL = try writeTemporary(items, name: "items.json")
    do {
        _ = try World.load(mapFile: mapURL, itemsFile: itemsURL)
        return nil
    } catch {
        return error
    }
}
