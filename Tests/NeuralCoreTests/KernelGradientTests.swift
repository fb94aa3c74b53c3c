import Foundation
@testable import NeuralCore
import Testing

/// Every backward kernel against central finite differences of `L = Σ out ⊙ r` for a fixed random
/// `r`, so that `dout = r`.
@Suite struct KernelGradientTests {
    @Test func embeddingBackwardScattersRowsAndAddsRepeatedTokens() {
        let (v, c) = (5, 3)
        let tokens: [Int32] = [1, 4, 1, 0]
        let table = randomFloats(v * c, seed: 1)
        let r = randomFloats(tokens.count * c, seed: 2)
        func forward(_ t: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: tokens.count * c)
            TrainingKernels.embeddingForward(out: &out, tokens: tokens, table: t, n: tokens.count, c: c)
            return out
        }
        var dTable = [Float](repeating: 0, count: v * c)
        TrainingKernels.embeddingBackward(dTable: &dTable, dout: r, tokens: tokens, n: tokens.count, c: c)
        let idx = Array(0..<(v * c))
        let numeric = numericGradient(table, indices: idx, eps: 1e-2) { dot(forward($0), r) }
        expectGradientsClose(dTable, numeric, indices: idx, "dTable")
        #expect(forward(table)[3..<6] == table[12..<15])
    }

    @Test func rmsnormBackwardMatchesFiniteDifferences() {
        let (n, c) = (3, 6)
        let x = randomFloats(n * c, seed: 3, scale: 2)
        let w = randomFloats(c, seed: 4).map { 1 + $0 / 2 }
        let r = randomFloats(n * c, seed: 5)
        let eps: Float = 1e-5
        func forward(_ x: [Float], _ w: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: n * c), rstd = [Float](repeating: 0, count: n)
            TrainingKernels.rmsnormForward(out: &out, rstd: &rstd, x: x, weight: w, n: n, c: c, eps: eps)
            return out
        }
        var out = [Float](repeating: 0, count: n * c), rstd = [Float](repeating: 0, count: n)
        TrainingKernels.rmsnormForward(out: &out, rstd: &rstd, x: x, weight: w, n: n, c: c, eps: eps)
        // dx accumulates: start from a known value and subtract it afterwards.
        var dx = [Float](repeating: 0.5, count: n * c), dw = [Float](repeating: 0, count: c)
        TrainingKernels.rmsnormBackward(dx: &dx, dweight: &dw, dout: r, x: x, weight: w, rstd: rstd, n: n, c: c)
        dx = dx.map { $0 - 0.5 }
        let ix = Array(0..<(n * c)), iw = Array(0..<c)
        expectGradientsClose(dx, numericGradient(x, indices: ix, eps: 1e-2) { dot(forward($0, w), r) }, indices: ix, "dx")
        expectGradientsClose(dw, numericGradient(w, indices: iw, eps: 1e-2) { dot(forward(x, $0), r) }, indices: iw, "dweight")
        // Hugging Face definition, row 0.
        let ms = x[0..<c].reduce(0) { $0 + Double($1) * Double($1) } / Double(c)
        let expected = (0..<c).map { Double(x[$0]) / (ms + Double(eps)).squareRoot() * Double(w[$0]) }
        for j in 0..<c { #expect(abs(Double(out[j]) - expected[j]) < 1e-5) }
    }

    @Test func linearBackwardMatchesFiniteDifferences() {
        let (n, inDim, outDim) = (4, 5, 3)
        let x = randomFloats(n * inDim, seed: 6), w = randomFloats(outDim * inDim, seed: 7)
        let r = randomFloats(n * outDim, seed: 8)
        func forward(_ x: [Float], _ w: [Float]) -> [Float] {
            var y = [Float](repeating: 0, count: n * outDim)
            TrainingKernels.linearForward(y: &y, x: x, weight: w, n: n, inDim: inDim, outDim: outDim)
            return y
        }
        // y = x·Wᵀ against a plain loop.
        let y = forward(x, w)
        for i in 0..<n {
            for o in 0..<outDim {
                let e = (0..<inDim).reduce(0.0) { $0 + Double(x[i * inDim + $1]) * Double(w[o * inDim + $1]) }
                #expect(abs(Double(y[i * outDim + o]) - e) < 1e-5)
            }
        }
        var dx = [Float](repeating: 0, count: n * inDim), dw = [Float](repeating: 0.25, count: outDim * inDim)
        TrainingKernels.linearBackward(dx: &dx, dweight: &dw, dy: r, x: x, weight: w, n: n, inDim: inDim, outDim: outDim)
        dw = dw.map { $0 - 0.25 }
        let ix = Array(0..<(n * inDim)), iw = Array(0..<(outDim * inDim))
        expectGradientsClose(dx, numericGradient(x, indices: ix, eps: 1e-2) { dot(forward($0, w), r) }, indices: ix, "dx")
        expectGradientsClose(dw, numericGradient(w, indices: iw, eps: 1e-2) { dot(forward(x, $0), r) }, indices: iw, "dW")
    }

    @Test func rotaryBackwardMatchesFiniteDifferences() {
        let (b, t, heads, hd) = (2, 3, 2, 4)
        let stride = heads * hd + 3  // extra columns that must stay untouched
        let table = TrainingKernels.RotaryTable(headDim: hd, maxPositions: t, theta: 10_000)
        let x = randomFloats(b * t * stride, seed: 9)
        let r = randomFloats(b * t * stride, seed: 10)
        func forward(_ x: [Float]) -> [Float] {
            var y = x
            TrainingKernels.rotaryForward(x: &y, rowStride: stride, column: 1, heads: heads, headDim: hd, batch: b, seqLen: t,
                                          cos: table.cos, sin: table.sin)
            return y
        }
        var dx = r
        TrainingKernels.rotaryBackward(dx: &dx, rowStride: stride, column: 1, heads: heads, headDim: hd, batch: b, seqLen: t,
                                       cos: table.cos, sin: table.sin)
        let idx = Array(0..<x.count)
        expectGradientsClose(dx, numericGradient(x, indices: idx, eps: 1e-2) { dot(forward($0), r) }, indices: idx, "dx")
    }

    @Test func rotaryFollowsHuggingFaceRotateHalf() {
        // One head of 4 at position 2: pairs (0, 2) and (1, 3), invFreq = [1, 1/100].
        let table = TrainingKernels.RotaryTable(headDim: 4, maxPositions: 3, theta: 10_000)
        var x: [Float] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]
        TrainingKernels.rotaryForward(x: &x, rowStride: 4, column: 0, heads: 1, headDim: 4, batch: 1, seqLen: 3,
                                      cos: table.cos, sin: table.sin)
        let a0 = 2.0, a1 = 2.0 / 100
        let expected = [1 * cos(a0) - 3 * sin(a0), 2 * cos(a1) - 4 * sin(a1), 3 * cos(a0) + 1 * sin(a0), 4 * cos(a1) + 2 * sin(a1)]
        for i in 0..<4 { #expect(abs(Double(x[8 + i]) - expected[i]) < 1e-6) }
    }

    @Test(arguments: [2, 64])
    func attentionBackwardMatchesFiniteDifferences(rowBlock: Int) {
        var shape = TrainingKernels.AttentionShape(batch: 2, seqLen: 5, heads: 4, kvHeads: 2, headDim: 4)
        shape.rowBlock = rowBlock
        let n = shape.batch * shape.seqLen
        let qkv = randomFloats(n * shape.qkvStride, seed: 11, scale: 1.5)
        let r = randomFloats(n * shape.outStride, seed: 12)
        var probs = [Float](repeating: 0, count: shape.batch * shape.heads * shape.seqLen * shape.seqLen)
        func forward(_ qkv: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: n * shape.outStride)
            TrainingKernels.attentionForward(out: &out, probs: &probs, qkv: qkv, shape: shape)
            return out
        }
        _ = forward(qkv)
        let savedProbs = probs
        var dqkv = [Float](repeating: 7, count: qkv.count)
        var scratch = [Float](repeating: 0, count: shape.seqLen * shape.seqLen)
        TrainingKernels.attentionBackward(dqkv: &dqkv, scratch: &scratch, dout: r, qkv: qkv, probs: savedProbs, shape: shape)
        let idx = Array(0..<qkv.count)
        expectGradientsClose(dqkv, numericGradient(qkv, indices: idx, eps: 1e-2) { dot(forward($0), r) }, indices: idx, "dqkv")
    }

    @Test func attentionIsCausalAndIndependentOfRowBlock() {
        var shape = TrainingKernels.AttentionShape(batch: 1, seqLen: 7, heads: 2, kvHeads: 1, headDim: 4)
        let n = shape.seqLen
        var qkv = randomFloats(n * shape.qkvStride, seed: 13)
        func run(_ qkv: [Float], block: Int) -> [Float] {
            shape.rowBlock = block
            var out = [Float](repeating: 0, count: n * shape.outStride)
            var probs = [Float](repeating: 0, count: shape.heads * n * n)
            TrainingKernels.attentionForward(out: &out, probs: &probs, qkv: qkv, shape: shape)
            return out
        }
        let full = run(qkv, block: 64), blocked = run(qkv, block: 3)
        for i in 0..<full.count { #expect(abs(full[i] - blocked[i]) < 1e-6) }
        // Changing the last position's key and value leaves every earlier output unchanged.
        for j in shape.outStride..<shape.qkvStride { qkv[(n - 1) * shape.qkvStride + j] += 1 }
        let changed = run(qkv, block: 3)
        #expect(Array(changed[0..<((n - 1) * shape.outStride)]) == Array(blocked[0..<((n - 1) * shape.outStride)]))
        #expect(changed[((n - 1) * shape.outStride)...] != blocked[((n - 1) * shape.outStride)...])
    }

    @Test func swigluBackwardMatchesFiniteDifferences() {
        let (n, h) = (3, 5)
        let gu = randomFloats(n * 2 * h, seed: 14, scale: 3)
        let r = randomFloats(n * h, seed: 15)
        func forward(_ gu: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: n * h)
            TrainingKernels.swigluForward(out: &out, gateUp: gu, n: n, hidden: h)
            return out
        }
        let out = forward(gu)
        let g = Double(gu[0]), u = Double(gu[h])
        #expect(abs(Double(out[0]) - g / (1 + Foundation.exp(-g)) * u) < 1e-5)
        var dgu = [Float](repeating: 9, count: gu.count)
        TrainingKernels.swigluBackward(dGateUp: &dgu, dout: r, gateUp: gu, n: n, hidden: h)
        let idx = Array(0..<gu.count)
        expectGradientsClose(dgu, numericGradient(gu, indices: idx, eps: 1e-2) { dot(forward($0), r) }, indices: idx, "dgateUp")
    }

    @Test func crossEntropyGradientMatchesFiniteDifferencesAndSkipsIgnoredTargets() {
        let (n, v) = (4, 6)
        let logits = randomFloats(n * v, seed: 16, scale: 4)
        let targets: [Int32] = [2, -1, 5, 0]
        func loss(_ l: [Float]) -> Double {
            var copy = l
            let (sum, count) = TrainingKernels.crossEntropy(logits: &copy, targets: targets, n: n, vocab: v, gradientScale: nil)
            return sum / Double(count)
        }
        // Mean over the three counted rows, straight from the definition.
        var expected = 0.0
        for (i, t) in targets.enumerated() where t >= 0 {
            let row = logits[(i * v)..<((i + 1) * v)].map(Double.init)
            expected += Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +)) - row[Int(t)]
        }
        #expect(abs(loss(logits) - expected / 3) < 1e-5)
        var grad = logits
        let (sum, count) = TrainingKernels.crossEntropy(logits: &grad, targets: targets, n: n, vocab: v, gradientScale: 1.0 / 3)
        #expect(count == 3)
        #expect(abs(sum / 3 - expected / 3) < 1e-5)
        #expect(grad[v..<(2 * v)].allSatisfy { $0 == 0 })
        let idx = Array(0..<logits.count)
        expectGradientsClose(grad, numericGradient(logits, indices: idx, eps: 1e-2, loss: loss), indices: idx, "dlogits")
    }

    @Test func fastExpIsAccurateOverTheUsedRange() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let rel = abs(TrainingKernels.exp(x) - Foundation.exp(x)) / Foundation.exp(x)
            worst = max(worst, rel)
            x += 0.013
        }
        #expect(worst < 5e-7)
        #expect(TrainingKernels.exp(-1000) < 1e-37)
        #expect(TrainingKernels.exp(0) == 1)
    }
}
