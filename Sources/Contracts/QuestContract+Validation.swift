extension QuestContract {
    /// Checks every rule of version 1 and reports the first fault in document order.
    ///
    /// ```swift
    /// try contract.validate()   // ContractError(code: .emptyList, path: "condition.allInOrder[1].all")
    /// ```
    /// Evaluation is defined for any contract, but only a valid one means what it says:
    /// the server validates before recording a contract, an auditor before trusting one.
    /// - Throws: `ContractError` with the code and JSON path of the first fault.
    public func validate() throws(ContractError) {
        guard version == Self.currentVersion else {
            throw ContractError(code: .unsupportedVersion, path: "v", reason: "version \(version) is not \(Self.currentVersion)")
        }
        guard !questID.isEmpty else {
            throw ContractError(code: .emptyString, path: "questID", reason: "the contract must name its quest")
        }
        guard deadline > createdAt else {
            throw ContractError(
                code: .deadlineNotAfterStart, path: "deadline",
                reason: "the deadline \(deadline) must be after createdAt \(createdAt)")
        }
        guard maxWinners >= 1 else {
            throw ContractError(code: .maxWinnersOutOfRange, path: "maxWinners", reason: "maxWinners is \(maxWinners); at least 1 must be able to win")
        }
        let nodes = condition.nodeCount
        guard nodes <= Self.maxNodes else {
            throw ContractError(
                code: .tooLarge, path: "condition",
                reason: "the contract has \(nodes) conditions; at most \(Self.maxNodes) are allowed")
        }
        try Self.validate(condition, path: "condition", depth: 1)
    }

    private static func validate(_ condition: ContractCondition, path: String, depth: Int) throws(ContractError) {
        guard depth <= maxDepth else {
            throw ContractError(code: .tooDeep, path: path, reason: "conditions nest \(depth) deep here; at most \(maxDepth) are allowed")
        }
        let here = "\(path).\(condition.kind)"
        switch condition {
        case .reach(let area):
            try validate(area, path: here)

        case .collect(let item, let count, let sources, let when):
            guard !item.isEmpty else {
                throw ContractError(code: .emptyString, path: "\(here).item", reason: "a collect must name its item")
            }
            guard !sources.isEmpty else {
                throw ContractError(code: .emptyList, path: "\(here).sources", reason: "a collect needs at least one source")
            }
            guard sources.count <= maxSources else {
                throw ContractError(
                    code: .tooLarge, path: "\(here).sources",
                    reason: "\(sources.count) sources; at most \(maxSources) are allowed")
            }
            guard count >= 1, count <= sources.count else {
                throw ContractError(
                    code: .countOutOfRange, path: "\(here).count",
                    reason: "count is \(count); it must be between 1 and the \(sources.count) sources, one unit per source")
            }
            for (index, source) in sources.enumerated() {
                try validate(source, path: "\(here).sources[\(index)]")
            }
            if let when {
                guard when.isInstant else {
                    throw ContractError(
                        code: .statefulWhen, path: "\(here).when",
                        reason: "a pick-up's condition must hold at one observation; use reach, weather, gameTime, all or anyOf of those")
                }
                try validate(when, path: "\(here).when", depth: depth + 1)
            }

        case .weather(let allowed):
            guard !allowed.isEmpty else {
                throw ContractError(code: .emptyList, path: here, reason: "a weather condition with no weather can never hold")
            }

        case .gameTime(let from, let to):
            guard (0...23).contains(from) else {
                throw ContractError(code: .hourOutOfRange, path: "\(here).fromHour", reason: "fromHour is \(from); hours are 0...23")
            }
            guard (0...23).contains(to) else {
                throw ContractError(code: .hourOutOfRange, path: "\(here).toHour", reason: "toHour is \(to); hours are 0...23")
            }
            guard from != to else {
                throw ContractError(
                    code: .emptyWindow, path: here,
                    reason: "fromHour and toHour are both \(from); a window must start and end at different hours")
            }

        case .all(let parts), .allInOrder(let parts), .anyOf(let parts):
            guard !parts.isEmpty else {
                throw ContractError(code: .emptyList, path: here, reason: "\(condition.kind) needs at least one condition")
            }
            for (index, part) in parts.enumerated() {
                try validate(part, path: "\(here)[\(index)]", depth: depth + 1)
            }
        }
    }

    private static func validate(_ area: ContractArea, path: String) throws(ContractError) {
        for (name, value) in [("x", area.x), ("y", area.y), ("radius", area.radius)] {
            guard value.isFinite else {
                throw ContractError(code: .notFinite, path: "\(path).\(name)", reason: "\(name) is \(value); it must be a finite number of metres")
            }
            guard abs(value) <= maxCoordinate else {
                throw ContractError(
                    code: .outOfRange, path: "\(path).\(name)",
                    reason: "\(name) is \(value); it must lie within ±\(Int64(maxCoordinate)) metres")
            }
        }
        guard area.radius > 0 else {
            throw ContractError(code: .radiusNotPositive, path: "\(path).radius", reason: "radius is \(area.radius); it must be above 0")
        }
        if let poi = area.poi, poi.isEmpty {
            throw ContractError(code: .emptyString, path: "\(path).poi", reason: "poi is empty; leave it out when the circle marks no place")
        }
    }
}
