import Foundation
import Quests
import World

extension QuestDocument {
    /// Turns the document into a spec: places become target circles at their positions
    /// (reach radius for places to reach, claim radius for sources), references become
    /// display names, and the time limit is computed from the reference route exactly as
    /// `GrammarQuestGenerator` does (profile slack × travel + waits + buffer, in whole
    /// minutes). The model never writes a time limit, so every spec it yields is solvable.
    ///
    /// - Parameters:
    ///   - origin: where the route starts; nil means the region's centre.
    ///   - now: when the quest starts; weather waits are walked from here.
    ///   - horizon: how long the reference walk may wait for conditions before giving up.
    /// - Throws: `QuestResolutionError` for an unknown id, or conditions that do not all
    ///   come true within the horizon.
    public func spec(
        lexicon: QuestLexicon, origin: Point? = nil, now: Date, bufferSeconds: Double = 300,
        horizon: TimeInterval = 24 * 3_600
    ) throws(QuestResolutionError) -> QuestSpec {
        let world = lexicon.world
        guard let region = world.region(id: region) else {
            throw QuestResolutionError(code: .unknownRegion, field: "region", reason: "no region has id \"\(self.region)\"")
        }
        var objectives: [Objective] = []
        for (index, line) in self.objectives.enumerated() {
            let field = "objectives[\(index)]"
            switch line {
            case .reach(let placeID, let conditions):
                guard let place = world.pointOfInterest(id: placeID) else {
                    throw QuestResolutionError(code: .unknownPlace, field: "\(field).place", reason: "no point of interest has id \"\(placeID)\"")
                }
                let target = TargetArea(centre: place.position, radius: world.settings.reachRadius)
                objectives.append(.reach(ReachObjective(target: target, poi: place.id, conditions: conditions)))
            case .collect(let itemID, let count, let sourceIDs, let conditions):
                guard world.item(id: itemID) != nil else {
                    throw QuestResolutionError(code: .unknownItem, field: "\(field).item", reason: "no item has id \"\(itemID)\"")
                }
                var sources: [TargetArea] = []
                for (s, sourceID) in sourceIDs.enumerated() {
                    guard let place = world.pointOfInterest(id: sourceID) else {
                        throw QuestResolutionError(
                            code: .unknownPlace, field: "\(field).sources[\(s)]", reason: "no point of interest has id \"\(sourceID)\"")
                    }
                    sources.append(TargetArea(centre: place.position, radius: world.settings.claimRadius))
                }
                objectives.append(.collect(CollectObjective(item: itemID, count: count, sources: sources, conditions: conditions)))
            }
        }
        let title = try Self.render(title, field: "title", world: world, objectives: [])
        let description = try Self.render(body, field: "text", world: world, objectives: self.objectives)

        let start = origin ?? region.centre
        guard world.isReachable(start) else {
            throw QuestResolutionError(code: .noStartPoint, field: "origin", reason: "the route's start \(start) is not on the map")
        }
        let route = QuestRoute(objectives: objectives, origin: start, world: world)
        guard let walk = ReferenceWalk.walk(route, world: world, start: now, horizon: now.addingTimeInterval(horizon)) else {
            throw QuestResolutionError(
                code: .conditionNeverHolds, field: "objectives",
                reason: "walking the route from \(now), some weather or game-hour condition does not hold within \(Int(horizon / 3_600)) hours")
        }
        let profile = lexicon.profile(difficulty)
        let needed = max(profile.slack, lexicon.rules.minSlack) * route.travelSeconds + walk.waitSeconds + bufferSeconds
        let timeLimit = Int((needed / 60).rounded(.up)) * 60
        guard timeLimit <= lexicon.rules.maxTimeLimit else {
            throw QuestResolutionError(
                code: .timeLimitTooLong, field: "timeLimit",
                reason: "the route needs \(timeLimit) s, over the limit of \(lexicon.rules.maxTimeLimit) s")
        }
        return QuestSpec(
            title: title, description: description, region: region.id, difficulty: difficulty, motivation: motivation,
            objectives: objectives, timeLimit: timeLimit)
    }

    /// Replaces every `{id}` with the display name of the place, item or region, and every
    /// `{@k}` with objective k's phrase (``ObjectivePhrase``).
    public static func render(_ prose: String, world: World, objectives: [Line] = []) -> String? {
        try? render(prose, field: "text", world: world, objectives: objectives)
    }

    /// The description as a player reads it.
    public func renderedBody(world: World) -> String? { Self.render(body, world: world, objectives: objectives) }

    private static func render(_ prose: String, field: String, world: World, objectives: [Line]) throws(QuestResolutionError) -> String {
        var output = ""
        var rest = Substring(prose)
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw QuestResolutionError(code: .unknownReference, field: field, reason: "a \"{\" is never closed")
            }
            let id = String(rest[rest.index(after: open)..<close])
            var name: String?
            if let index = ObjectivePhrase.objectiveIndex(id) {
                name = objectives.indices.contains(index) ? ObjectivePhrase.render(objectives[index], world: world) : nil
                // "three pieces of …" starting a sentence starts with a capital.
                let before = output.last { $0 != " " }
                if let phrase = name, before == nil || before.map({ ".!?".contains($0) }) == true {
                    name = phrase.prefix(1).uppercased() + phrase.dropFirst()
                }
            } else {
                name = world.pointOfInterest(id: id)?.name ?? world.item(id: id)?.name ?? world.region(id: id)?.name
            }
            guard let name else {
                throw QuestResolutionError(code: .unknownReference, field: field, reason: "{\(id)} names no place, item, region or objective")
            }
            output += name
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
