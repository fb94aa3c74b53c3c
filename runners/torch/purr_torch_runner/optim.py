"""AdamW, global-norm clipping and the learning-rate schedule, as the Swift trainer does them.

Sources: Sources/NeuralCore/Training/AdamW.swift (`AdamW.update`, `clipGradNorm`) and
LearningRateSchedule.swift. Every elementwise step is a separate f32 operation in Swift's
evaluation order (no fused multiply-add), so given the same gradient the update is bit for bit
Swift's on any IEEE device: constants are 0-dim f32 tensors and torch rounds each op to binary32;
the square root goes through float64 (see `exact_sqrt`).
"""

import math

import numpy as np
import torch

from .layout import ParameterLayout

F32 = np.float32


def exact_sqrt(x: torch.Tensor) -> torch.Tensor:
    """Correctly rounded f32 square root, as Swift's `squareRoot()`. torch.sqrt on CPU is not
    (measured: about 1 in 5 results 1 ulp off with torch 2.15 / MKL, AVX2); the float64 root
    rounded to f32 is exact, since binary64 carries more than twice binary32's precision."""
    return torch.sqrt(x.double()).float()


def learning_rate(step: int, peak: float, warmup_steps: int, total_steps: int, floor=None) -> np.float32:
    """`LearningRateSchedule.rate(at:)`; the inner loop uses peak == floor, so after the linear
    warm-up (first update peak / warmup, not 0) the rate is constant."""
    peak = F32(peak)
    floor = peak if floor is None else F32(floor)
    warmup_steps, total_steps = max(0, warmup_steps), max(0, total_steps)
    if step < warmup_steps:
        return F32(peak * F32(step + 1)) / F32(warmup_steps)
    if step >= total_steps:
        return floor
    decay_steps = max(1, total_steps - warmup_steps)
    progress = (step - warmup_steps) / decay_steps
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return F32(floor + F32(F32(cosine) * F32(peak - floor)))


def clip_grad_norm(g: torch.Tensor, max_norm: float, parts_wanted: int = 2) -> float:
    """Scales `g` in place so its L2 norm is at most `max_norm`; returns the norm before.

    Swift's order: the vector in `parts` fixed halves (2 unless tiny), each summed as f32 dot
    products of runs of 4096 accumulated in float64, the halves added in order; the norm is
    rounded to f32, and only when it exceeds `max_norm` (and is finite) every element is
    multiplied by f32(maxNorm / (norm + 1e-6)).
    """
    count = g.numel()
    parts = max(1, min(parts_wanted, count // 4096))
    chunk = (count + parts - 1) // parts
    total = 0.0
    for k in range(parts):
        seg = g[k * chunk:min(count, (k + 1) * chunk)]
        full = seg.numel() // 4096 * 4096
        runs = []
        if full:
            body = seg[:full].view(-1, 4096)
            runs.append((body * body).sum(1))
        if full < seg.numel():
            tail = seg[full:]
            runs.append((tail * tail).sum().view(1))
        partial = 0.0
        for r in torch.cat(runs).double().cpu().tolist():
            partial += r
        total += partial
    norm = F32(math.sqrt(total))
    if norm > F32(max_norm) and math.isfinite(norm):
        scale = F32(max_norm) / (norm + F32(1e-6))
        g.mul_(torch.tensor(scale, device=g.device))
    return float(norm)


class AdamW:
    """Adam with decoupled weight decay on matrices only; β = (0.9, 0.95), ε = 1e-8.

    Per element, in Swift's order:
        m = b1·m + (1−b1)·g;  v = b2·v + (1−b2)·g·g
        p −= lr·(m·c1) / (sqrt(v·c2) + eps) + decay·p,   decay = lr·wd (0 for rank-1 tensors)
    with c1 = 1 / (1 − f32(b1^step)), c2 likewise, `step` counting updates including this one
    (pow in float64 of the f32 betas, as Foundation.pow).
    """

    def __init__(self, layout: ParameterLayout, device: torch.device, weight_decay: float = 0.1,
                 beta1: float = 0.9, beta2: float = 0.95, eps: float = 1e-8):
        self.device = device
        self.beta1, self.beta2, self.eps, self.weight_decay = F32(beta1), F32(beta2), F32(eps), F32(weight_decay)
        self.m = torch.zeros(layout.total, dtype=torch.float32, device=device)
        self.v = torch.zeros(layout.total, dtype=torch.float32, device=device)
        self.step = 0
        mask = np.zeros(layout.total, dtype=np.float32)
        for e in layout.entries:
            if e.decays:
                mask[e.offset:e.offset + e.count] = 1
        self.decay_mask = torch.from_numpy(mask).to(device)
        t = self._t
        self.b1, self.b2, self.e = t(self.beta1), t(self.beta2), t(self.eps)
        self.omb1, self.omb2 = t(F32(1) - self.beta1), t(F32(1) - self.beta2)

    def _t(self, x) -> torch.Tensor:
        return torch.tensor(F32(x), dtype=torch.float32, device=self.device)

    def resume(self, m, v, step: int) -> None:
        """Carries on from saved moments and update count (DiLoCo's kept inner optimizer)."""
        self.m.copy_(torch.as_tensor(np.asarray(m, dtype=np.float32)).to(self.device))
        self.v.copy_(torch.as_tensor(np.asarray(v, dtype=np.float32)).to(self.device))
        self.step = max(0, int(step))

    def update(self, p: torch.Tensor, g: torch.Tensor, lr) -> None:
        self.step += 1
        lr = F32(lr)
        c1 = F32(1) / (F32(1) - F32(math.pow(float(self.beta1), float(self.step))))
        c2 = F32(1) / (F32(1) - F32(math.pow(float(self.beta2), float(self.step))))
        t = self._t
        lr_t, c1_t, c2_t = t(lr), t(c1), t(c2)
        decay = self.decay_mask * t(lr * self.weight_decay)
        m = self.b1 * self.m + self.omb1 * g
        v = self.b2 * self.v + (self.omb2 * g) * g
        self.m.copy_(m)
        self.v.copy_(v)
        step = (lr_t * (m * c1_t)) / (exact_sqrt(v * c2_t) + self.e)
        p.sub_(step + decay * p)
