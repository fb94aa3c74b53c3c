import Foundation

extension TrainingKernels {
    /// Target id that marks a position with no loss (padding).
    static let ignoreIndex: Int32 = -1

    /// Softmax cross-entropy. logits (N, V), targets (N) -> (sum of the losses, positions counted),
    /// skipping targets equal to ``ignoreIndex``.
    ///
    /// `logits` is overwritten (it is the largest tensor of a step and not needed again). With a
    /// `gradientScale` it receives `d(loss)/d(logits) = (softmax − onehot) · gradientScale`, zero rows
    /// for ignored positions; pass `1 / count` of the *whole* batch for the gradient of the mean,
    /// since a worker sees only its share of the rows.
    static func crossEntropy(
        logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, n: Int, vocab: Int, gradientScale: Float?
    ) -> (lossSum: Double, count: Int) {
        var lossSum: Double = 0
        var count = 0
        for i in 0..<n {
            let row = logits + i &* vocab
            let target = targets[i]
            if target == ignoreIndex {
                if gradientScale != nil { row.update(repeating: 0, count: vocab) }
                continue
            }
            count += 1
            let maxValue = max(row, vocab)
            let targetLogit = row[Int(target)]
            expInPlace(row, vocab, shift: maxValue)
            let sum = TrainingKernels.sum(row, vocab)
            lossSum += Double(Foundation.log(sum) + maxValue - targetLogit)
            if let gradientScale {
                let scale = gradientScale / sum
                for j in 0..<vocab { row[j] *= scale }
                row[Int(target)] -= gradientScale
            }
        }
        return (lossSum, count)
    }

    /// Positions that count towards the loss.
    static func countTargets(_ targets: UnsafePointer<Int32>, _ n: Int) -> Int {
        var count = 0
        for i in 0..<n where targets[i] != ignoreIndex { count += 1 }
        return count
    }
}
