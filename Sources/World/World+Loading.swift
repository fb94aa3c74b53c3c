import Foundation

/// The map file as written on disk.
struct MapFile: Codable {
    var name: String
    var seed: UInt64
    var bounds: Bounds
    var settings: WorldSettings
    var regions: [Region]
    var pointsOfInterest: [PointOfInterest]
}

/// The item catalog as written on disk.
struct ItemsFile: Codable {
    var items: [Item]
}

extension World {
    /// Loads and validates a map and an item catalog.
    ///
    /// ```swift
    /// let world = try World.load(mapFile: mapURL, itemsFile: itemsURL)
    /// ```
    /// - Throws: `WorldError` naming the file, the entry and the field that is wrong.
    public static func load(mapFile: URL, itemsFile: URL) throws(WorldError) -> World {
        let map = try decode(MapFile.self, from: mapFile)
        let catalog = try decode(ItemsFile.self, from: itemsFile)
        let mapName = mapFile.path
        try WorldValidation.validateMap(
            bounds: map.bounds, settings: map.settings, regions: map.regions,
            pointsOfInterest: map.pointsOfInterest, file: mapName)
        try WorldValidation.validateItems(catalog.items, regionIDs: Set(map.regions.map(\.id)), file: itemsFile.path)
        return World(
            unchecked: map.name, seed: map.seed, bounds: map.bounds, settings: map.settings, regions: map.regions,
            pointsOfInterest: map.pointsOfInterest, items: catalog.items)
    }

    /// Loads `root/maps/mw0rld.json` and `root/assets/items.json`, the files the game ships.
    public static func loadDefault(root: URL) throws(WorldError) -> World {
        try load(
            mapFile: root.appendingPathComponent("maps/mw0rld.json"),
            itemsFile: root.appendingPathComponent("assets/items.json"))
    }

    private static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws(WorldError) -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw WorldError(code: .unreadableFile, file: url.path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw WorldError(decoding: error, file: url.path)
        } catch {
            throw WorldError(code: .invalidJSON, file: url.path, reason: "\(error)")
        }
    }
}

extension WorldError {
    /// Turns a decoder failure into an error that names the entry (`regions[3]`) and the
    /// field path below it (`area.rect.minX`).
    init(decoding error: DecodingError, file: String) {
        let path: [any CodingKey]
        let reason: String
        switch error {
        case .typeMismatch(let type, let context):
            path = context.codingPath
            reason = "expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            path = context.codingPath
            reason = "missing value of type \(type): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            reason = "required field \"\(key.stringValue)\" is missing"
        case .dataCorrupted(let context):
            path = context.codingPath
            reason = context.debugDescription
        @unknown default:
            path = []
            reason = "\(error)"
        }
        var entry: String?
        var fieldParts: [String] = []
        var index = 0
        // The first key plus an array index is the entry; the rest is the field.
        if let first = path.first {
            if path.count > 1, let position = path[1].intValue {
                entry = "\(first.stringValue)[\(position)]"
                index = 2
            } else {
                entry = nil
                index = 0
            }
        }
        for key in path[index...] {
            if let position = key.intValue {
                fieldParts.append("[\(position)]")
            } else {
                fieldParts.append(fieldParts.isEmpty ? key.stringValue : ".\(key.stringValue)")
            }
        }
        self.init(
            code: .invalidJSON, file: file, entry: entry,
            field: fieldParts.isEmpty ? nil : fieldParts.joined(), reason: reason)
    }
}
