import Quests
import World

extension QuestDocument {
    /// Writes an existing spec in the spec language: the inverse of `spec(...)`.
    ///
    /// Every target must be a point of interest (the language names places, never
    /// coordinates), so specs from `GrammarQuestGenerator`, whose sources are random
    /// points, are refused. Objective phrases in the description (``ObjectivePhrase``, in
    /// order) become `{@k}`, display names in the title and description `{id}`
    /// references; characters the prose cannot hold are replaced (braces by parentheses,
    /// line breaks by spaces, common typography by ASCII, anything else by "?").
    /// - Throws: `QuestResolutionError` naming the first target that is not a place.
    public init(spec: QuestSpec, scope: QuestScope, world: World) throws(QuestResolutionError) {
        var lines: [Line] = []
        var entities: [(id: String, name: String)] = []
        if let region = world.region(id: spec.region) { entities.append((region.id, region.name)) }
        for (index, objective) in spec.objectives.enumerated() {
            let field = "objectives[\(index)]"
            switch objective {
            case .reach(let reach):
                let place = try Self.place(named: reach.poi, at: reach.target, world: world, field: "\(field).target")
                entities.append((place.id, place.name))
                lines.append(.reach(place: place.id, conditions: reach.conditions))
            case .collect(let collect):
                var sources: [String] = []
                for (s, source) in collect.sources.enumerated() {
                    let place = try Self.place(named: nil, at: source, world: world, field: "\(field).sources[\(s)]")
                    entities.append((place.id, place.name))
                    sources.append(place.id)
                }
                if let item = world.item(id: collect.item) { entities.append((item.id, item.name)) }
                lines.append(.collect(item: collect.item, count: collect.count, sources: sources, conditions: collect.conditions))
            }
        }
        let phrases = lines.enumerated().compactMap { index, line in
            ObjectivePhrase.render(line, world: world).map { (id: ObjectivePhrase.referenceID(index), name: $0) }
        }
        self.init(
            scope: scope, region: spec.region, difficulty: spec.difficulty, motivation: spec.motivation,
            objectives: lines, title: Self.referencing(spec.title, entities: entities),
            body: Self.referencing(spec.description, entities: entities, inOrder: phrases))
    }

    private static func place(named id: String?, at area: TargetArea, world: World, field: String) throws(QuestResolutionError) -> PointOfInterest {
        if let id, let place = world.pointOfInterest(id: id), area.contains(place.position) { return place }
        let nearest = world.pointsOfInterest.min { $0.position.distance(to: area.centre) < $1.position.distance(to: area.centre) }
        guard let nearest, nearest.position.distance(to: area.centre) < 0.5 else {
            throw QuestResolutionError(
                code: .sourceNotAPlace, field: field,
                reason: "\(area.centre) is not a point of interest; the spec language only names places")
        }
        return nearest
    }

    /// Prose in the language's alphabet with the entities' display names turned into
    /// references, longest name first so "Sea Glass" never becomes "Sea {glass}"; the
    /// `inOrder` phrases only one after the other, each once.
    static func referencing(_ prose: String, entities: [(id: String, name: String)], inOrder: [(id: String, name: String)] = []) -> String {
        let plain = asciiProse(prose)
        let names = entities.filter { !$0.name.isEmpty }.sorted { $0.name.count > $1.name.count }
        var output = ""
        var index = plain.startIndex
        var next = 0
        scan: while index < plain.endIndex {
            if next < inOrder.count, !inOrder[next].name.isEmpty, plain[index...].hasPrefix(inOrder[next].name) {
                output += "{\(inOrder[next].id)}"
                index = plain.index(index, offsetBy: inOrder[next].name.count)
                next += 1
                continue scan
            }
            for entity in names where plain[index...].hasPrefix(entity.name) {
                output += "{\(entity.id)}"
                index = plain.index(index, offsetBy: entity.name.count)
                continue scan
            }
            output.append(plain[index])
            index = plain.index(after: index)
        }
        return output
    }

    /// Maps text into printable ASCII without braces.
    static func asciiProse(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "{": result += "("
            case "}": result += ")"
            case "\n", "\r", "\t": result += " "
            case "\u{2014}": result += "--"
            case "\u{2013}", "\u{2010}", "\u{2011}": result += "-"
            case "\u{00D7}": result += "x"
            case "\u{2018}", "\u{2019}": result += "'"
            case "\u{201C}", "\u{201D}": result += "\""
            case "\u{2026}": result += "..."
            case " "..."~": result.unicodeScalars.append(scalar)
            default: result += "?"
            }
        }
        while result.first == " " { result.removeFirst() }
        return result
    }
}
