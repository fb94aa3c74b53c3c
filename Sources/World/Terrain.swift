/// The fixed set of terrains; weather odds and travel speed depend on it.
public enum Terrain: String, Codable, CaseIterable, Hashable, Sendable, CodingKeyRepresentable {
    case plains, forest, hills, mountain, swamp, desert, tundra, city, coast

    /// Whether a cat can stand here. Every terrain is walkable today; a future `water`
    /// terrain would return `false` and make its regions unreachable.
    public var isWalkable: Bool { true }
}
