import Foundation

/// The `world.settings` log leaf: the rules' settings from this event on (docs/contracts.md).
/// The server appends one at genesis and whenever its effective settings (the map's, with the
/// config's overrides) differ from the last one, so an auditor replays each quest and NFT under
/// the settings it ran under without the server's config file.
public struct WorldSettingsEvent: Codable, Sendable, Equatable {
    public static let kind = "world.settings"

    public var settings: WorldSettings

    public init(settings: WorldSettings) { self.settings = settings }
}

extension World {
    /// The same map under other settings (a `world.settings` leaf).
    public func with(settings: WorldSettings) throws -> World {
        try World(name: name, seed: seed, bounds: bounds, settings: settings, regions: regions,
                  pointsOfInterest: pointsOfInterest, items: items, source: "world.settings leaf")
    }
}
