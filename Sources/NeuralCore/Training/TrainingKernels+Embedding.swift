extension TrainingKernels {
    /// Token embedding: tokens (N) -> out (N, C), row `i` = `table[tokens[i]]`.
    /// Token ids must lie in `0..<V`; the model checks them before calling.
    static func embeddingForward(
        out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>, n: Int, c: Int
    ) {
        for i in 0..<n {
            (out + i &* c).update(from: table + Int(tokens[i]) &* c, count: c)
        }
    }

    /// dout (N, C) -> dTable (V, C) += scattered rows. Sequential, so repeated tokens add in a fixed order.
    static func embeddingBackward(
        dTable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>, n: Int, c: Int
    ) {
        for i in 0..<n {
            let row = dTable + Int(tokens[i]) &* c
            let d = dout + i &* c
            for j in 0..<c { row[j] += d[j] }
        }
    }
}
