import NFTArt

/// The words an NFT's lore uses for its parts, shared by the corpus writer, the grammar's
/// entities and the statistics.
public enum NFTLoreVocabulary {
    /// The coat's colour word as the lore writes it, e.g. "silver-grey": the catalogue's `lore`,
    /// else its name in lower case.
    public static func coatWord(_ coat: NFTCoat) -> String {
        coat.lore ?? coat.name.lowercased()
    }

    /// The header field of markings the catalogue marks as not worth a mention (no `lore`).
    public static let noMarkings = "no-markings"
    /// The header field of an accessory the catalogue marks as not worth a mention.
    public static let noAccessory = "no-accessory"
    /// What `{no-markings}` renders: the lore still says something where markings would go.
    public static let noMarkingsText = "not a single stripe"
    /// What `{no-accessory}` renders: an accessory that is not drawn.
    public static let noAccessoryText = "an invisible collar"

    /// The markings' header field: their id, or `no-markings` for markings without lore.
    public static func headerField(markings: NFTOverlay) -> String {
        markings.lore == nil ? noMarkings : markings.id
    }

    /// The accessory's header field: its id, or `no-accessory` for an accessory without lore.
    public static func headerField(accessory: NFTOverlay) -> String {
        accessory.lore == nil ? noAccessory : accessory.id
    }

    /// What a lore written for `parts` at `place` should mention, for statistics: the place's
    /// name, the coat's colour word, and the markings', accessory's and pose's lore phrases
    /// where the catalogue gives one.
    public static func expectedMentions(parts: NFTParts, place: String) -> [(field: String, text: String)] {
        var result: [(String, String)] = [("place", place), ("coat", coatWord(parts.coat))]
        if let markings = parts.markings.lore { result.append(("markings", markings)) }
        if let accessory = parts.accessory.lore { result.append(("accessory", accessory)) }
        if let pose = parts.body.lore { result.append(("pose", pose)) }
        return result
    }
}
