/// The shape of a region: a rectangle or a simple polygon.
///
/// Encoded as `{"rect": {minX, minY, maxX, maxY}}` or `{"polygon": [{x, y}, ...]}`.
public enum RegionArea: Codable, Hashable, Sendable {
    case rect(Bounds)
    case polygon([Point])

    private enum CodingKeys: String, CodingKey { case rect, polygon }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let rect = try container.decodeIfPresent(Bounds.self, forKey: .rect) {
            self = .rect(rect)
        } else if let points = try container.decodeIfPresent([Point].self, forKey: .polygon) {
            self = .polygon(points)
        } else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "an area needs either \"rect\" or \"polygon\""))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .rect(let bounds): try container.encode(bounds, forKey: .rect)
        case .polygon(let points): try container.encode(points, forKey: .polygon)
        }
    }

    /// The smallest rectangle holding the whole area.
    public var boundingBox: Bounds {
        switch self {
        case .rect(let bounds):
            return bounds
        case .polygon(let points):
            let xs = points.map(\.x)
            let ys = points.map(\.y)
            return Bounds(minX: xs.min() ?? 0, minY: ys.min() ?? 0, maxX: xs.max() ?? 0, maxY: ys.max() ?? 0)
        }
    }

    /// Whether the point lies inside or on the edge; edges count so that neighbouring
    /// regions leave no gap between them.
    public func contains(_ point: Point) -> Bool {
        guard point.isFinite else { return false }
        switch self {
        case .rect(let bounds):
            return bounds.contains(point)
        case .polygon(let vertices):
            guard vertices.count >= 3 else { return false }
            var inside = false
            var j = vertices.count - 1
            for i in vertices.indices {
                let a = vertices[i], b = vertices[j]
                if Self.onSegment(point, a, b) { return true }
                if (a.y > point.y) != (b.y > point.y) {
                    let crossX = a.x + (point.y - a.y) * (b.x - a.x) / (b.y - a.y)
                    if point.x < crossX { inside.toggle() }
                }
                j = i
            }
            return inside
        }
    }

    /// A point inside the area used as a default start for quests; the vertex average,
    /// which is inside for the convex polygons the map uses (validation checks it).
    public var centre: Point {
        switch self {
        case .rect(let bounds):
            return bounds.centre
        case .polygon(let vertices):
            let n = Double(max(vertices.count, 1))
            return Point(x: vertices.map(\.x).reduce(0, +) / n, y: vertices.map(\.y).reduce(0, +) / n)
        }
    }

    private static func onSegment(_ p: Point, _ a: Point, _ b: Point) -> Bool {
        let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
        let length = a.distance(to: b)
        guard abs(cross) <= 1e-9 * max(length, 1) * max(length, 1) else { return false }
        return p.x >= min(a.x, b.x) - 1e-9 && p.x <= max(a.x, b.x) + 1e-9
            && p.y >= min(a.y, b.y) - 1e-9 && p.y <= max(a.y, b.y) + 1e-9
    }
}

/// A named part of the map with one terrain and a danger level that drives quest difficulty.
public struct Region: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var terrain: Terrain
    /// Danger from 1 (a nap in the sun) to 5 (the ninth life is at stake).
    public var hazard: Int
    public var area: RegionArea

    public init(id: String, name: String, terrain: Terrain, hazard: Int, area: RegionArea) {
        self.id = id
        self.name = name
        self.terrain = terrain
        self.hazard = hazard
        self.area = area
    }

    public func contains(_ point: Point) -> Bool { area.contains(point) }

    /// Where quests in this region start when the requester's position is unknown.
    public var centre: Point { area.centre }
}
