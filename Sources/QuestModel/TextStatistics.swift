/// Diversity measures for generated or corpus text.
public enum TextStatistics {
    /// Distinct-2 (Li et al. 2016): distinct word bigrams over all word bigrams, across
    /// all texts together (bigrams never span two texts). Words are split on whitespace
    /// and lower-cased.
    public static func distinct2(_ texts: [String]) -> Double {
        var seen = Set<String>()
        var total = 0
        for text in texts {
            let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            guard words.count >= 2 else { continue }
            for index in 1..<words.count {
                seen.insert("\(words[index - 1]) \(words[index])")
                total += 1
            }
        }
        return total == 0 ? 0 : Double(seen.count) / Double(total)
    }
}
