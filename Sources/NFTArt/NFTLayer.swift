/// The choices a cat is made of, in the fixed order used for picking, drawing and attributes.
public enum NFTLayer: String, CaseIterable, Hashable, Sendable {
    case background, body, coat, markings, face, accessory

    /// The ERC-721 `trait_type` shown for this layer on marketplaces.
    public var traitType: String {
        switch self {
        case .background: "Background"
        case .body: "Pose"
        case .coat: "Coat"
        case .markings: "Markings"
        case .face: "Expression"
        case .accessory: "Accessory"
        }
    }

    /// The list's key in the catalogue file.
    public var catalogKey: String {
        switch self {
        case .background: "backgrounds"
        case .body: "bodies"
        case .coat: "coats"
        case .markings: "markings"
        case .face: "faces"
        case .accessory: "accessories"
        }
    }
}
