/// An order for ``BinaryHeap``: `a.precedes(b)` when `a` must come out first.
protocol HeapOrdered {
    func precedes(_ other: Self) -> Bool
}

/// A binary heap over an array: the trainer's pair counts and the encoder's merge candidates
/// both need the best element out first, with ties broken deterministically by `precedes`.
struct BinaryHeap<Element: HeapOrdered> {
    private var items: [Element] = []

    init() {}

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].precedes(items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var first = parent
                if left < items.count, items[left].precedes(items[first]) { first = left }
                if right < items.count, items[right].precedes(items[first]) { first = right }
                if first == parent { break }
                items.swapAt(parent, first)
                parent = first
            }
        }
        return top
    }
}
