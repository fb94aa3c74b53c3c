/// A point on the canvas. Integers, so placing a part never formats a floating-point number.
public struct NFTPoint: Hashable, Sendable {
    public let x: Int
    public let y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// Where a marking or accessory fragment is drawn: the canvas itself or a point the pose names.
public enum NFTAnchor: String, CaseIterable, Hashable, Sendable {
    /// Canvas coordinates, no translation.
    case canvas
    /// The centre of the head; faces, hats and collars are drawn around it.
    case head, chest, back
    /// The tip of the tail.
    case tail
    /// Every paw the pose shows; the fragment is drawn once at each.
    case paws
}

/// The points a pose offers to markings and accessories.
public struct NFTBodyAnchors: Hashable, Sendable {
    public let head: NFTPoint
    public let chest: NFTPoint
    public let back: NFTPoint
    public let tail: NFTPoint
    public let paws: [NFTPoint]

    /// The points a fragment for `anchor` is drawn at; `.canvas` is the origin.
    public func points(for anchor: NFTAnchor) -> [NFTPoint] {
        switch anchor {
        case .canvas: [NFTPoint(x: 0, y: 0)]
        case .head: [head]
        case .chest: [chest]
        case .back: [back]
        case .tail: [tail]
        case .paws: paws
        }
    }
}
