import Quests
import World

/// Everything one judgement needs besides the account's own state: the map, the basic
/// movement limits the server already applies, and the anti-cheat policy. The server builds
/// it once (at start-up or when its config changes) and passes it to every evaluation.
public struct MovementRules: Sendable {
    /// The map: bounds, regions and their terrain.
    public let world: World
    /// The basic check's limits (`maxSpeed`, tolerance, jitter, skew, report interval).
    public let movement: MovementSettings
    /// The anti-cheat policy, already validated.
    public let settings: AntiCheatSettings
    /// Terrain limits built from the map's factors and `movement.maxSpeed`.
    public let speedLimits: TerrainSpeedLimits

    /// - Throws: ``AntiCheatSettingsError`` when the settings are invalid.
    public init(world: World, movement: MovementSettings, settings: AntiCheatSettings = AntiCheatSettings())
        throws(AntiCheatSettingsError)
    {
        try settings.validate()
        self.world = world
        self.movement = movement
        self.settings = settings
        speedLimits = TerrainSpeedLimits(
            baseSpeed: movement.maxSpeed, factors: world.settings.terrainSpeedFactors,
            sampleSpacing: settings.sampleSpacingMetres, maxSamples: settings.maxSamples)
    }

    /// Rules with the map's own movement limits and default tolerances.
    public init(world: World, settings: AntiCheatSettings = AntiCheatSettings()) throws(AntiCheatSettingsError) {
        try self.init(world: world, movement: MovementSettings(world: world.settings), settings: settings)
    }

    /// The terrain under a point; nil outside every region.
    public func terrain(at point: Point) -> Terrain? { world.region(at: point)?.terrain }
}
