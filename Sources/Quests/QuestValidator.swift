import Foundation
import World

/// The limits a quest must respect. Defaults suit MW0rld; the server may tighten them.
public struct QuestRules: Codable, Hashable, Sendable {
    /// Time limit must be at least this many times the reference travel time (plus waits),
    /// so a player who is not a perfect courier still makes it.
    public var minSlack: Double = 2
    /// Longest allowed time limit, in seconds (7 days).
    public var maxTimeLimit: Int = 7 * 24 * 3_600
    public var maxObjectives: Int = 8
    public var maxCount: Int = 10
    public var radiusRange: ClosedRange<Double> = 5...500
    public var maxTitleLength: Int = 120
    public var maxDescriptionLength: Int = 2_000

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case minSlack, maxTimeLimit, maxObjectives, maxCount, radiusRange, maxTitleLength, maxDescriptionLength
    }

    /// Decodes rules in which every field is optional; missing ones keep their defaults.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minSlack = try c.decodeIfPresent(Double.self, forKey: .minSlack) ?? minSlack
        maxTimeLimit = try c.decodeIfPresent(Int.self, forKey: .maxTimeLimit) ?? maxTimeLimit
        maxObjectives = try c.decodeIfPresent(Int.self, forKey: .maxObjectives) ?? maxObjectives
        maxCount = try c.decodeIfPresent(Int.self, forKey: .maxCount) ?? maxCount
        radiusRange = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .radiusRange) ?? radiusRange
        maxTitleLength = try c.decodeIfPresent(Int.self, forKey: .maxTitleLength) ?? maxTitleLength
        maxDescriptionLength = try c.decodeIfPresent(Int.self, forKey: .maxDescriptionLength) ?? maxDescriptionLength
    }
}

/// What validation learnt about a quest: its reference route and a walk that finishes it.
public struct QuestAssessment: Hashable, Sendable {
    public let route: QuestRoute
    public let walk: ReferenceWalk
}

/// Checks any quest proposal (grammar or trained model) against the world before it is
/// priced or shown: every place reachable, every item really found where its sources are,
/// every condition able to come true, and enough time to do it all.
public enum QuestValidator {
    /// Validates a spec.
    ///
    /// ```swift
    /// let assessment = try QuestValidator.validate(spec, world: world, now: .now)
    /// ```
    /// - Parameters:
    ///   - origin: where the route starts; nil means the centre of the spec's region.
    ///   - now: when the quest would start; weather conditions are checked from here.
    /// - Throws: `QuestValidationError` naming the offending field.
    @discardableResult
    public static func validate(
        _ spec: QuestSpec, world: World, origin: Point? = nil, now: Date, rules: QuestRules = QuestRules()
    ) throws(QuestValidationError) -> QuestAssessment {
        try checkText(spec, rules: rules)
        guard let region = world.region(id: spec.region) else {
            throw QuestValidationError(code: .unknownRegion, field: "region", reason: "no region has id \"\(spec.region)\"")
        }
        guard (1...5).contains(spec.difficulty) else {
            throw QuestValidationError(code: .badDifficulty, field: "difficulty", reason: "difficulty \(spec.difficulty) must be in 1...5")
        }
        guard (1...rules.maxObjectives).contains(spec.objectives.count) else {
            throw QuestValidationError(
                code: .badObjectiveCount, field: "objectives",
                reason: "a quest needs 1...\(rules.maxObjectives) objectives, got \(spec.objectives.count)")
        }
        var namesToMention: [(String, String)] = []
        for (index, objective) in spec.objectives.enumerated() {
            let field = "objectives[\(index)]"
            switch objective {
            case .reach(let reach):
                try checkArea(reach.target, field: "\(field).target", world: world, rules: rules)
                if let poiID = reach.poi {
                    guard let poi = world.pointOfInterest(id: poiID) else {
                        throw QuestValidationError(code: .unknownPlace, field: "\(field).poi", reason: "no point of interest has id \"\(poiID)\"")
                    }
                    guard reach.target.contains(poi.position) else {
                        throw QuestValidationError(
                            code: .placeMismatch, field: "\(field).poi",
                            reason: "\"\(poiID)\" at \(poi.position) is not inside the target circle")
                    }
                    namesToMention.append(("\(field).poi", poi.name))
                }
                try checkConditions(reach.conditions, at: [reach.target], field: field, world: world)
            case .collect(let collect):
                guard let item = world.item(id: collect.item) else {
                    throw QuestValidationError(code: .unknownItem, field: "\(field).item", reason: "no item has id \"\(collect.item)\"")
                }
                namesToMention.append(("\(field).item", item.name))
                guard (1...rules.maxCount).contains(collect.count) else {
                    throw QuestValidationError(code: .badCount, field: "\(field).count", reason: "count \(collect.count) must be in 1...\(rules.maxCount)")
                }
                guard collect.sources.count >= collect.count else {
                    throw QuestValidationError(
                        code: .tooFewSources, field: "\(field).sources",
                        reason: "\(collect.sources.count) sources cannot yield \(collect.count) distinct units")
                }
                for (s, source) in collect.sources.enumerated() {
                    let sourceField = "\(field).sources[\(s)]"
                    try checkArea(source, field: sourceField, world: world, rules: rules)
                    let there = world.region(at: source.centre)?.id ?? "nowhere"
                    guard item.regions.contains(there) else {
                        throw QuestValidationError(
                            code: .itemNotFoundThere, field: sourceField,
                            reason: "\(item.name) is not found in \"\(there)\"; it is found in \(item.regions.joined(separator: ", "))")
                    }
                    // Overlapping circles would let one step collect two "distinct" units.
                    for other in collect.sources[..<s] where other.centre.distance(to: source.centre) < other.radius + source.radius {
                        throw QuestValidationError(code: .overlappingSources, field: sourceField, reason: "this source overlaps an earlier one")
                    }
                }
                try checkConditions(collect.conditions, at: collect.sources, field: field, world: world)
            }
        }
        let text = (spec.title + " " + spec.description).lowercased()
        for (field, name) in namesToMention where !text.contains(name.lowercased()) {
            throw QuestValidationError(
                code: .textInconsistent, field: field,
                reason: "the title and description never mention \"\(name)\", which this objective uses")
        }

        guard spec.timeLimit > 0, spec.timeLimit <= rules.maxTimeLimit else {
            throw QuestValidationError(code: .badTimeLimit, field: "timeLimit", reason: "time limit \(spec.timeLimit) s must be in 1...\(rules.maxTimeLimit)")
        }
        let start = origin ?? region.centre
        guard world.isReachable(start) else {
            throw QuestValidationError(code: .unreachableTarget, field: "origin", reason: "the route's start \(start) is not on the map")
        }
        let route = QuestRoute(objectives: spec.objectives, origin: start, world: world)
        let deadline = now.addingTimeInterval(Double(spec.timeLimit))
        guard let walk = ReferenceWalk.walk(route, world: world, start: now, horizon: deadline) else {
            throw QuestValidationError(
                code: .conditionNeverHolds, field: "objectives",
                reason: "walking the route at full speed, some weather or game-hour condition does not hold before the deadline")
        }
        let needed = rules.minSlack * route.travelSeconds + walk.waitSeconds
        guard Double(spec.timeLimit) >= needed else {
            throw QuestValidationError(
                code: .timeLimitTooShort, field: "timeLimit",
                reason: "time limit \(spec.timeLimit) s is under \(Int(needed.rounded(.up))) s (\(rules.minSlack)× travel of \(Int(route.travelSeconds)) s plus \(Int(walk.waitSeconds)) s waiting for conditions)")
        }
        return QuestAssessment(route: route, walk: walk)
    }

    private static func checkText(_ spec: QuestSpec, rules: QuestRules) throws(QuestValidationError) {
        for (field, text, limit) in [("title", spec.title, rules.maxTitleLength), ("description", spec.description, rules.maxDescriptionLength)] {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw QuestValidationError(code: .emptyText, field: field, reason: "\(field) must not be empty")
            }
            guard text.count <= limit else {
                throw QuestValidationError(code: .textTooLong, field: field, reason: "\(field) has \(text.count) characters; the limit is \(limit)")
            }
        }
    }

    private static func checkArea(_ area: TargetArea, field: String, world: World, rules: QuestRules) throws(QuestValidationError) {
        guard area.radius.isFinite, rules.radiusRange.contains(area.radius) else {
            throw QuestValidationError(
                code: .badRadius, field: "\(field).radius",
                reason: "radius \(area.radius) m must be in \(rules.radiusRange.lowerBound)...\(rules.radiusRange.upperBound)")
        }
        guard world.isReachable(area.centre) else {
            throw QuestValidationError(code: .unreachableTarget, field: field, reason: "\(area.centre) is not a reachable place on the map")
        }
    }

    private static func checkConditions(
        _ conditions: ObjectiveConditions, at areas: [TargetArea], field: String, world: World
    ) throws(QuestValidationError) {
        if let window = conditions.gameTimeWindow, !window.isValid {
            throw QuestValidationError(
                code: .badCondition, field: "\(field).gameTimeWindow",
                reason: "hours \(window.fromHour)→\(window.toHour) must be in 0...23 and differ")
        }
        guard let weather = conditions.weather else { return }
        guard !weather.isEmpty, Set(weather).count == weather.count else {
            throw QuestValidationError(code: .badCondition, field: "\(field).weather", reason: "weather must list one or more distinct kinds")
        }
        for area in areas {
            guard let region = world.region(at: area.centre) else { continue }
            guard weather.contains(where: { $0.probability(on: region.terrain) > 0 }) else {
                throw QuestValidationError(
                    code: .impossibleWeather, field: "\(field).weather",
                    reason: "\(weather.map(\.rawValue).joined(separator: "/")) never happens on \(region.terrain.rawValue) (\(region.name))")
            }
        }
    }
}
