import Foundation
import PurrCrypto

/// An NFT's ERC-721 metadata JSON, with the canonical bytes whose hash is the NFT's id.
///
/// ```swift
/// let metadata = try NFTMetadata(name: "Saffron the Lantern-Keeper", description: "…", artwork: artwork)
/// // GET /nft/\(metadata.id).json -> metadata.canonicalJSON
/// // GET /nft/\(metadata.id).svg  -> metadata.svg
/// ```
///
/// The canonical encoding, byte for byte (what `canonicalJSON` holds and `id` hashes):
/// - UTF-8, no byte-order mark, no whitespace outside strings, no trailing newline.
/// - One object whose keys appear in code-point order: `attributes`, `description`, `image`, `name`, `seed`.
/// - `attributes` is a list of `{"trait_type":…,"value":…}` objects (keys in that order), in the
///   fixed layer order Background, Pose, Coat, Markings, Expression, Accessory.
/// - Every value is a string: no numbers, booleans or nulls, so no number formatting to agree on.
/// - Inside strings `"` is written `\"`, `\` is written `\\`, and U+0000–U+001F as `\u00xx` with
///   lower-case hex; every other character, `/` and non-ASCII included, is its own UTF-8 bytes.
///   Validation keeps control characters out, so in practice only `"` and `\` are ever escaped.
/// - `image` is `data:image/svg+xml;base64,` and the standard base64 (RFC 4648 section 4, `=` padding,
///   no line breaks) of the SVG's UTF-8 bytes.
/// - `seed` is the seed's 64 lower-case hex digits.
///
/// `id` is the lower-case hex SHA-256 of those bytes. The art is embedded rather than linked so
/// that the id commits to the picture itself: change one path and the id changes, and the JSON
/// alone shows and proves the NFT without trusting whichever server hands it out. The seed is
/// included so two drops that happen to pick the same parts, name and lore still differ.
public struct NFTMetadata: Hashable, Sendable {
    /// Longest name, in Unicode scalars.
    public static let nameLimit = 64
    /// Longest description, in Unicode scalars.
    public static let descriptionLimit = 1000
    /// Longest attribute trait type or value, in Unicode scalars.
    public static let attributeLimit = 64
    /// Largest SVG accepted, in UTF-8 bytes; the composer's are a few KB.
    public static let svgLimit = 65_536
    /// What every `image` starts with.
    public static let imagePrefix = "data:image/svg+xml;base64,"

    public let name: String
    public let description: String
    /// The SVG document, as served at `/nft/{id}.svg`.
    public let svg: String
    public let attributes: [NFTAttribute]
    public let seed: NFTSeed
    /// The canonical bytes described above; serve them as `/nft/{id}.json` so clients can hash the body.
    public let canonicalJSON: [UInt8]
    /// Lower-case hex SHA-256 of `canonicalJSON`.
    public let id: String

    /// Builds metadata from its parts after checking them.
    ///
    /// - Parameters:
    ///   - name: 1 to 64 Unicode scalars, no control characters, no leading or trailing whitespace.
    ///   - description: up to 1,000 Unicode scalars, same rules; may be empty.
    ///   - svg: the art; embedded in `image`.
    ///   - attributes: each trait type and value 1 to 64 scalars, same rules.
    /// - Throws: `NFTMetadataError` naming the field that is wrong.
    public init(name: String, description: String, svg: String, attributes: [NFTAttribute], seed: NFTSeed)
        throws(NFTMetadataError) {
        try Self.validate(name: name, description: description)
        for (index, attribute) in attributes.enumerated() {
            if let problem = TextRules.problem(in: attribute.traitType, limit: Self.attributeLimit, allowEmpty: false) {
                throw NFTMetadataError(problem, field: "attributes[\(index)].trait_type")
            }
            if let problem = TextRules.problem(in: attribute.value, limit: Self.attributeLimit, allowEmpty: false) {
                throw NFTMetadataError(problem, field: "attributes[\(index)].value")
            }
        }
        guard svg.hasPrefix("<svg"), svg.utf8.count <= Self.svgLimit else {
            throw NFTMetadataError(
                code: .invalidImage, field: "image",
                reason: "the image must be an SVG document starting with <svg and at most \(Self.svgLimit) bytes")
        }
        self.name = name
        self.description = description
        self.svg = svg
        self.attributes = attributes
        self.seed = seed
        canonicalJSON = Self.document(name: name, description: description, svg: svg, attributes: attributes, seed: seed)
            .canonicalBytes
        id = Hex.encode(SHA256.hash(canonicalJSON))
    }

    /// Metadata for composed art: its attributes are the parts' names, its SVG titled with `name`.
    /// - Throws: `NFTMetadataError` naming the field that is wrong.
    public init(name: String, description: String, artwork: NFTArtwork) throws(NFTMetadataError) {
        try Self.validate(name: name, description: description)
        try self.init(
            name: name, description: description, svg: artwork.svg(title: name),
            attributes: artwork.parts.attributes, seed: artwork.seed)
    }

    /// The whole drop in one call: picks the parts for `seed`, composes the art, builds the metadata.
    ///
    /// ```swift
    /// let metadata = try NFTMetadata(seed: seed, name: lore.name, description: lore.description, catalog: catalog)
    /// ```
    /// - Throws: `NFTMetadataError` naming the field that is wrong.
    public init(seed: NFTSeed, name: String, description: String, catalog: NFTPartsCatalog) throws(NFTMetadataError) {
        try self.init(name: name, description: description, artwork: NFTArtwork(seed: seed, catalog: catalog))
    }

    /// Checks a name and description without building anything, e.g. before accepting a model's text.
    /// - Throws: `NFTMetadataError` with field `name` or `description`.
    public static func validate(name: String, description: String) throws(NFTMetadataError) {
        if let problem = TextRules.problem(in: name, limit: nameLimit, allowEmpty: false) {
            throw NFTMetadataError(problem, field: "name")
        }
        if let problem = TextRules.problem(in: description, limit: descriptionLimit, allowEmpty: true) {
            throw NFTMetadataError(problem, field: "description")
        }
    }

    /// The `data:` URI embedding `svg`, as it appears in `image`.
    public static func imageURI(svg: String) -> String {
        imagePrefix + Data(svg.utf8).base64EncodedString()
    }

    /// The `image` field.
    public var image: String { Self.imageURI(svg: svg) }

    /// The same JSON indented for people. It is not what the id hashes; serve `canonicalJSON`
    /// where clients should verify.
    public var prettyJSON: String {
        Self.document(name: name, description: description, svg: svg, attributes: attributes, seed: seed).pretty
    }

    static func document(name: String, description: String, svg: String, attributes: [NFTAttribute], seed: NFTSeed)
        -> CanonicalJSON {
        .object([
            "name": .string(name),
            "description": .string(description),
            "image": .string(imageURI(svg: svg)),
            "attributes": .array(attributes.map { .object(["trait_type": .string($0.traitType), "value": .string($0.value)]) }),
            "seed": .string(seed.hex),
        ])
    }
}
