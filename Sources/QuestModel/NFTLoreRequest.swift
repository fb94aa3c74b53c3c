import NFTArt
import World

/// What the model needs to write one NFT's name and lore: where the NFT lies, the parts
/// its seed picked, and the seed that fixes the sampling.
///
/// ```swift
/// let parts = catalog.parts(for: seed)
/// let request = NFTLoreRequest(region: "whiskerwood", pointOfInterest: "owlbane-tower", parts: parts, seed: seed)
/// // header: "<nft> whiskerwood owlbane-tower ginger tabby wizard-hat sitting"
/// ```
public struct NFTLoreRequest: Hashable, Sendable {
    /// The region id, e.g. `whiskerwood`.
    public var region: String
    /// The nearest named place's id, or nil when the NFT lies away from any.
    public var pointOfInterest: String?
    public var parts: NFTParts
    public var seed: NFTSeed

    public init(region: String, pointOfInterest: String?, parts: NFTParts, seed: NFTSeed) {
        self.region = region
        self.pointOfInterest = pointOfInterest
        self.parts = parts
        self.seed = seed
    }

    /// The request for the drop with `seed`, placed as the server's NFT spawner places it:
    /// region `draw("nft-place", "region") mod regions`, then one of that region's points of
    /// interest by `draw("nft-place", "poi")`, and the parts `catalog.parts(for: seed)`.
    /// Nil for a world without regions.
    public init?(seed: NFTSeed, world: World, catalog: NFTPartsCatalog) {
        guard !world.regions.isEmpty else { return nil }
        let region = world.regions[Int(seed.draw(domain: "nft-place", label: "region") % UInt64(world.regions.count))]
        let places = world.pointsOfInterest(inRegion: region.id)
        let place = places.isEmpty ? nil : places[Int(seed.draw(domain: "nft-place", label: "poi") % UInt64(places.count))]
        self.init(region: region.id, pointOfInterest: place?.id, parts: catalog.parts(for: seed), seed: seed)
    }

    /// The sample's first line, the prompt the model continues:
    /// `<nft> <region> <poi or -> <coat> <markings> <accessory> <pose>`, where markings and an
    /// accessory without lore (the catalogue's "none") are `no-markings` and `no-accessory`.
    public var header: String {
        let fields = [
            region, pointOfInterest ?? "-", parts.coat.id, NFTLoreVocabulary.headerField(markings: parts.markings),
            NFTLoreVocabulary.headerField(accessory: parts.accessory), parts.body.id,
        ]
        return "<nft> " + fields.joined(separator: " ")
    }

    /// One seed per attempt, fixed by the NFT's seed.
    var attemptSeeds: SplitMix64 {
        SplitMix64(seed: seed.draw(domain: "nft-lore-model", label: "attempts"))
    }
}

/// What the model wrote for one NFT, with the bookkeeping a server or benchmark wants.
public struct NFTLoreOutput: Hashable, Sendable {
    /// The name and description, references rendered, checked by `NFTMetadata.validate(name:description:)`.
    public var lore: NFTLore
    /// The sample as the model wrote it, references unrendered.
    public var document: NFTLoreDocument
    /// The sample as the model wrote it, prompt included.
    public var text: String
    /// 1 when the first attempt was valid.
    public var attempts: Int
    /// Why each earlier attempt was refused.
    public var failures: [String]
    /// Tokens sampled in the successful attempt (prompt excluded).
    public var sampledTokens: Int

    public var name: String { lore.name }
    public var description: String { lore.description }
}
