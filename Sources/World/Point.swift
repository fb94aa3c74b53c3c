/// A position on the map, in metres from the map's origin.
///
/// Encoded as `{"x": 120.5, "y": 88}` so clients and the map file share one shape.
public struct Point: Codable, Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Straight-line distance in metres; the map is flat, so this is what a cat walks.
    public func distance(to other: Point) -> Double {
        let dx = other.x - x
        let dy = other.y - y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Whether both coordinates are finite; NaN or infinity from a client must never reach geometry.
    public var isFinite: Bool { x.isFinite && y.isFinite }

    public var description: String { "(\(x), \(y))" }
}

/// An axis-aligned rectangle, inclusive on every edge, so that a point on a shared edge
/// of two tiles belongs to both and nothing falls between them.
public struct Bounds: Codable, Hashable, Sendable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var centre: Point { Point(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }

    /// Whether the rectangle has a positive area and finite edges.
    public var isValid: Bool {
        [minX, minY, maxX, maxY].allSatisfy(\.isFinite) && maxX > minX && maxY > minY
    }

    public func contains(_ point: Point) -> Bool {
        point.isFinite && point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }

    /// Whether `other` lies entirely inside this rectangle.
    public func contains(_ other: Bounds) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    public var description: String { "[\(minX)...\(maxX)] × [\(minY)...\(maxY)]" }
}
