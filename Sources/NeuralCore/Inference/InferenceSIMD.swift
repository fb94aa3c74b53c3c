/// Lane conversions spelled lane by lane.
///
/// The standard library's generic `SIMD8<Int32>(truncatingIfNeeded:)` and friends are not
/// always inlined: once the optimiser chose to call their prespecialised copies, every int8
/// product became a function call and decoding ran 4× slower. Written out lane by lane, LLVM
/// still sees one vector sign-extension and fuses the multiply-add into `pmaddwd`.
enum InferenceSIMD {
    @inline(__always)
    static func widen(_ a: SIMD8<Int16>) -> SIMD8<Int32> {
        SIMD8(Int32(truncatingIfNeeded: a[0]), Int32(truncatingIfNeeded: a[1]),
              Int32(truncatingIfNeeded: a[2]), Int32(truncatingIfNeeded: a[3]),
              Int32(truncatingIfNeeded: a[4]), Int32(truncatingIfNeeded: a[5]),
              Int32(truncatingIfNeeded: a[6]), Int32(truncatingIfNeeded: a[7]))
    }

    @inline(__always)
    static func narrow(_ a: SIMD8<Int32>) -> SIMD8<Int16> {
        SIMD8(Int16(truncatingIfNeeded: a[0]), Int16(truncatingIfNeeded: a[1]),
              Int16(truncatingIfNeeded: a[2]), Int16(truncatingIfNeeded: a[3]),
              Int16(truncatingIfNeeded: a[4]), Int16(truncatingIfNeeded: a[5]),
              Int16(truncatingIfNeeded: a[6]), Int16(truncatingIfNeeded: a[7]))
    }

    /// Even and odd lanes narrowed to int16 and woven back into natural order.
    @inline(__always)
    static func interleave(_ e: SIMD8<Int32>, _ o: SIMD8<Int32>) -> SIMD16<Int16> {
        SIMD16(Int16(truncatingIfNeeded: e[0]), Int16(truncatingIfNeeded: o[0]),
               Int16(truncatingIfNeeded: e[1]), Int16(truncatingIfNeeded: o[1]),
               Int16(truncatingIfNeeded: e[2]), Int16(truncatingIfNeeded: o[2]),
               Int16(truncatingIfNeeded: e[3]), Int16(truncatingIfNeeded: o[3]),
               Int16(truncatingIfNeeded: e[4]), Int16(truncatingIfNeeded: o[4]),
               Int16(truncatingIfNeeded: e[5]), Int16(truncatingIfNeeded: o[5]),
               Int16(truncatingIfNeeded: e[6]), Int16(truncatingIfNeeded: o[6]),
               Int16(truncatingIfNeeded: e[7]), Int16(truncatingIfNeeded: o[7]))
    }

    @inline(__always)
    static func float(_ a: SIMD4<Int32>) -> SIMD4<Float> {
        SIMD4(Float(a[0]), Float(a[1]), Float(a[2]), Float(a[3]))
    }

    /// `v` rounded to the nearest integer, ties to even, for `|v| < 2²²`: adding 1.5·2²³ pushes
    /// the fraction out of the mantissa. `rounded()` would be a libm call per element here,
    /// since baseline x86-64 has no `roundss`.
    @inline(__always)
    static func roundToInt16(_ v: Float) -> Int16 {
        Int16((v + 12_582_912) - 12_582_912)
    }

    /// `pmaddwd`: int16 lanes multiplied, adjacent products summed into int32 lanes.
    @inline(__always)
    static func multiplyAddPairs(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Int32> {
        let p = widen(a) &* widen(b)
        return p.evenHalf &+ p.oddHalf
    }
}
