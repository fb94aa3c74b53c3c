import Foundation

/// A name and a few sentences of lore for one drop.
public struct NFTLore: Hashable, Sendable {
    public let name: String
    public let description: String

    /// A name and description from any writer (the template writer or the quest model).
    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}

/// Writes names and lore from templates until the model writes them: deterministic in the seed,
/// consistent with the parts (it names the coat, markings, pose and accessory) and the place.
///
/// Every pick is `seed.draw(domain: "nft-lore", label: slot) mod count` over the word lists in
/// `NFTLoreWriter+Words.swift`, one slot per choice (`name-template`, `given`, `title`,
/// `surname-start`, `surname-end`, `honorific`, `opening`, `accessory`, `rumour`), so each choice
/// is independent and reproducible.
///
/// Names use one of four templates, e.g. "Saffron the Lantern-Keeper of Whiskerwood",
/// "Saffron Moonwhisker", "Saffron Moonwhisker of Port Mackerel", "Old Saffron the Lantern-Keeper".
/// A place-bearing name longer than `NFTMetadata.nameLimit` falls back to "Given Surname".
/// The description is two or three sentences: who and where (coat, markings, pose, place), what
/// the cat carries (its accessory, or a remark on travelling light), and half the time a rumour.
///
/// Place names are cleaned first: control characters removed, whitespace runs collapsed, cut to
/// 48 characters; an empty region becomes "the wilds". The output always passes
/// `NFTMetadata.validate(name:description:)`.
public struct NFTLoreWriter: Sendable {
    /// The domain string hashed with the seed for lore choices.
    public static let drawDomain = "nft-lore"
    /// Longest place name kept, in Unicode scalars.
    public static let placeLimit = 48

    public init() {}

    /// The name and lore for `seed`.
    ///
    /// - Parameters:
    ///   - parts: the parts the same seed picked; their `lore` phrases are quoted.
    ///   - region: the map region where the NFT lies, e.g. "Whiskerwood".
    ///   - pointOfInterest: the nearest named place, if any, e.g. "The Purring Mill".
    public func write(seed: NFTSeed, parts: NFTParts, region: String, pointOfInterest: String? = nil) -> NFTLore {
        func pick(_ slot: String, _ words: [String]) -> String {
            words[Int(seed.draw(domain: Self.drawDomain, label: slot) % UInt64(words.count))]
        }
        func choice(_ slot: String, _ count: Int) -> Int {
            Int(seed.draw(domain: Self.drawDomain, label: slot) % UInt64(count))
        }
        let regionName = Self.cleanPlace(region) ?? "the wilds"
        let poi = pointOfInterest.flatMap(Self.cleanPlace)
        let given = pick("given", Self.givenNames)
        let title = pick("title", Self.titles)
        let surname = pick("surname-start", Self.surnameStarts) + pick("surname-end", Self.surnameEnds)
        let place = poi ?? regionName

        var name: String
        switch choice("name-template", 4) {
        case 0: name = "\(given) the \(title) of \(place)"
        case 1: name = "\(given) \(surname)"
        case 2: name = "\(given) \(surname) of \(place)"
        default: name = "\(pick("honorific", Self.honorifics)) \(given) the \(title)"
        }
        if name.unicodeScalars.count > NFTMetadata.nameLimit { name = "\(given) \(surname)" }

        let coat = parts.coat.lore ?? parts.coat.name.lowercased()
        let pose = parts.body.lore ?? "waits"
        let markings = parts.markings.lore.map { " with \($0)" } ?? ""
        let cat = "\(Self.article(for: coat)) \(coat) cat\(markings)"
        var sentences: [String] = []
        switch choice("opening", 3) {
        case 0:
            let location = poi.map { "near \($0) in \(regionName)" } ?? "in \(regionName)"
            sentences.append("\(given) is \(cat) who \(pose) \(location).")
        case 1:
            let near = poi.map { " near \($0)" } ?? ""
            sentences.append("Folk in \(regionName) speak of \(given), \(cat) who \(pose)\(near).")
        default:
            let near = poi.map { " by \($0)" } ?? ""
            let fur = parts.markings.lore.map { "\(coat) fur and \($0)" } ?? "\(coat) fur"
            sentences.append("Most evenings \(given) \(pose)\(near) in \(regionName), \(fur) catching the last of the light.")
        }
        if let accessory = parts.accessory.lore {
            let line = pick("accessory", Self.accessoryLines)
            sentences.append(Self.fill(line, given: given, accessory: accessory, region: regionName))
        } else {
            let line = pick("accessory", Self.travellingLightLines)
            sentences.append(Self.fill(line, given: given, accessory: "", region: regionName))
        }
        let rumour = choice("rumour", Self.rumours.count * 2)
        if rumour < Self.rumours.count { sentences.append(Self.rumours[rumour]) }
        return NFTLore(name: name, description: sentences.joined(separator: " "))
    }

    /// "an" before a vowel letter, "a" otherwise: enough for the colour words the catalogue uses.
    static func article(for word: String) -> String {
        guard let first = word.lowercased().first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    static func fill(_ line: String, given: String, accessory: String, region: String) -> String {
        line.replacingOccurrences(of: "{given}", with: given)
            .replacingOccurrences(of: "{accessory}", with: accessory)
            .replacingOccurrences(of: "{region}", with: region)
    }

    /// Removes control characters, collapses whitespace, cuts to `placeLimit`; nil if nothing is left.
    static func cleanPlace(_ text: String) -> String? {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(scalar)
            if out.count >= placeLimit { break }
        }
        let cleaned = String(out)
        return cleaned.isEmpty ? nil : cleaned
    }
}
