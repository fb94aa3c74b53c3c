import Foundation

extension TrainingKernels {
    /// cos/sin tables (T, hd/2) of the rotary position embedding, Hugging Face Llama convention:
    /// `invFreq[i] = theta^(-2i/hd)`, angle(t, i) = t · invFreq[i].
    struct RotaryTable {
        let cos: [Float]
        let sin: [Float]
        let half: Int
        let maxPositions: Int

        init(headDim: Int, maxPositions: Int, theta: Float) {
            half = headDim / 2
            self.maxPositions = maxPositions
            var c = [Float](repeating: 0, count: maxPositions * half)
            var s = c
            for t in 0..<maxPositions {
                for i in 0..<half {
                    // Double here: the table is built once and should not add its own error.
                    let invFreq = 1 / Foundation.pow(Double(theta), Double(2 * i) / Double(headDim))
                    let angle = Double(t) * invFreq
                    c[t * half + i] = Float(Foundation.cos(angle))
                    s[t * half + i] = Float(Foundation.sin(angle))
                }
            }
            cos = c
            sin = s
        }
    }

    /// Rotary embedding in place, "rotate_half" pairs `(i, i + hd/2)`:
    /// `x'[i] = x[i]·cos − x[i+hd/2]·sin`, `x'[i+hd/2] = x[i+hd/2]·cos + x[i]·sin`.
    /// x: B·T rows of `rowStride` floats; `heads` heads of `hd` floats from column `column`.
    /// Row `b·T + t` is at position `t`.
    static func rotaryForward(
        x: UnsafeMutablePointer<Float>, rowStride: Int, column: Int, heads: Int, headDim: Int,
        batch: Int, seqLen: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
    ) {
        let half = headDim / 2
        for b in 0..<batch {
            for t in 0..<seqLen {
                let row = x + ((b &* seqLen &+ t) &* rowStride &+ column)
                let cr = cos + t &* half
                let sr = sin + t &* half
                for h in 0..<heads {
                    let p = row + h &* headDim
                    for i in 0..<half {
                        let a = p[i], z = p[i &+ half]
                        p[i] = a * cr[i] - z * sr[i]
                        p[i &+ half] = z * cr[i] + a * sr[i]
                    }
                }
            }
        }
    }

    /// Gradient of ``rotaryForward``, in place: the rotation is orthogonal, so its gradient is the
    /// inverse rotation of the incoming gradient.
    static func rotaryBackward(
        dx: UnsafeMutablePointer<Float>, rowStride: Int, column: Int, heads: Int, headDim: Int,
        batch: Int, seqLen: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
    ) {
        let half = headDim / 2
        for b in 0..<batch {
            for t in 0..<seqLen {
                let row = dx + ((b &* seqLen &+ t) &* rowStride &+ column)
                let cr = cos + t &* half
                let sr = sin + t &* half
                for h in 0..<heads {
                    let p = row + h &* headDim
                    for i in 0..<half {
                        let d0 = p[i], d1 = p[i &+ half]
                        p[i] = d0 * cr[i] + d1 * sr[i]
                        p[i &+ half] = d1 * cr[i] - d0 * sr[i]
                    }
                }
            }
        }
    }
}
