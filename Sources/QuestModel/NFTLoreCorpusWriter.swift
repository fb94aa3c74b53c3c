import NFTArt
import World

/// Writes one NFT lore sample of the corpus from a seeded generator: a region and (mostly)
/// one of its points of interest, one part per layer (uniformly, so rare parts are learned
/// too), a cat's name, the NFT's name from one of `NFTLorePhrasebook.namePatterns`, and one to
/// three sentences: who and where (always referring to the place and the coat), what the cat
/// carries, and a rumour, a habit or a line about the region or the place. Everything the
/// header fixes is written as a reference (`{cat}`, `{owlbane-tower}`, `{ginger}`, …), as the
/// model must write it.
struct NFTLoreCorpusWriter {
    let world: World
    let catalog: NFTPartsCatalog
    var rng: SplitMix64

    init(world: World, catalog: NFTPartsCatalog, rng: SplitMix64) {
        self.world = world
        self.catalog = catalog
        self.rng = rng
    }

    /// The references of one sample, fixed before any sentence is written.
    private struct Subject {
        var region: Region
        var place: PointOfInterest?
        var coat: NFTCoat
        var markings: NFTOverlay
        var accessory: NFTOverlay
        var body: NFTBody
        var at = ""
        var near = ""

        func reference(_ id: String) -> String { "{\(id)}" }
        var placeReference: String { reference(place?.id ?? region.id) }
    }

    mutating func write() -> NFTLoreDocument? {
        guard let region = pick(world.regions), let body = pick(catalog.bodies), let coat = pick(catalog.coats),
              let markings = pick(catalog.markings), let accessory = pick(catalog.accessories),
              let cat = pick(NFTLorePhrasebook.givenNames) else { return nil }
        let places = world.pointsOfInterest(inRegion: region.id)
        let place = rng.nextUnit() < 0.85 ? pick(places) : nil
        var subject = Subject(region: region, place: place, coat: coat, markings: markings, accessory: accessory, body: body)
        let where_ = place == nil ? NFTLorePhrasebook.inRegion : NFTLorePhrasebook.nearPlace
        subject.at = (pick(where_) ?? "in $place").replacingOccurrences(of: "$place", with: subject.placeReference)
            .replacingOccurrences(of: "$region", with: subject.reference(region.id))
        subject.near = place == nil ? "" : " " + subject.at

        let name = makeName(subject, cat: cat)
        var sentences = [fill(pick(NFTLorePhrasebook.identities) ?? "$g is $cat who $pose $at.", subject)]
        let roll = rng.nextUnit()
        let count = roll < 0.1 ? 1 : roll < 0.5 ? 2 : 3
        if count >= 2 {
            sentences.append(fill(rng.nextUnit() < 0.85 ? pick(NFTLorePhrasebook.accessories) ?? "" : extraSentence(subject), subject))
        }
        if count >= 3 {
            let extra = fill(extraSentence(subject), subject)
            if rng.nextUnit() < 0.15 { sentences.insert(extra, at: 0) } else { sentences.append(extra) }
        }
        let lore = sentences.map(Self.capitalizingFirst).joined(separator: " ")
        return NFTLoreDocument(
            region: region.id, pointOfInterest: place?.id, coat: coat.id,
            markings: NFTLoreVocabulary.headerField(markings: markings), accessory: NFTLoreVocabulary.headerField(accessory: accessory),
            pose: body.id, cat: cat, name: name, lore: lore)
    }

    /// A rumour, a habit, or a line about the region's terrain or the place (the quest
    /// phrasebook's, whose `$region` and `$poi` are references already).
    private mutating func extraSentence(_ subject: Subject) -> String {
        let roll = rng.nextUnit()
        if roll < 0.25, let line = pick(QuestPhrasebook.flavour(for: subject.region.terrain)) { return line }
        if roll < 0.45, let place = subject.place, let line = pick(QuestPhrasebook.placeFlavour(for: place.kind)) {
            return line.replacingOccurrences(of: "$poi", with: subject.reference(place.id))
        }
        if roll < 0.7 { return pick(NFTLorePhrasebook.rumours) ?? "" }
        return pick(NFTLorePhrasebook.habits) ?? ""
    }

    private mutating func makeName(_ subject: Subject, cat: String) -> String {
        let surname = (pick(NFTLorePhrasebook.surnameStarts) ?? "Moon") + (pick(NFTLorePhrasebook.surnameEnds) ?? "paw")
        let slots: [(String, String)] = [
            ("$g", "{cat}"),
            ("$h", pick(NFTLorePhrasebook.honorifics) ?? "Old"),
            ("$t", pick(NFTLorePhrasebook.titles) ?? "Wanderer"),
            ("$s", surname),
            ("$p", subject.placeReference),
            ("$c", subject.reference(subject.coat.id)),
        ]
        var name = pick(NFTLorePhrasebook.namePatterns) ?? "$g $s"
        for (slot, value) in slots { name = name.replacingOccurrences(of: slot, with: value) }
        // Measure it rendered: the references' texts, not their ids, count toward the limit.
        let rendered = name.replacingOccurrences(of: "{cat}", with: cat)
            .replacingOccurrences(of: subject.placeReference, with: subject.place?.name ?? subject.region.name)
            .replacingOccurrences(of: subject.reference(subject.coat.id), with: NFTLoreVocabulary.coatWord(subject.coat))
        return rendered.unicodeScalars.count > NFTMetadata.nameLimit ? "{cat} \(surname)" : name
    }

    private mutating func fill(_ template: String, _ subject: Subject) -> String {
        let coat = NFTLoreVocabulary.coatWord(subject.coat)
        let markings = subject.reference(NFTLoreVocabulary.headerField(markings: subject.markings))
        let withMarks = " with \(markings)"
        var text = vary(template)
        let slots: [(String, String)] = [
            ("$acc", subject.reference(NFTLoreVocabulary.headerField(accessory: subject.accessory))),
            ("$andMarks", " and \(markings)"),
            ("$withMarks", withMarks),
            ("$cat", "\(Self.article(coat)) \(subject.reference(subject.coat.id)) cat\(withMarks)"),
            ("$coat", subject.reference(subject.coat.id)),
            ("$pose", subject.body.lore == nil ? "waits patiently" : subject.reference(subject.body.id)),
            ("$at", subject.at),
            ("$near", subject.near),
            ("$place", subject.placeReference),
            ("$region", subject.reference(subject.region.id)),
            ("$g", "{cat}"),
        ]
        for (slot, value) in slots { text = text.replacingOccurrences(of: slot, with: value) }
        return text
    }

    /// Expands every `[a|b|c]` in a template to one of its options.
    private mutating func vary(_ template: String) -> String {
        guard template.contains("[") else { return template }
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            result += rest[..<open]
            let options = rest[rest.index(after: open)..<close].split(separator: "|", omittingEmptySubsequences: false)
            result += pick(options) ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private mutating func pick<T>(_ options: [T]) -> T? {
        guard !options.isEmpty else { return nil }
        return options[rng.nextInt(in: 0...(options.count - 1))]
    }

    /// "an" before a vowel letter, "a" otherwise: enough for the catalogue's colour words.
    static func article(_ word: String) -> String {
        guard let first = word.lowercased().first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    /// Raises the first letter of a sentence that starts with a word; one that starts with a
    /// reference is capitalised when rendered.
    static func capitalizingFirst(_ text: String) -> String {
        guard let first = text.first, first != "{" else { return text }
        return first.uppercased() + text.dropFirst()
    }
}
