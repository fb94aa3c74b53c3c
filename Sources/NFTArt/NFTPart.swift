/// What every choosable part has: a stable id, the attribute value people see, and a relative weight.
public protocol NFTWeightedPart: Hashable, Sendable {
    /// Unique within its layer; lower-case letters, digits and hyphens.
    var id: String { get }
    /// The ERC-721 attribute value, e.g. "Wizard Hat".
    var name: String { get }
    /// Relative chance of being picked, a whole number from 1 to 1,000,000.
    var weight: Int { get }
}

/// A full-canvas scene drawn first.
public struct NFTBackground: NFTWeightedPart {
    public let id: String
    public let name: String
    public let weight: Int
    /// SVG fragment in canvas coordinates.
    public let svg: String
}

/// The head every pose shares, drawn centred on the pose's head anchor.
public struct NFTHead: Hashable, Sendable {
    /// Unpainted shapes: outlined, filled with the coat, and used to clip head markings.
    public let silhouette: String
    /// Inner ears, nose, mouth and whiskers, drawn over the head markings.
    public let details: String
}

/// A pose: the cat's silhouette in canvas coordinates and the anchors other parts attach to.
public struct NFTBody: NFTWeightedPart {
    public let id: String
    public let name: String
    public let weight: Int
    /// What the lore writer says the cat does, e.g. "folds into a perfect loaf".
    public let lore: String?
    /// Drawn under the cat (a ground shadow); may be empty.
    public let shadow: String
    /// Unpainted shapes: outlined, filled with the coat, and used to clip body markings.
    public let silhouette: String
    /// Leg lines and toes, drawn over the markings; may be empty.
    public let details: String
    public let anchors: NFTBodyAnchors
}

/// A coat colouring: no shapes of its own, it paints every placeholder.
public struct NFTCoat: NFTWeightedPart {
    public let id: String
    public let name: String
    public let weight: Int
    /// The colour word the lore writer uses, e.g. "silver-grey".
    public let lore: String?
    public let palette: NFTPalette
}

/// Markings or an accessory: fragments drawn at the pose's anchors. Markings are clipped to the
/// cat; accessories are drawn on top of everything. An entry with no fragments draws nothing.
public struct NFTOverlay: NFTWeightedPart {
    public let id: String
    public let name: String
    public let weight: Int
    /// The phrase the lore writer uses, e.g. "a wizard hat stitched with stars"; nil means "not worth a mention".
    public let lore: String?
    /// Each fragment in its anchor's local coordinates.
    public let fragments: [NFTAnchor: String]
}

/// An expression: eyes (and anything else) in head coordinates, drawn over the head details.
public struct NFTFace: NFTWeightedPart {
    public let id: String
    public let name: String
    public let weight: Int
    public let svg: String
}
