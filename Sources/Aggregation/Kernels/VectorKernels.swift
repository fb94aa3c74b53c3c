/// The hot loops of the module, in one place so that they are the only code made fast.
///
/// Reductions use SIMD8 lanes over chunks of ``chunkLength`` elements and add each chunk's
/// partial sum into a Double: Swift keeps float additions in source order, so a plain scalar
/// loop would neither vectorise nor stay accurate over millions of elements. Every function
/// takes buffer pointers and allocates nothing.
enum VectorKernels {
    /// Elements summed in Float before the partial sum moves into the Double total.
    static let chunkLength = 4096

    // MARK: Reductions

    /// Σ x[j]², accumulated per chunk in Float and across chunks in Double.
    /// Non-finite input gives a non-finite result; squares above Float's range give +inf.
    @inline(__always)
    static func sumOfSquares(_ x: UnsafeBufferPointer<Float>) -> Double {
        let raw = UnsafeRawBufferPointer(x)
        let n = x.count
        var total = 0.0
        var start = 0
        while start < n {
            let end = min(n, start + chunkLength)
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var j = start
            while j + 16 <= end {
                let a = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                let b = raw.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
                acc0 += a * a
                acc1 += b * b
                j &+= 16
            }
            var partial = (acc0 + acc1).sum()
            while j < end {
                partial += x[j] * x[j]
                j &+= 1
            }
            total += Double(partial)
            start = end
        }
        return total
    }

    /// Σ (x[j] − y[j])² over the common length (callers pass equal lengths).
    @inline(__always)
    static func squaredDistance(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Double {
        let rawX = UnsafeRawBufferPointer(x)
        let rawY = UnsafeRawBufferPointer(y)
        let n = min(x.count, y.count)
        var total = 0.0
        var start = 0
        while start < n {
            let end = min(n, start + chunkLength)
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var j = start
            while j + 16 <= end {
                let a = rawX.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                    - rawY.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                let b = rawX.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
                    - rawY.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
                acc0 += a * a
                acc1 += b * b
                j &+= 16
            }
            var partial = (acc0 + acc1).sum()
            while j < end {
                let e = x[j] - y[j]
                partial += e * e
                j &+= 1
            }
            total += Double(partial)
            start = end
        }
        return total
    }

    /// Σ x[j]·y[j] over the common length.
    @inline(__always)
    static func dot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Double {
        let rawX = UnsafeRawBufferPointer(x)
        let rawY = UnsafeRawBufferPointer(y)
        let n = min(x.count, y.count)
        var total = 0.0
        var start = 0
        while start < n {
            let end = min(n, start + chunkLength)
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            var j = start
            while j + 16 <= end {
                acc0 += rawX.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                    * rawY.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
                acc1 += rawX.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
                    * rawY.loadUnaligned(fromByteOffset: (j &+ 8) &* 4, as: SIMD8<Float>.self)
                j &+= 16
            }
            var partial = (acc0 + acc1).sum()
            while j < end {
                partial += x[j] * y[j]
                j &+= 1
            }
            total += Double(partial)
            start = end
        }
        return total
    }

    /// The index of the first NaN or ±inf, or nil when every element is finite.
    ///
    /// The fast path multiplies by zero and sums: 0·inf and 0·NaN are NaN and NaN survives any
    /// sum, so one vectorised pass answers the common all-finite case; only a failing chunk is
    /// scanned element by element.
    static func firstNonFinite(_ x: UnsafeBufferPointer<Float>) -> Int? {
        let raw = UnsafeRawBufferPointer(x)
        let n = x.count
        var start = 0
        let zero = SIMD8<Float>()
        while start < n {
            let end = min(n, start + chunkLength)
            var acc = SIMD8<Float>()
            var j = start
            while j + 8 <= end {
                acc += raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self) * zero
                j &+= 8
            }
            var tail: Float = 0
            while j < end {
                tail += x[j] * 0
                j &+= 1
            }
            if !(acc.sum() + tail).isFinite {
                for k in start..<end where !x[k].isFinite { return k }
            }
            start = end
        }
        return nil
    }

    /// max |x[j]|; callers check finiteness first (NaN handling of the lane max is unspecified).
    @inline(__always)
    static func absMax(_ x: UnsafeBufferPointer<Float>) -> Float {
        let raw = UnsafeRawBufferPointer(x)
        let n = x.count
        var acc = SIMD8<Float>()
        var j = 0
        while j + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Float>.self)
            acc = pointwiseMax(acc, pointwiseMax(v, -v))
            j &+= 8
        }
        var result = acc.max()
        while j < n {
            result = max(result, abs(x[j]))
            j &+= 1
        }
        return result
    }

    // MARK: Element-wise

    /// y[j] += a·x[j].
    @inline(__always)
    static func addScaled(_ a: Float, _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let n = min(x.count, y.count)
        for j in 0..<n { y[j] += a * x[j] }
    }

    /// x[j] *= a.
    @inline(__always)
    static func scale(_ x: UnsafeMutableBufferPointer<Float>, by a: Float) {
        for j in 0..<x.count { x[j] *= a }
    }
}

extension VectorKernels {
    /// ‖x‖₂ of finite input, exact in range even where the squares overflow Float: such input
    /// is rescaled by its absmax first. Non-finite input gives a non-finite result.
    static func norm(_ x: UnsafeBufferPointer<Float>) -> Double {
        let squares = sumOfSquares(x)
        if squares.isFinite { return squares.squareRoot() }
        guard firstNonFinite(x) == nil else { return .nan }
        let largest = Double(absMax(x))
        var sum = 0.0
        for v in x {
            let r = Double(v) / largest
            sum += r * r
        }
        return largest * sum.squareRoot()
    }
}
