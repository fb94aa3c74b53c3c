import World

/// What a condition is judged against: one accepted position and the server's view of it.
struct Observation {
    var x: Double
    var y: Double
    var weather: Weather?
    var hour: Int
}

extension ContractProgress {
    /// Feeds one observation to the condition whose progress is `conditions[index]`.
    ///
    /// - Returns: whether the condition is complete as of this observation. Instant
    ///   conditions answer for this observation only; stateful ones stay complete.
    mutating func advance(
        _ condition: ContractCondition, index: Int, path: String, _ observation: Observation, _ outcomes: inout [ContractOutcome]
    ) -> Bool {
        switch condition {
        case .reach, .weather, .gameTime:
            return Self.holds(condition, observation)
        case .all(let parts) where condition.isInstant:
            let holds = Self.holds(condition, observation)
            if !holds, Self.placeHolds(parts, observation) {
                outcomes.append(.conditionsNotMet(path: path))
            }
            return holds
        default:
            // An anyOf is tracked even when instant, so the winning branch is recorded.
            break
        }
        guard conditions.indices.contains(index) else { return false }
        let here = "\(path).\(condition.kind)"

        switch condition {
        case .collect(let item, let count, let sources, let when):
            var picked = conditions[index].sources
            if picked.count >= count { return true }
            // The lowest-numbered source not yet visited, as QuestProgress picks it.
            guard let source = sources.indices.first(where: {
                !picked.contains($0) && sources[$0].contains(x: observation.x, y: observation.y)
            }) else { return false }
            if let when, !Self.holds(when, observation) {
                outcomes.append(.conditionsNotMet(path: path))
                return false
            }
            picked.append(source)
            conditions[index].sources = picked
            outcomes.append(.pickedUp(item: item, source: source, path: path))
            return picked.count >= count

        case .allInOrder(let steps):
            var step = conditions[index].step
            while step < steps.count {
                let stepPath = "\(here)[\(step)]"
                let childIndex = Self.childIndex(of: steps, at: step, parent: index)
                guard advance(steps[step], index: childIndex, path: stepPath, observation, &outcomes) else { break }
                outcomes.append(.stepCompleted(path: stepPath))
                step += 1
                conditions[index].step = step
            }
            return step >= steps.count

        case .all(let parts):
            if conditions[index].done { return true }
            var satisfied = true
            for (position, part) in parts.enumerated() {
                if part.isInstant {
                    satisfied = Self.holds(part, observation) && satisfied
                    continue
                }
                // Stateful parts are fed every observation, each keeping its own progress.
                let childIndex = Self.childIndex(of: parts, at: position, parent: index)
                let partPath = "\(here)[\(position)]"
                let before = isComplete(part, index: childIndex)
                let complete = advance(part, index: childIndex, path: partPath, observation, &outcomes)
                if complete && !before { outcomes.append(.stepCompleted(path: partPath)) }
                satisfied = complete && satisfied
            }
            if satisfied { conditions[index].done = true }
            return satisfied

        case .anyOf(let branches):
            if conditions[index].done { return true }
            for (position, branch) in branches.enumerated() {
                let childIndex = Self.childIndex(of: branches, at: position, parent: index)
                let branchPath = "\(here)[\(position)]"
                if advance(branch, index: childIndex, path: branchPath, observation, &outcomes) {
                    outcomes.append(.stepCompleted(path: branchPath))
                    conditions[index].done = true
                    conditions[index].step = position
                    return true
                }
            }
            return false

        case .reach, .weather, .gameTime:
            return false
        }
    }

    /// Whether a stateful condition has already completed, without feeding it anything.
    func isComplete(_ condition: ContractCondition, index: Int) -> Bool {
        guard !condition.isInstant, conditions.indices.contains(index) else { return false }
        switch condition {
        case .collect(_, let count, _, _): return conditions[index].sources.count >= count
        case .allInOrder(let steps): return conditions[index].step >= steps.count
        default: return conditions[index].done
        }
    }

    /// Whether an instant condition holds at one observation.
    static func holds(_ condition: ContractCondition, _ observation: Observation) -> Bool {
        switch condition {
        case .reach(let area):
            return area.contains(x: observation.x, y: observation.y)
        case .weather(let allowed):
            guard let weather = observation.weather else { return false }
            return allowed.contains(weather)
        case .gameTime(let from, let to):
            let hour = observation.hour
            return from < to ? hour >= from && hour < to : hour >= from || hour < to
        case .all(let parts):
            return parts.allSatisfy { holds($0, observation) }
        case .anyOf(let parts):
            return parts.contains { holds($0, observation) }
        case .collect, .allInOrder:
            // Never instant; a `when` holding one is refused by validation.
            return false
        }
    }

    /// Whether an `all` names a place and the participant stands in every place it names:
    /// then only the weather or the hour is wrong, worth telling the player.
    private static func placeHolds(_ parts: [ContractCondition], _ observation: Observation) -> Bool {
        var places = 0
        for part in parts {
            guard case .reach(let area) = part else { continue }
            guard area.contains(x: observation.x, y: observation.y) else { return false }
            places += 1
        }
        return places > 0
    }

    /// The pre-order index of `children[position]` under the condition at `parent`.
    private static func childIndex(of children: [ContractCondition], at position: Int, parent: Int) -> Int {
        children.prefix(position).reduce(parent + 1) { $0 + $1.nodeCount }
    }
}
