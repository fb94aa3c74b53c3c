/// Every part a cat can be drawn from, validated, with the seeded choice of one per layer.
///
/// The choice, exactly, so anyone can recompute it from the catalogue file and a seed:
/// 1. Write the seed as 64 lower-case hex digits (`NFTSeed.hex`).
/// 2. For each layer in order (`background`, `body`, `coat`, `markings`, `face`, `accessory`), take
///    SHA-256 of the UTF-8 text `"nft-parts|<seed hex>|<layer>"` and read its first 8 bytes as a
///    big-endian unsigned integer `r`.
/// 3. Let `W` be the sum of the layer's weights (file order, an absent weight counting 10) and `t = r mod W`.
///    The pick is the first entry whose running total of weights exceeds `t`.
///
/// Each layer hashes its own name, so adding a layer never changes the others' picks. The bias of
/// `mod W` is below W / 2^64, far under one part in a billion for any catalogue the loader accepts.
public struct NFTPartsCatalog: Hashable, Sendable {
    /// The weight an entry gets when the file gives none.
    public static let defaultWeight = 10
    /// The domain string hashed with the seed for part choices.
    public static let drawDomain = "nft-parts"

    /// Where the catalogue was read from, for messages.
    public let file: String
    public let head: NFTHead
    public let backgrounds: [NFTBackground]
    public let bodies: [NFTBody]
    public let coats: [NFTCoat]
    public let markings: [NFTOverlay]
    public let faces: [NFTFace]
    public let accessories: [NFTOverlay]

    /// How many different cats the catalogue can draw: the product of the layer sizes
    /// (`Int.max` if that overflows, which no real catalogue reaches).
    public var combinationCount: Int {
        let sizes = [backgrounds.count, bodies.count, coats.count, markings.count, faces.count, accessories.count]
        var product = 1
        for size in sizes {
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            if overflow { return Int.max }
            product = next
        }
        return product
    }

    /// Picks one part per layer for `seed`, by the procedure in the type's documentation.
    public func parts(for seed: NFTSeed) -> NFTParts {
        func draw(_ layer: NFTLayer) -> UInt64 { seed.draw(domain: Self.drawDomain, label: layer.rawValue) }
        return NFTParts(
            background: Self.pick(backgrounds, draw(.background)),
            body: Self.pick(bodies, draw(.body)),
            coat: Self.pick(coats, draw(.coat)),
            markings: Self.pick(markings, draw(.markings)),
            face: Self.pick(faces, draw(.face)),
            accessory: Self.pick(accessories, draw(.accessory)))
    }

    /// The weighted pick of step 3. `parts` is never empty: the loader refuses an empty layer.
    static func pick<Part: NFTWeightedPart>(_ parts: [Part], _ draw: UInt64) -> Part {
        let total = parts.reduce(UInt64(0)) { $0 + UInt64($1.weight) }
        let target = draw % max(total, 1)
        var running: UInt64 = 0
        for part in parts {
            running += UInt64(part.weight)
            if target < running { return part }
        }
        return parts[parts.count - 1]
    }
}
