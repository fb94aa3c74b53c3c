import Foundation

/// The static world: map, places, items and rules. Immutable once loaded and validated,
/// so every actor can share one copy.
///
/// ```swift
/// let world = try World.loadDefault(root: URL(fileURLWithPath: "."))
/// let here = world.region(at: Point(x: 9800, y: 9400))   // Purrington
/// ```
public struct World: Sendable {
    public let name: String
    public let seed: UInt64
    public let bounds: Bounds
    public let settings: WorldSettings
    public let regions: [Region]
    public let pointsOfInterest: [PointOfInterest]
    public let items: [Item]

    private let regionIndex: [String: Int]
    private let poiIndex: [String: Int]
    private let itemIndex: [String: Int]

    /// Builds and validates a world.
    /// - Parameter source: names the origin in errors, e.g. a file path.
    /// - Throws: `WorldError` naming the first bad entry and field.
    public init(
        name: String, seed: UInt64, bounds: Bounds, settings: WorldSettings, regions: [Region],
        pointsOfInterest: [PointOfInterest], items: [Item], source: String = "<memory>"
    ) throws(WorldError) {
        try WorldValidation.validateMap(
            bounds: bounds, settings: settings, regions: regions, pointsOfInterest: pointsOfInterest, file: source)
        try WorldValidation.validateItems(items, regionIDs: Set(regions.map(\.id)), file: source)
        self.init(unchecked: name, seed: seed, bounds: bounds, settings: settings, regions: regions,
                  pointsOfInterest: pointsOfInterest, items: items)
    }

    init(
        unchecked name: String, seed: UInt64, bounds: Bounds, settings: WorldSettings, regions: [Region],
        pointsOfInterest: [PointOfInterest], items: [Item]
    ) {
        self.name = name
        self.seed = seed
        self.bounds = bounds
        self.settings = settings
        self.regions = regions
        self.pointsOfInterest = pointsOfInterest
        self.items = items
        regionIndex = Dictionary(regions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        poiIndex = Dictionary(pointsOfInterest.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        itemIndex = Dictionary(items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Lookups

    public func region(id: String) -> Region? { regionIndex[id].map { regions[$0] } }
    public func pointOfInterest(id: String) -> PointOfInterest? { poiIndex[id].map { pointsOfInterest[$0] } }
    public func item(id: String) -> Item? { itemIndex[id].map { items[$0] } }

    /// Places in one region, in file order.
    public func pointsOfInterest(inRegion regionID: String) -> [PointOfInterest] {
        pointsOfInterest.filter { $0.region == regionID }
    }

    /// Items that can be found in one region, in file order.
    public func items(foundIn regionID: String) -> [Item] {
        items.filter { $0.regions.contains(regionID) }
    }

    // MARK: Geometry

    /// The region holding the point. Where regions share an edge, the one listed first
    /// in the map wins, so the answer never depends on anything but the file.
    public func region(at point: Point) -> Region? {
        guard bounds.contains(point) else { return nil }
        return regions.first { $0.contains(point) }
    }

    /// Whether the point lies inside the map bounds.
    public func contains(_ point: Point) -> Bool { bounds.contains(point) }

    /// Whether a cat can stand at the point: inside the bounds, inside some region, and
    /// on walkable terrain.
    public func isReachable(_ point: Point) -> Bool {
        guard let region = region(at: point) else { return false }
        return region.terrain.isWalkable
    }

    /// The game clock defined by the map's epoch and time ratio.
    public var clock: GameClock {
        GameClock(epoch: settings.epoch, ratio: settings.gameTimeRatio)
    }
}
