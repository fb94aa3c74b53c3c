/// A named place quests send cats to: a village, shrine, ruin, tower and so on.
public struct PointOfInterest: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    /// Free-form kind such as `village`, `shrine` or `lighthouse`; text templates use it.
    public var kind: String
    /// The id of the region the place lies in.
    public var region: String
    public var x: Double
    public var y: Double

    public init(id: String, name: String, kind: String, region: String, x: Double, y: Double) {
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        self.x = x
        self.y = y
    }

    public var position: Point { Point(x: x, y: y) }
}
