/// Calls `body` with buffer pointers to every array at once, without copying them.
///
/// Swift lends an array's storage only inside a closure, so the pointers are collected by
/// nesting one `withUnsafeBufferPointer` per array; with n ≤ a few dozen updates the recursion
/// is shallow.
func withBuffers<R, E: Error>(
    _ arrays: [[Float]],
    _ body: ([UnsafeBufferPointer<Float>]) throws(E) -> R
) throws(E) -> R {
    var buffers: [UnsafeBufferPointer<Float>] = []
    buffers.reserveCapacity(arrays.count)
    func lend(_ index: Int) -> Result<R, E> {
        if index == arrays.count {
            do throws(E) { return .success(try body(buffers)) } catch { return .failure(error) }
        }
        return arrays[index].withUnsafeBufferPointer { buffer in
            buffers.append(buffer)
            return lend(index + 1)
        }
    }
    return try lend(0).get()
}
