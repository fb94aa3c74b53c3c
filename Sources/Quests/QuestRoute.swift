import Foundation
import World

/// One place on a quest's reference route.
public struct RouteStop: Hashable, Sendable {
    /// Index of the objective this stop serves.
    public var objective: Int
    /// Index of the source, for a collect objective.
    public var source: Int?
    public var target: TargetArea
    public var conditions: ObjectiveConditions
}

/// The reference route through a quest: objectives in order, and for each collect
/// objective the `count` sources picked greedily by nearest neighbour. Greedy is never
/// shorter than the best route, so limits computed from it are safe for players.
public struct QuestRoute: Hashable, Sendable {
    public let origin: Point
    public let stops: [RouteStop]
    /// Total straight-line length in metres.
    public let distance: Double
    /// Seconds at `maxSpeed` slowed by the terrain factors of each leg's endpoints.
    public let travelSeconds: Double

    public init(objectives: [Objective], origin: Point, world: World) {
        var stops: [RouteStop] = []
        var here = origin
        for (index, objective) in objectives.enumerated() {
            switch objective {
            case .reach(let reach):
                stops.append(RouteStop(objective: index, source: nil, target: reach.target, conditions: reach.conditions))
                here = reach.target.centre
            case .collect(let collect):
                var remaining = Set(collect.sources.indices)
                for _ in 0..<max(0, min(collect.count, collect.sources.count)) {
                    // Ties go to the lower index so the route never depends on set order.
                    guard let next = remaining.min(by: {
                        let a = collect.sources[$0].centre.distance(to: here)
                        let b = collect.sources[$1].centre.distance(to: here)
                        return a == b ? $0 < $1 : a < b
                    }) else { break }
                    remaining.remove(next)
                    stops.append(RouteStop(
                        objective: index, source: next, target: collect.sources[next], conditions: collect.conditions))
                    here = collect.sources[next].centre
                }
            }
        }
        var distance = 0.0
        var seconds = 0.0
        var previous = origin
        for stop in stops {
            let leg = previous.distance(to: stop.target.centre)
            distance += leg
            seconds += leg / Self.legSpeed(from: previous, to: stop.target.centre, world: world)
            previous = stop.target.centre
        }
        self.origin = origin
        self.stops = stops
        self.distance = distance
        self.travelSeconds = seconds
    }

    /// The slower of the two endpoint terrains sets the leg's speed; a cheap, conservative
    /// stand-in for integrating along the leg.
    static func legSpeed(from a: Point, to b: Point, world: World) -> Double {
        let factorA = world.region(at: a).map { world.settings.speedFactor(for: $0.terrain) } ?? 1
        let factorB = world.region(at: b).map { world.settings.speedFactor(for: $0.terrain) } ?? 1
        return world.settings.maxSpeed * min(factorA, factorB)
    }
}

/// A walk along the reference route that waits at each stop until its conditions hold,
/// using the real weather forecast and game clock. It proves a quest can be finished.
public struct ReferenceWalk: Hashable, Sendable {
    /// When each stop is done, in route order.
    public let doneAt: [Date]
    /// Total seconds spent waiting for weather or game hours.
    public let waitSeconds: Double
    public let finish: Date

    /// Walks the route from `start`, giving up if a stop's conditions do not hold before `horizon`.
    /// - Returns: nil when some condition never holds in time.
    public static func walk(_ route: QuestRoute, world: World, start: Date, horizon: Date) -> ReferenceWalk? {
        var now = start
        var previous = route.origin
        var waited = 0.0
        var doneAt: [Date] = []
        for stop in route.stops {
            let leg = previous.distance(to: stop.target.centre)
            now = now.addingTimeInterval(leg / QuestRoute.legSpeed(from: previous, to: stop.target.centre, world: world))
            guard let region = world.region(at: stop.target.centre),
                  let ready = earliest(stop.conditions, region: region, world: world, from: now, until: horizon)
            else { return nil }
            waited += ready.timeIntervalSince(now)
            now = ready
            doneAt.append(now)
            previous = stop.target.centre
        }
        return ReferenceWalk(doneAt: doneAt, waitSeconds: waited, finish: now)
    }

    /// The first moment at or after `start` when the conditions hold in `region`. Conditions
    /// only change at weather periods and game-hour boundaries, so only those are checked.
    public static func earliest(
        _ conditions: ObjectiveConditions, region: Region, world: World, from start: Date, until limit: Date
    ) -> Date? {
        let clock = world.clock
        var t = start
        var steps = 0
        while t <= limit && steps < 100_000 {
            if conditions.isSatisfied(weather: world.weather(region: region, at: t), gameTime: clock.gameTime(at: t)) {
                return t
            }
            var next = clock.nextHourBoundary(after: t)
            if conditions.weather != nil { next = min(next, world.nextWeatherChange(after: t)) }
            t = next
            steps += 1
        }
        return nil
    }
}
