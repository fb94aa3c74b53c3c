/// Map NFTs' art and metadata: an SVG cat composed from parts chosen by a seed.
///
/// A drop is made in four steps, each a pure function of what came before:
/// ```swift
/// let catalog = try NFTPartsCatalog.loadDefault(root: repositoryRoot)
/// let artwork = NFTArtwork(seed: NFTSeed(42), catalog: catalog)
/// let lore = NFTLoreWriter().write(seed: artwork.seed, parts: artwork.parts, region: "Whiskerwood")
/// let metadata = try NFTMetadata(name: lore.name, description: lore.description, artwork: artwork)
/// // serve metadata.canonicalJSON at /nft/\(metadata.id).json and metadata.svg at /nft/\(metadata.id).svg
/// ```
public enum NFTArt {
    /// Where the shipped parts catalogue lives, relative to the repository root.
    public static let catalogPath = "assets/nft/parts.json"
    /// The side of the square canvas in SVG user units; every anchor lies within it.
    public static let canvasSize = 256
}
