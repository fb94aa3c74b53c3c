#!/usr/bin/env python3
"""Checks the runner's arithmetic against references written independently of it.

Plain Python (no pytest needed): `python tests/test_arithmetic.py [name-filter]`. Needs the
runner's requirements; the Hugging Face comparison also needs `transformers` (skipped without it,
see tests/requirements-test.txt). Small shapes throughout: the shared machine has 2 cores.
"""

import hashlib
import importlib.util
import math
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
REPO = HERE.parent.parent.parent
QUEST_MODEL = REPO / "assets" / "models" / "quest"

import numpy as np  # noqa: E402
import torch  # noqa: E402

from purr_torch_runner import frames as wire  # noqa: E402
from purr_torch_runner import int8, safetensors_io  # noqa: E402
from purr_torch_runner.device import pick_device  # noqa: E402
from purr_torch_runner.inner import (CheckpointStore, InnerLoop, InnerSettings, OptimizerState,  # noqa: E402
                                     TokenWindows, checkpoint_steps, sha256_f32)
from purr_torch_runner.layout import LlamaConfig, ParameterLayout  # noqa: E402
from purr_torch_runner.model import LlamaTorch  # noqa: E402
from purr_torch_runner.optim import AdamW, clip_grad_norm, learning_rate  # noqa: E402
from purr_torch_runner.rng import SplitMix64, Xoshiro256StarStar  # noqa: E402

DEVICE = pick_device("cpu", 2)
TINY = LlamaConfig(dim=32, hidden=64, layers=2, heads=4, kv_heads=2, vocab=61, max_positions=64)


def tiny_params(config=TINY, seed=0) -> np.ndarray:
    """Norms 1, matrices N(0, 0.05²): small enough to train a few steps sensibly."""
    layout = ParameterLayout(config)
    rng = np.random.default_rng(seed)
    flat = np.empty(layout.total, dtype=np.float32)
    for e in layout.entries:
        flat[e.offset:e.offset + e.count] = 1 if len(e.shape) == 1 else rng.normal(0, 0.05, e.count)
    return flat


def tiny_samples(n=12, length=40, vocab=TINY.vocab, seed=3):
    rng = np.random.default_rng(seed)
    return [[int(t) for t in rng.integers(0, vocab, length)] for _ in range(n)]


# -- RNG -----------------------------------------------------------------------------------------

def test_xoshiro_by_hand():
    """State (1, 2, 3, 4) worked through the definition on paper: 11520, 0, 1509978240."""
    r = Xoshiro256StarStar(0)
    r.s = [1, 2, 3, 4]
    # 1st: rotl(2·5, 7)·9 = 1280·9. State then (7, 0, 262146, 6<<45).
    assert r.next() == 11520
    assert r.state == (7, 0, 262146, 6 << 45)
    # 2nd: s1 = 0 -> 0. State then (7 ^ (6<<45), 262149, 262149, 6<<26).
    assert r.next() == 0
    assert r.state == (7 ^ (6 << 45), 262149, 262149, 6 << 26)
    # 3rd: rotl(262149·5, 7)·9 = (1310745 << 7)·9.
    assert r.next() == (1310745 << 7) * 9 == 1509978240


def test_splitmix64_reference():
    """Published SplitMix64 outputs for seed 1234567 (the reference C code's test)."""
    sm = SplitMix64(1234567)
    assert [sm.next() for _ in range(5)] == [6457827717110365317, 3203168211198807973, 9817491932198370423,
                                             4593380528125082431, 16408922859458223821]


def _numpy_xoshiro(seed, n):
    """An independent transcription with numpy's wrapping uint64 arithmetic."""
    with np.errstate(over="ignore"):
        u = np.uint64
        x = u(seed)
        s = []
        for _ in range(4):
            x = x + u(0x9E3779B97F4A7C15)
            z = x
            z = (z ^ (z >> u(30))) * u(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> u(27))) * u(0x94D049BB133111EB)
            s.append(z ^ (z >> u(31)))

        def rotl(v, k):
            return (v << u(k)) | (v >> u(64 - k))

        out = []
        for _ in range(n):
            out.append(int(rotl(s[1] * u(5), 7) * u(9)))
            t = s[1] << u(17)
            s[2] ^= s[0]
            s[3] ^= s[1]
            s[1] ^= s[2]
            s[0] ^= s[3]
            s[2] ^= t
            s[3] = rotl(s[3], 45)
        return out


def test_xoshiro_seeded_sequence():
    for seed in (0, 1, 4127935184230958071, (1 << 64) - 1):
        r = Xoshiro256StarStar(seed)
        assert [r.next() for _ in range(300)] == _numpy_xoshiro(seed, 300), seed


def test_batch_sampling():
    """Step t draws batch starts next() mod (T − seqLen); window s = tokens[s : s+seqLen+1]."""
    samples = [[1, 2, 3], [4, 5, 6, 7], [8, 9]]
    w = TokenWindows(samples, 4)
    stream = list(range(1, 10))
    rng, ref = Xoshiro256StarStar(99), Xoshiro256StarStar(99)
    for _ in range(3):
        x, y = w.random_batch(2, rng)
        for row in range(2):
            s = ref.next() % (len(stream) - 4)
            assert list(x[row]) == stream[s:s + 4] and list(y[row]) == stream[s + 1:s + 5]


# -- optimizer, clipping, schedule ---------------------------------------------------------------

def test_learning_rate():
    f = np.float32
    assert learning_rate(0, 1e-3, 4, 20) == f(f(f(1e-3) * f(1)) / f(4))
    assert learning_rate(3, 1e-3, 4, 20) == f(1e-3)
    assert learning_rate(10, 2e-3, 0, 20) == f(2e-3)
    assert learning_rate(25, 2e-3, 0, 20) == f(2e-3)


def _adamw_scalar(p, g, m, v, step, lr, wd):
    """Swift's AdamW.update for one element, in numpy float32 scalars, evaluated left to right."""
    f = np.float32
    b1, b2, e = f(0.9), f(0.95), f(1e-8)
    c1 = f(1) / (f(1) - f(math.pow(float(b1), step)))
    c2 = f(1) / (f(1) - f(math.pow(float(b2), step)))
    m = b1 * m + (f(1) - b1) * g
    v = b2 * v + (f(1) - b2) * g * g
    p = p - (f(lr) * (m * c1) / (np.sqrt(v * c2) + e) + f(f(lr) * f(wd)) * p)
    return p, m, v


def test_adamw_bitwise():
    """Matrix elements decay, norm elements do not; every element equals the scalar reference."""
    cfg = LlamaConfig(dim=8, hidden=16, layers=1, heads=2, kv_heads=1, vocab=9, max_positions=8)
    layout = ParameterLayout(cfg)
    rng = np.random.default_rng(5)
    p = rng.normal(0, 0.1, layout.total).astype(np.float32)
    opt = AdamW(layout, DEVICE, weight_decay=0.1)
    opt.resume(rng.normal(0, 0.01, layout.total).astype(np.float32),
               rng.uniform(0, 1e-4, layout.total).astype(np.float32), 7)
    m0, v0 = opt.m.numpy().copy(), opt.v.numpy().copy()
    theta = torch.from_numpy(p.copy())
    lr = learning_rate(0, 3e-3, 2, 10)
    for step in range(3):
        g = rng.normal(0, 0.02, layout.total).astype(np.float32)
        opt.update(theta, torch.from_numpy(g), lr)
        for e in layout.entries:
            for j in (e.offset, e.offset + e.count - 1):
                wd = 0.1 if e.decays else 0.0
                p[j], m0[j], v0[j] = _adamw_scalar(p[j], g[j], m0[j], v0[j], 8 + step, lr, wd)
        got = theta.numpy()
        for e in layout.entries:
            for j in (e.offset, e.offset + e.count - 1):
                assert got[j] == p[j] and opt.m[j].item() == m0[j] and opt.v[j].item() == v0[j], (e.name, step)
    assert opt.step == 10


def test_clip():
    g = torch.from_numpy(np.random.default_rng(2).normal(0, 1, 10000).astype(np.float32))
    ref = math.sqrt(float((g.double() ** 2).sum()))
    before = g.clone()
    norm = clip_grad_norm(g, 1.0)
    assert abs(norm - ref) / ref < 1e-6
    scale = np.float32(1) / (np.float32(norm) + np.float32(1e-6))
    assert torch.equal(g, before * torch.tensor(scale))
    small = torch.full((100,), 0.01)
    assert clip_grad_norm(small, 1.0) < 1 and torch.equal(small, torch.full((100,), 0.01))


# -- int8 and error feedback ---------------------------------------------------------------------

def test_int8_bounds_and_rounding():
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1e-3, 1000).astype(np.float32)  # 3 full blocks and a partial one
    x[256:512] = 0                                      # an all-zero block
    x[900] = 5e-2                                       # one large coordinate
    values, scales = int8.encode(x)
    assert values.dtype == np.int8 and scales.shape == (4,) and values.shape == (1000,)
    assert scales[1] == 0 and not values[256:512].any()
    for b in range(4):
        blk = x[b * 256:(b + 1) * 256]
        assert scales[b] == np.float32(np.abs(blk).max() / np.float32(127))
    dec = int8.decode(values, scales)
    per = np.repeat(scales, 256)[:1000]
    assert np.all(np.abs(dec - x) <= per / 2 * (1 + 1e-6))
    assert np.abs(values).max() == 127 and values.min() >= -127
    # Half-way cases round to even: absmax 127 gives scale 1.
    v, s = int8.encode(np.array([127, 2.5, 3.5, -2.5, -0.5, 0.5], dtype=np.float32))
    assert s[0] == 1 and list(v) == [127, 2, 4, -2, 0, 0]
    try:
        int8.encode(np.array([1, np.nan], dtype=np.float32))
        raise AssertionError("NaN accepted")
    except int8.NonFinite as e:
        assert e.index == 1


def test_error_feedback():
    """Σ decoded over rounds = Σ deltas − residual, with the residual under half a scale."""
    rng = np.random.default_rng(8)
    fb = int8.ErrorFeedback(700)
    sent = np.zeros(700, dtype=np.float64)
    total = np.zeros(700, dtype=np.float64)
    for _ in range(5):
        d = rng.normal(0, 1e-3, 700).astype(np.float32)
        values, scales, residual = fb.compress(d)
        fb.commit(residual)
        sent += int8.decode(values, scales)
        total += d
        assert np.all(np.abs(residual) <= np.repeat(scales, 256)[:700] / 2 * (1 + 1e-5))
    assert np.allclose(sent, total - fb.residual, atol=1e-9)


def test_diff_application():
    """θ ← θ + f32(value × scale): two binary32 roundings, nothing fused."""
    rng = np.random.default_rng(9)
    theta = rng.normal(0, 1, 600).astype(np.float32)
    values, scales = int8.encode(rng.normal(0, 1e-2, 600).astype(np.float32))
    frame = wire.decode(wire.encode(wire.MODEL_DIFF, 3, 5, [wire.i8_tensor("delta", values, scales, 256)]))
    got = theta + frame.tensor("delta").floats()
    for j in range(0, 600, 37):
        prod = np.float32(np.float32(values[j]) * scales[j // 256])
        assert got[j] == np.float32(theta[j] + prod)


# -- frames --------------------------------------------------------------------------------------

GOLDEN = bytes.fromhex(
    "50515446" "0100" "0300" "00000000" "02000000" "0807060504030201" "0700000000000000"
    "010077" "010102000000" "00000000" "0000000000000000" "0800000000000000"
    "010071" "020103000000" "02000000" "0800000000000000" "0b00000000000000"
    "000000000000"
    "0000803f000000c0" "0000003f0000803e" "01ff7f"
    "cf105d05f1ba6d1803d8b65b638c3ba3246c5a374e1acfd5262e8019ee80f208")


def test_golden_frame():
    """The example of docs/wire-format.md, byte for byte."""
    assert len(GOLDEN) == 147
    built = wire.encode(wire.UPDATE, 0x0102030405060708, 7, [
        wire.f32_tensor("w", [1, -2]),
        wire.i8_tensor("q", np.array([1, -1, 127]), np.array([0.5, 0.25]), 2)])
    assert built == GOLDEN, built.hex()
    f = wire.decode(GOLDEN)
    assert (f.message_type, f.request_id, f.round) == (3, 0x0102030405060708, 7)
    assert list(f.tensor("w").floats()) == [1, -2] and list(f.tensor("q").floats()) == [0.5, -0.5, 31.75]


def test_frame_round_trip_and_errors():
    rng = np.random.default_rng(10)
    tensors = [wire.f32_tensor("a", rng.normal(size=(3, 5)).astype(np.float32), dims=(3, 5)),
               wire.f32_tensor("scalar", [4.0], dims=()),
               wire.f32_tensor("empty", [], dims=(0, 7)),
               wire.i8_tensor("d", rng.integers(-127, 128, 1001).astype(np.int8), rng.uniform(0, 1, 4), 256)]
    raw = wire.encode(wire.AUDIT_STATE, 12, 34, tensors)
    f = wire.decode(raw)
    assert (f.message_type, f.request_id, f.round) == (5, 12, 34)
    for t, u in zip(tensors, f.tensors):
        assert t.name == u.name and t.dims == u.dims and t.dtype == u.dtype
        assert np.array_equal(t.floats(), u.floats())

    def refused(data, code):
        try:
            wire.decode(data)
        except wire.FrameError as e:
            assert e.code == code, (e.code, code)
            return
        raise AssertionError(f"accepted, expected {code}")

    def resealed(body):
        return bytes(body) + hashlib.sha256(bytes(body)).digest()

    body = bytearray(raw[:-32])
    refused(b"XQTF" + raw[4:], "wire.bad_magic")
    refused(raw[:-1] + bytes([raw[-1] ^ 1]), "wire.checksum_mismatch")
    b = bytearray(body); b[4] = 2; refused(resealed(b), "wire.unsupported_version")  # noqa: E702
    b = bytearray(body); b[6] = 9; refused(resealed(b), "wire.bad_message_type")  # noqa: E702
    b = bytearray(body); b[8] = 1; refused(resealed(b), "wire.unsupported_flags")  # noqa: E702
    b = bytearray(body); b[-1] = 0; b += b"\x01"; refused(resealed(b), "wire.bad_padding")  # noqa: E702
    # The first table entry's offset (name "a": 2 + 1 + 2 + 8 + 4 bytes in) made odd.
    b = bytearray(body); b[32 + 17] = 4; refused(resealed(b), "wire.misaligned")  # noqa: E702


def test_safetensors_round_trip():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "x.safetensors")
        a, b = np.arange(5, dtype=np.float32), np.ones((2, 3), dtype=np.float32)
        safetensors_io.write(path, {"a": a, "b": b}, {"k": "v"})
        back = safetensors_io.read(path)
        assert np.array_equal(back["a"], a) and np.array_equal(back["b"], b)
        try:
            from safetensors.numpy import load_file
        except ImportError:
            return
        other = load_file(path)
        assert np.array_equal(other["a"], a) and np.array_equal(other["b"], b)


# -- model ---------------------------------------------------------------------------------------

def test_shipped_model_hash():
    """The flat vector in layout order hashes to the checksum the Swift trainer recorded."""
    import json
    _, _, flat = safetensors_io.load_model_dir(QUEST_MODEL)
    assert sha256_f32(flat) == json.loads((QUEST_MODEL / "training.json").read_text())["checksum"]


def _hf_model(dtype):
    import transformers
    return transformers.LlamaForCausalLM.from_pretrained(str(QUEST_MODEL), torch_dtype=dtype).eval()


def test_forward_matches_transformers():
    """Logits against transformers' LlamaForCausalLM on the shipped weights: max |diff| < 1e-4."""
    if importlib.util.find_spec("transformers") is None:
        print("  (skipped: transformers is not installed)")
        return
    config, _, flat = safetensors_io.load_model_dir(QUEST_MODEL)
    model = LlamaTorch(config, DEVICE)
    tokens = torch.from_numpy(np.random.default_rng(11).integers(0, config.vocab, 96))
    ours = model.logits(torch.from_numpy(flat), tokens).double()
    with torch.no_grad():
        ref64 = _hf_model(torch.float64)(tokens[None]).logits[0]
        ref32 = _hf_model(torch.float32)(tokens[None]).logits[0].double()
    d64, d32 = (ours - ref64).abs().max().item(), (ours - ref32).abs().max().item()
    print(f"  max |logit diff|: {d64:.2e} vs transformers float64, {d32:.2e} vs float32")
    assert d64 < 1e-4 and d32 < 1e-4


def test_gradient_matches_transformers():
    """Loss and gradient (tied embedding included, one ignored target) against autograd of
    transformers in float64: relative L2 < 1e-5."""
    if importlib.util.find_spec("transformers") is None:
        print("  (skipped: transformers is not installed)")
        return
    config, layout, flat = safetensors_io.load_model_dir(QUEST_MODEL)
    model = LlamaTorch(config, DEVICE)
    seq = torch.from_numpy(np.random.default_rng(12).integers(0, config.vocab, (2, 25)))
    x, y = seq[:, :-1].contiguous(), seq[:, 1:].contiguous()
    y[1, 3] = -1
    loss, g = model.loss_and_grad(torch.from_numpy(flat.copy()), x, y)
    hf = _hf_model(torch.float64)
    logits = hf(x).logits
    ref_loss = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab), y.reshape(-1), ignore_index=-1)
    ref_loss.backward()
    named = dict(hf.named_parameters())
    ref = np.concatenate([named[e.name].grad.numpy().reshape(-1) for e in layout.entries])
    rel = np.linalg.norm(g.double().numpy() - ref) / np.linalg.norm(ref)
    print(f"  loss {loss:.6f} vs {ref_loss.item():.6f}; gradient relative L2 {rel:.2e}")
    assert abs(loss - ref_loss.item()) < 1e-5 and rel < 1e-5


def test_gradient_shares_add_in_order():
    """The batch gradient is ((share 0 + share 1) + share 2), one share per sequence, each
    scaled by 1 / (counted positions of the whole batch); the loss is Σ share sums / count."""
    model = LlamaTorch(TINY, DEVICE)
    theta = torch.from_numpy(tiny_params())
    rng = np.random.default_rng(13)
    x = torch.from_numpy(rng.integers(0, TINY.vocab, (3, 16)))
    y = torch.from_numpy(rng.integers(0, TINY.vocab, (3, 16)))
    y[2, :4] = -1
    loss, g = model.loss_and_grad(theta, x, y)
    scale = torch.tensor(np.float32(1) / np.float32(44))
    shares = [model.share_grad(theta, x[b], y[b], scale) for b in range(3)]
    assert torch.equal(g, (shares[0][1] + shares[1][1]) + shares[2][1])
    assert loss == (shares[0][0] + shares[1][0] + shares[2][0]) / 44


# -- inner loop ----------------------------------------------------------------------------------

def _tiny_loop(steps=7, segment=3, keep=True):
    settings = InnerSettings(steps=steps, batch=2, seq_len=16, learning_rate=3e-3, warmup_steps=2, clip_norm=1.0,
                             weight_decay=0.1, keep_optimizer_state=keep, segment_steps=segment)
    return InnerLoop(LlamaTorch(TINY, DEVICE), settings)


def test_checkpoints_and_replay():
    """Checkpoints at 0, C, 2C, …, H with adamStep n0 + t_k; a replayed segment reproduces the
    next checkpoint bit for bit; hashes are SHA-256 of the little-endian f32 bytes."""
    assert checkpoint_steps(20, 10) == [0, 10, 20] and checkpoint_steps(25, 10) == [0, 10, 20, 25]
    assert checkpoint_steps(5, 10) == [0, 5]
    loop = _tiny_loop()
    start, samples = tiny_params(), tiny_samples()
    store = CheckpointStore(1, memory_limit=3 * 4 * start.size * 2)  # two in memory, the rest on disk
    r = loop.run(start, samples, 1234, store=store)
    assert [c.step for c in store.checkpoints] == [0, 3, 6, 7] and [c.adam_step for c in store.checkpoints] == [0, 3, 6, 7]
    zeros = hashlib.sha256(bytes(4 * start.size)).hexdigest()
    first = store.checkpoints[0]
    assert first.params == hashlib.sha256(start.astype("<f4").tobytes()).hexdigest() and first.m == zeros == first.v
    last = store.vectors(3)
    assert np.array_equal(last[0], r.params.numpy()) and np.array_equal(last[1], r.optimizer.m)
    for k in range(3):
        p, m, v = store.vectors(k)
        c = store.checkpoints[k]
        assert (c.params, c.m, c.v) == (sha256_f32(p), sha256_f32(m), sha256_f32(v))
        nxt = store.checkpoints[k + 1]
        rp, rm, rv, n = loop.replay(p, m, v, c.adam_step, c.step, nxt.step, samples, 1234)
        assert n == nxt.adam_step and sha256_f32(rp) == nxt.params and sha256_f32(rm) == nxt.m and sha256_f32(rv) == nxt.v, k
    store.drop()
    assert r.losses[-1] < r.losses[0]


def test_carried_optimizer():
    """A round continuing a kept optimizer starts its counts at the carried step; running 4 + 3
    steps with the state carried equals 7 steps in one go (same batches)."""
    loop7 = _tiny_loop(steps=7, segment=0)
    start, samples = tiny_params(), tiny_samples()
    whole = loop7.run(start, samples, 77)
    loop4 = _tiny_loop(steps=4, segment=0)
    part = loop4.run(start, samples, 77)
    p, m, v, n = loop7.replay(part.params.numpy(), part.optimizer.m, part.optimizer.v, part.optimizer.step, 4, 7,
                              samples, 77)
    assert n == 7 and np.array_equal(p, whole.params.numpy()) and np.array_equal(m, whole.optimizer.m)
    # A new round: fresh batches, the step count carries.
    loop3 = _tiny_loop(steps=3, segment=1)
    store = CheckpointStore(2)
    r = loop3.run(part.params.numpy(), samples, 5, state=OptimizerState(part.optimizer.m, part.optimizer.v, 4), store=store)
    assert [c.adam_step for c in store.checkpoints] == [4, 5, 6, 7] and r.optimizer.step == 7
    assert store.checkpoints[0].m == sha256_f32(part.optimizer.m)


def test_run_is_deterministic():
    a = _tiny_loop(steps=3, segment=0).run(tiny_params(), tiny_samples(), 9)
    b = _tiny_loop(steps=3, segment=0).run(tiny_params(), tiny_samples(), 9)
    assert torch.equal(a.params, b.params) and a.losses == b.losses


def main(argv):
    pattern = argv[1] if len(argv) > 1 else ""
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f) and pattern in n]
    failed = 0
    for name, fn in tests:
        began = time.monotonic()
        try:
            fn()
            print(f"ok   {name} ({time.monotonic() - began:.1f} s)")
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
