/// Every activation the backward pass needs, plus the backward pass's scratch, in one allocation
/// sized from the config and a (batch, seqLen) capacity. Allocated once and reused every step.
///
/// Per layer `l` (N = B·T rows): `residual[l]` (N, C) is the layer's input and `residual[L]` the
/// final stream; `resMid` (N, C) the stream after attention; `ln1`/`ln2` (N, C) with `rstd1`/`rstd2`
/// (N); `qkv` (N, (NH+2·KVH)·hd) after rotary; `probs` (B, NH, T, T); `attOut` (N, NH·hd);
/// `gateUp` (N, 2H); `hmid` (N, H). Then `lnf` (N, C), `rstdf` (N), `logits` (N, V).
/// Scratch: `dres`, `dln` (N, C); `dhmid` (N, H); `dGateUp` (N, 2H); `dAttOut` (N, NH·hd);
/// `dqkv` (N, (NH+2·KVH)·hd); `dprobs` (T, T).
final class TrainingActivations {
    let batch: Int
    let seqLen: Int
    private let base: UnsafeMutablePointer<Float>
    let floatCount: Int

    let residual: [UnsafeMutablePointer<Float>]
    let resMid, ln1, rstd1, qkv, probs, attOut, ln2, rstd2, gateUp, hmid: [UnsafeMutablePointer<Float>]
    let lnf, rstdf, logits: UnsafeMutablePointer<Float>
    let dres, dln, dhmid, dGateUp, dAttOut, dqkv, dprobs: UnsafeMutablePointer<Float>

    init(config c: LlamaConfig, batch: Int, seqLen: Int) {
        self.batch = batch
        self.seqLen = seqLen
        let n = batch * seqLen
        let qkvDim = (c.heads + 2 * c.kvHeads) * c.headDim
        let attDim = c.heads * c.headDim
        var sizes: [Int] = []
        func reserve(_ count: Int) -> Int {
            sizes.append(count)
            return sizes.count - 1
        }
        let L = c.layers
        let iResidual = (0...L).map { _ in reserve(n * c.dim) }
        let iResMid = (0..<L).map { _ in reserve(n * c.dim) }
        let iLn1 = (0..<L).map { _ in reserve(n * c.dim) }
        let iRstd1 = (0..<L).map { _ in reserve(n) }
        let iQkv = (0..<L).map { _ in reserve(n * qkvDim) }
        let iProbs = (0..<L).map { _ in reserve(batch * c.heads * seqLen * seqLen) }
        let iAttOut = (0..<L).map { _ in reserve(n * attDim) }
        let iLn2 = (0..<L).map { _ in reserve(n * c.dim) }
        let iRstd2 = (0..<L).map { _ in reserve(n) }
        let iGateUp = (0..<L).map { _ in reserve(n * 2 * c.hidden) }
        let iHmid = (0..<L).map { _ in reserve(n * c.hidden) }
        let iLnf = reserve(n * c.dim), iRstdf = reserve(n), iLogits = reserve(n * c.vocab)
        let iDres = reserve(n * c.dim), iDln = reserve(n * c.dim), iDhmid = reserve(n * c.hidden)
        let iDGateUp = reserve(n * 2 * c.hidden), iDAttOut = reserve(n * attDim), iDqkv = reserve(n * qkvDim)
        let iDprobs = reserve(seqLen * seqLen)

        // Each tensor starts on a 64-byte boundary (16 floats) for the BLAS kernels.
        var offsets: [Int] = []
        var total = 0
        for size in sizes {
            offsets.append(total)
            total += (size + 15) / 16 * 16
        }
        floatCount = total
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, total) * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(1, total))
        base.initialize(repeating: 0, count: max(1, total))
        let b = base
        func at(_ i: Int) -> UnsafeMutablePointer<Float> { b + offsets[i] }
        residual = iResidual.map(at)
        resMid = iResMid.map(at)
        ln1 = iLn1.map(at)
        rstd1 = iRstd1.map(at)
        qkv = iQkv.map(at)
        probs = iProbs.map(at)
        attOut = iAttOut.map(at)
        ln2 = iLn2.map(at)
        rstd2 = iRstd2.map(at)
        gateUp = iGateUp.map(at)
        hmid = iHmid.map(at)
        lnf = at(iLnf)
        rstdf = at(iRstdf)
        logits = at(iLogits)
        dres = at(iDres)
        dln = at(iDln)
        dhmid = at(iDhmid)
        dGateUp = at(iDGateUp)
        dAttOut = at(iDAttOut)
        dqkv = at(iDqkv)
        dprobs = at(iDprobs)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    func fits(batch: Int, seqLen: Int) -> Bool {
        // Each tensor is addressed with the call's own strides, so any smaller shape fits.
        batch <= self.batch && seqLen <= self.seqLen
    }
}
