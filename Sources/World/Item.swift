/// How hard an item is to find; pricing and difficulty scale with it.
public enum Rarity: String, Codable, CaseIterable, Comparable, Hashable, Sendable {
    case common, uncommon, rare, epic, legendary

    /// 0 for common up to 4 for legendary.
    public var rank: Int {
        switch self {
        case .common: 0
        case .uncommon: 1
        case .rare: 2
        case .epic: 3
        case .legendary: 4
        }
    }

    public static func < (lhs: Rarity, rhs: Rarity) -> Bool { lhs.rank < rhs.rank }
}

/// A thing a cat can pick up. It exists only in the listed regions, which is how the
/// server decides where its sources may lie.
public struct Item: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var rarity: Rarity
    /// Ids of the regions where the item is found.
    public var regions: [String]

    public init(id: String, name: String, rarity: Rarity, regions: [String]) {
        self.id = id
        self.name = name
        self.rarity = rarity
        self.regions = regions
    }
}
