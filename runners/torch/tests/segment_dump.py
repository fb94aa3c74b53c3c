#!/usr/bin/env python3
"""Runs the torch inner loop offline and writes θ, m, v after it, to measure drift against Swift.

From a model directory (config.json + model.safetensors) and a token sample list, runs `--steps`
local AdamW steps from a fresh optimizer exactly as a runner would for an assignment with these
settings, and writes a .safetensors file with flat f32 vectors `params`, `m`, `v` (parameter-vector
order) plus metadata (adamStep, losses, the settings, and with --segment-steps the checkpoint hashes
a protocol-2 commitment would carry).

    python tests/segment_dump.py --model assets/models/quest --samples samples.json \\
        --seed 4127935184230958071 --steps 10 --batch 4 --seq-len 128 --lr 0.002 --out torch.safetensors

`samples.json`: a list of token-id lists, or an object with a "samples" member (a saved
train.assignment result works). Compare with the Swift trainer's output, e.g. relative L2
‖θ_torch − θ_swift‖ / ‖θ_swift − θ_start‖ as the segment audit measures it.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

from purr_torch_runner import safetensors_io  # noqa: E402
from purr_torch_runner.device import pick_device  # noqa: E402
from purr_torch_runner.inner import CheckpointStore, InnerLoop, InnerSettings, sha256_f32  # noqa: E402
from purr_torch_runner.model import LlamaTorch  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, help="model directory (config.json, model.safetensors)")
    p.add_argument("--samples", required=True, help="JSON token sample list")
    p.add_argument("--seed", type=int, required=True, help="the runner seed (batch sampling)")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--seq-len", type=int, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--segment-steps", type=int, default=0, help="also print checkpoint hashes every C steps")
    p.add_argument("--device", choices=("cpu", "cuda", "auto"), default="cpu")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", required=True, help="output .safetensors")
    a = p.parse_args(argv)

    device = pick_device(a.device, a.threads)
    config, layout, start = safetensors_io.load_model_dir(a.model)
    raw = json.loads(Path(a.samples).read_text())
    samples = raw["samples"] if isinstance(raw, dict) else raw
    samples = [[int(t) for t in s] for s in samples]
    settings = InnerSettings(steps=a.steps, batch=a.batch, seq_len=a.seq_len, learning_rate=a.lr, warmup_steps=a.warmup,
                             clip_norm=a.clip, weight_decay=a.weight_decay, segment_steps=a.segment_steps)
    loop = InnerLoop(LlamaTorch(config, device), settings)
    store = CheckpointStore(0, memory_limit=0) if a.segment_steps > 0 else None
    began = time.monotonic()
    r = loop.run(start, samples, a.seed, state=None, store=store)
    seconds = time.monotonic() - began
    params = r.params.cpu().numpy()
    meta = {"adamStep": r.optimizer.step, "losses": json.dumps(r.losses), "seed": a.seed, "steps": a.steps,
            "batch": a.batch, "seqLen": a.seq_len, "learningRate": a.lr, "warmupSteps": a.warmup, "clipNorm": a.clip,
            "weightDecay": a.weight_decay, "device": str(device), "startSHA256": sha256_f32(start),
            "paramsSHA256": sha256_f32(params)}
    if store:
        meta["checkpoints"] = json.dumps([c.commitment() for c in store.checkpoints])
        store.drop()
    safetensors_io.write(a.out, {"params": params, "m": r.optimizer.m, "v": r.optimizer.v}, meta)
    print(f"{a.steps} steps in {seconds:.1f} s on {device}: loss {r.losses[0]:.4f} -> {r.losses[-1]:.4f}; "
          f"params {meta['paramsSHA256']}; wrote {a.out}", file=sys.stderr)
    if store:
        for c in json.loads(meta["checkpoints"]):
            print(json.dumps(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
