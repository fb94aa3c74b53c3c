"""The inner loop (one round's local AdamW steps) with protocol-2 checkpoints.

Mirrors Sources/ModelTraining/InnerLoop.swift and TokenWindows.swift:
- the samples are concatenated into one token stream of length T;
- the sampling RNG is xoshiro256** seeded with `runnerSeed`; step t draws `batch` window starts
  `next() mod (T − seqLen)` (draws t·batch … t·batch + batch − 1);
- window s: inputs tokens[s : s+seqLen], targets tokens[s+1 : s+seqLen+1];
- per step: zero gradient, mean loss and gradient, clip to `clipNorm`, AdamW with the
  learning rate of the warm-up schedule (constant `learningRate` after `warmupSteps`).
Checkpoint k is the state after t_k = min(k·C, H) updates (checkpoint 0 before the first).
"""

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional

import numpy as np
import torch

from .model import LlamaTorch
from .optim import AdamW, clip_grad_norm, learning_rate
from .rng import Xoshiro256StarStar


@dataclass
class InnerSettings:
    steps: int
    batch: int
    seq_len: int
    learning_rate: float = 3e-4
    warmup_steps: int = 0
    clip_norm: float = 1.0
    weight_decay: float = 0.1
    keep_optimizer_state: bool = False
    segment_steps: int = 0

    @staticmethod
    def from_assignment(inner: dict) -> "InnerSettings":
        """From `train.assignment`'s `inner` object."""
        s = InnerSettings(steps=int(inner["steps"]), batch=int(inner["batch"]), seq_len=int(inner["seqLen"]),
                          learning_rate=float(inner["learningRate"]))
        s.warmup_steps = int(inner.get("warmupSteps", 0))
        s.clip_norm = float(inner.get("clipNorm", 1.0))
        s.weight_decay = float(inner.get("weightDecay", 0.1))
        # The server always sends it; a missing flag reads as false, as in the Swift runner.
        s.keep_optimizer_state = bool(inner.get("keepOptimizerState", False))
        s.segment_steps = int(inner.get("segmentSteps", 0))
        if s.steps <= 0 or s.batch <= 0 or s.seq_len <= 0:
            raise ValueError("the assignment's inner-loop settings are malformed")
        if inner.get("lora") is not None:
            raise ValueError("LoRA rounds are not supported by this runner")
        return s


def checkpoint_steps(total: int, every: int) -> List[int]:
    """t_k = min(k·C, H), k = 0 … ceil(H / C): the local steps at which checkpoints fall."""
    c = max(1, every)
    out = list(range(0, max(0, total), c))
    out.append(max(0, total))
    return out


def sha256_f32(values: np.ndarray) -> str:
    """SHA-256 of a vector's little-endian f32 bytes (how paramsSHA256 and commitments hash)."""
    return hashlib.sha256(np.ascontiguousarray(values, dtype="<f4").tobytes()).hexdigest()


@dataclass
class OptimizerState:
    m: np.ndarray
    v: np.ndarray
    step: int


@dataclass
class Checkpoint:
    """One committed state; the vectors live in a `CheckpointStore`."""

    index: int
    step: int
    adam_step: int
    params: str
    m: str
    v: str

    def commitment(self) -> dict:
        return {"step": self.step, "adamStep": self.adam_step, "params": self.params, "m": self.m, "v": self.v}


class CheckpointStore:
    """A round's checkpoints: hashes always in memory, vectors in memory up to `memory_limit`
    bytes and in a temporary directory beyond (a long round holds K+1 × 3 vectors)."""

    def __init__(self, round_: int, memory_limit: int = 1 << 30):
        self.round = round_
        self.memory_limit = memory_limit
        self.checkpoints: List[Checkpoint] = []
        self._memory: Dict[int, tuple] = {}
        self._dir: Optional[str] = None
        self._bytes = 0

    def add(self, index: int, step: int, adam_step: int, params: np.ndarray, m: np.ndarray, v: np.ndarray) -> Checkpoint:
        c = Checkpoint(index, step, adam_step, sha256_f32(params), sha256_f32(m), sha256_f32(v))
        self.checkpoints.append(c)
        size = params.nbytes + m.nbytes + v.nbytes
        if self._bytes + size <= self.memory_limit:
            self._memory[index] = (params, m, v)
            self._bytes += size
        else:
            if self._dir is None:
                self._dir = tempfile.mkdtemp(prefix=f"purr-torch-round{self.round}-")
            for name, a in (("params", params), ("m", m), ("v", v)):
                np.ascontiguousarray(a, dtype="<f4").tofile(os.path.join(self._dir, f"{index}.{name}"))
        return c

    def vectors(self, index: int):
        """(params, m, v) of checkpoint `index` as f32 arrays."""
        if index in self._memory:
            return self._memory[index]
        if self._dir is None:
            raise KeyError(index)
        return tuple(np.fromfile(os.path.join(self._dir, f"{index}.{n}"), dtype="<f4") for n in ("params", "m", "v"))

    def drop(self) -> None:
        self._memory.clear()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


class TokenWindows:
    def __init__(self, samples: List[List[int]], seq_len: int):
        self.tokens = np.array([t for s in samples for t in s], dtype=np.int64)
        self.seq_len = seq_len

    @property
    def start_count(self) -> int:
        return max(0, len(self.tokens) - self.seq_len)

    def random_batch(self, batch: int, rng: Xoshiro256StarStar):
        n = self.start_count
        starts = [rng.next() % n if n > 0 else 0 for _ in range(batch)]
        return self.window(starts)

    def window(self, starts):
        T, toks = self.seq_len, self.tokens
        x = np.zeros((len(starts), T), dtype=np.int64)
        y = np.full((len(starts), T), -1, dtype=np.int64)
        for row, s in enumerate(starts):
            idx = np.arange(s, s + T)
            ok = idx < len(toks)
            x[row, ok] = toks[idx[ok]]
            ok1 = idx + 1 < len(toks)
            y[row, ok1] = toks[idx[ok1] + 1]
        return x, y


@dataclass
class InnerResult:
    params: torch.Tensor
    losses: List[float]
    optimizer: OptimizerState
    seconds: float
    tokens: int
    store: Optional[CheckpointStore] = None


class InnerLoop:
    def __init__(self, model: LlamaTorch, settings: InnerSettings):
        self.model = model
        self.settings = settings
        self.device = model.device

    def _windows(self, samples) -> TokenWindows:
        w = TokenWindows(samples, self.settings.seq_len)
        if w.start_count <= 0:
            raise ValueError(f"the assigned samples hold {len(w.tokens)} tokens, fewer than one sequence of "
                             f"{self.settings.seq_len + 1}")
        return w

    def _step(self, step, theta, grad, opt, windows, rng) -> float:
        s = self.settings
        x, y = windows.random_batch(s.batch, rng)
        xs = torch.from_numpy(x).to(self.device)
        ys = torch.from_numpy(y).to(self.device)
        loss, grad = self.model.loss_and_grad(theta, xs, ys, grad_out=grad)
        clip_grad_norm(grad, s.clip_norm)
        opt.update(theta, grad, learning_rate(step, s.learning_rate, s.warmup_steps, max(1, s.steps)))
        return loss

    def run(self, start: np.ndarray, samples, seed: int, state: Optional[OptimizerState] = None,
            store: Optional[CheckpointStore] = None,
            progress: Optional[Callable[[int, float], None]] = None) -> InnerResult:
        """Runs `settings.steps` updates from `start` (not modified). With a `store` and
        `settings.segment_steps > 0`, records every checkpoint there."""
        s = self.settings
        windows = self._windows(samples)
        theta = torch.from_numpy(np.array(start, dtype=np.float32)).to(self.device)
        grad = torch.zeros_like(theta)
        opt = AdamW(self.model.layout, self.device, weight_decay=s.weight_decay)
        if state is not None:
            opt.resume(state.m, state.v, state.step)
        rng = Xoshiro256StarStar(seed)
        marks = checkpoint_steps(s.steps, s.segment_steps) if (store is not None and s.segment_steps > 0) else []
        nxt = 0

        def mark(step):
            nonlocal nxt
            if nxt < len(marks) and marks[nxt] == step:
                store.add(nxt, step, opt.step, theta.cpu().numpy().copy(), opt.m.cpu().numpy().copy(),
                          opt.v.cpu().numpy().copy())
                nxt += 1

        began = time.monotonic()
        losses = []
        mark(0)
        for step in range(s.steps):
            losses.append(self._step(step, theta, grad, opt, windows, rng))
            mark(step + 1)
            if progress:
                progress(step + 1, losses[-1])
        final = OptimizerState(opt.m.cpu().numpy().copy(), opt.v.cpu().numpy().copy(), opt.step)
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        return InnerResult(theta, losses, final, time.monotonic() - began, s.steps * s.batch * s.seq_len, store)

    def replay(self, params, m, v, adam_step: int, from_step: int, until_step: int, samples, seed: int):
        """Re-executes local steps `from_step ..< until_step` from a checkpoint, as an audit does
        (the RNG skips the earlier steps' draws). Returns (params, m, v, adam_step) as arrays."""
        s = self.settings
        windows = self._windows(samples)
        theta = torch.from_numpy(np.array(params, dtype=np.float32)).to(self.device)
        grad = torch.zeros_like(theta)
        opt = AdamW(self.model.layout, self.device, weight_decay=s.weight_decay)
        opt.resume(m, v, adam_step)
        rng = Xoshiro256StarStar(seed)
        rng.skip(from_step * s.batch)
        for step in range(from_step, max(from_step, min(until_step, s.steps))):
            self._step(step, theta, grad, opt, windows, rng)
        return theta.cpu().numpy(), opt.m.cpu().numpy(), opt.v.cpu().numpy(), opt.step
