/// One ERC-721 attribute, `{"trait_type": ..., "value": ...}`.
public struct NFTAttribute: Hashable, Sendable {
    public let traitType: String
    public let value: String

    public init(traitType: String, value: String) {
        self.traitType = traitType
        self.value = value
    }
}

/// The parts a seed picked, one per layer.
public struct NFTParts: Hashable, Sendable {
    public let background: NFTBackground
    public let body: NFTBody
    public let coat: NFTCoat
    public let markings: NFTOverlay
    public let face: NFTFace
    public let accessory: NFTOverlay

    /// The attributes in fixed layer order: Background, Pose, Coat, Markings, Expression, Accessory.
    public var attributes: [NFTAttribute] {
        NFTLayer.allCases.map { NFTAttribute(traitType: $0.traitType, value: name(of: $0)) }
    }

    /// The chosen ids joined by "/", in layer order: equal keys mean identical art.
    public var combinationKey: String {
        NFTLayer.allCases.map { id(of: $0) }.joined(separator: "/")
    }

    /// The chosen part's id in `layer`.
    public func id(of layer: NFTLayer) -> String {
        switch layer {
        case .background: background.id
        case .body: body.id
        case .coat: coat.id
        case .markings: markings.id
        case .face: face.id
        case .accessory: accessory.id
        }
    }

    /// The chosen part's display name in `layer`.
    public func name(of layer: NFTLayer) -> String {
        switch layer {
        case .background: background.name
        case .body: body.name
        case .coat: coat.name
        case .markings: markings.name
        case .face: face.name
        case .accessory: accessory.name
        }
    }
}
