"""The Llama-style decoder exactly as the Swift trainer computes it, over one flat f32 vector.

Conventions read from Sources/NeuralCore/Training (LlamaModel.swift, TrainingKernels*.swift):
- RMSNorm `y = x · (1 / sqrt(Σx²/C + eps)) · w`, eps = normEps (f32), sqrt correctly rounded.
- Rotary embedding in the Hugging Face "rotate_half" convention: pairs (i, i + hd/2),
  invFreq[i] = theta^(-2i/hd); the cos/sin table is computed in float64 and rounded to f32.
- Grouped-query attention: query head h reads key/value head h // (heads / kvHeads); scores
  scaled by f32(1 / sqrt(hd)), causal softmax as exp(x − max) · (1 / Σ).
- SwiGLU `silu(g) · u` with silu(g) = g / (1 + exp(−g)); q|k|v and gate|up are contiguous in
  the parameter vector and multiplied as one matrix each, as Swift does.
- Output head tied to the embedding: logits = h · Eᵀ.
- Loss: cross-entropy summed over positions whose target is not −1, divided by the number of
  such positions in the *whole batch* (Swift passes 1/count of the batch to every share).
- Gradient: one share per sequence of the batch, shares added in order (share 0 first); within
  a share the tied embedding's gradient is the output head's, then each input row added in
  token order (Swift's sgemm with beta 1, then `embeddingBackward`).

Bit-for-bit equality with OpenBLAS is not possible (other GEMM kernels, Swift's polynomial exp);
the order of the sums that Swift fixes is reproduced so that differences stay at rounding level.
"""

from typing import Optional, Tuple

import numpy as np
import torch

from .layout import LlamaConfig, ParameterLayout
from .optim import exact_sqrt

IGNORE_INDEX = -1


def rotary_tables(head_dim: int, max_positions: int, theta: float) -> Tuple[np.ndarray, np.ndarray]:
    """cos/sin (T, hd/2) as `TrainingKernels.RotaryTable`: float64 angles, f32 results."""
    half = head_dim // 2
    i = np.arange(half, dtype=np.float64)
    inv_freq = 1.0 / np.power(float(np.float32(theta)), (2.0 * i) / head_dim)
    angles = np.arange(max_positions, dtype=np.float64)[:, None] * inv_freq[None, :]
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)


class LlamaTorch:
    """Forward and gradient of the Swift model; parameters are passed in as one flat tensor."""

    def __init__(self, config: LlamaConfig, device: torch.device):
        problem = config.problem()
        if problem:
            raise ValueError(f"invalid model shape: {problem}")
        self.config = config
        self.layout = ParameterLayout(config)
        self.device = device
        cos, sin = rotary_tables(config.head_dim, config.max_positions, config.rope_theta)
        self.cos = torch.from_numpy(cos).to(device)
        self.sin = torch.from_numpy(sin).to(device)
        f32 = lambda x: torch.tensor(np.float32(x), dtype=torch.float32, device=device)  # noqa: E731
        # Constants as 0-dim f32 tensors: every operation then rounds in binary32, as in Swift.
        self.eps = f32(config.norm_eps)
        self.att_scale = f32(np.float32(1) / np.sqrt(np.float32(config.head_dim)))
        self.one = f32(1)
        c = config
        L = self.layout
        emb = L["model.embed_tokens.weight"]
        self.emb = (emb.offset, emb.count)
        self.layer_offsets = []
        for layer in range(c.layers):
            p = f"model.layers.{layer}."
            self.layer_offsets.append({k: L[p + n].offset for k, n in (
                ("in", "input_layernorm.weight"), ("q", "self_attn.q_proj.weight"), ("k", "self_attn.k_proj.weight"),
                ("o", "self_attn.o_proj.weight"), ("post", "post_attention_layernorm.weight"),
                ("gate", "mlp.gate_proj.weight"), ("down", "mlp.down_proj.weight"))})
        mask = torch.ones(c.max_positions, c.max_positions, dtype=torch.bool, device=device).triu(1)
        self.causal = mask
        # The vector cut into the pieces the passes use (q|k|v and gate|up fused, as in Swift):
        # one `split` gives autograd a single concatenating backward instead of a full-size
        # zero-filled gradient per slice.
        self.pieces = [emb.count]
        for lo in self.layer_offsets:
            self.pieces += [c.dim, lo["o"] - lo["q"], lo["post"] - lo["o"], c.dim, lo["down"] - lo["gate"], c.dim * c.hidden]
        self.pieces.append(c.dim)
        assert sum(self.pieces) == L.total, "ParameterLayout order changed"

    # -- pieces -------------------------------------------------------------------------------

    def _rmsnorm(self, x, w):
        ss = (x * x).sum(-1, keepdim=True)
        r = self.one / exact_sqrt(ss / x.shape[-1] + self.eps)
        return x * r * w

    def _rotary(self, x, T):
        """x: (heads, T, hd), rotate_half pairs."""
        half = x.shape[-1] // 2
        c, s = self.cos[:T], self.sin[:T]
        a, z = x[..., :half], x[..., half:]
        return torch.cat((a * c - z * s, z * c + a * s), dim=-1)

    def _split(self, theta):
        """-> (embedding (V, C), per layer (in, qkv, o, post, gateUp, down), final norm)."""
        c = self.config
        parts = theta.split(self.pieces)
        hd = c.head_dim
        qkv_rows = (c.heads + 2 * c.kv_heads) * hd
        layers = []
        for i in range(c.layers):
            n_in, qkv, o, post, gu, down = parts[1 + 6 * i:7 + 6 * i]
            layers.append((n_in, qkv.view(qkv_rows, c.dim), o.view(c.dim, c.heads * hd), post,
                           gu.view(2 * c.hidden, c.dim), down.view(c.dim, c.hidden)))
        return parts[0].view(c.vocab, c.dim), layers, parts[-1]

    def _hidden(self, theta, x):
        """x: (T, C) input embeddings -> (final-normed hidden states (T, C), embedding (V, C))."""
        c = self.config
        T, H, hd = x.shape[0], c.hidden, c.head_dim
        group = c.heads // c.kv_heads
        mask = self.causal[:T, :T]
        E, layers, final = self._split(theta)
        for n_in, w_qkv, w_o, n_post, w_gu, w_down in layers:
            h = self._rmsnorm(x, n_in)
            qkv = h @ w_qkv.t()
            q = qkv[:, :c.heads * hd].view(T, c.heads, hd).transpose(0, 1)
            k = qkv[:, c.heads * hd:(c.heads + c.kv_heads) * hd].view(T, c.kv_heads, hd).transpose(0, 1)
            v = qkv[:, (c.heads + c.kv_heads) * hd:].view(T, c.kv_heads, hd).transpose(0, 1)
            q, k = self._rotary(q, T), self._rotary(k, T)
            # Query head h reads kv head h // group; expand (whose backward is a plain sum) rather
            # than repeat_interleave (an index_add backward, nondeterministic on CUDA).
            k = k[:, None].expand(c.kv_heads, group, T, hd).reshape(c.heads, T, hd)
            v = v[:, None].expand(c.kv_heads, group, T, hd).reshape(c.heads, T, hd)
            scores = (q @ k.transpose(1, 2)) * self.att_scale
            scores = scores.masked_fill(mask, float("-inf"))
            e = torch.exp(scores - scores.amax(-1, keepdim=True))
            probs = e * (self.one / e.sum(-1, keepdim=True))
            att = (probs @ v).transpose(0, 1).reshape(T, c.heads * hd)
            x = x + att @ w_o.t()
            h = self._rmsnorm(x, n_post)
            gu = h @ w_gu.t()
            g, u = gu[:, :H], gu[:, H:]
            x = x + (g / (self.one + torch.exp(-g)) * u) @ w_down.t()
        return self._rmsnorm(x, final), E

    def _embedding(self, theta):
        off, n = self.emb
        return theta[off:off + n].view(self.config.vocab, self.config.dim)

    # -- public -------------------------------------------------------------------------------

    @torch.no_grad()
    def logits(self, theta: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """tokens (T,) -> logits (T, vocab); row t predicts token t + 1."""
        h, E = self._hidden(theta, self._embedding(theta)[tokens])
        return h @ E.t()

    def share_grad(self, theta: torch.Tensor, inputs: torch.Tensor, targets: torch.Tensor,
                   scale: torch.Tensor) -> Tuple[float, torch.Tensor]:
        """One sequence's share: (its summed loss in float64, d(scale · summed loss)/dθ).

        inputs, targets: (T,) long tensors. The tied embedding's gradient is the output head's
        with each input row then added in token order, as Swift's `embeddingBackward` does.
        """
        w = theta.detach().requires_grad_(True)
        # Input rows as their own leaf, so their gradient is added after the head's (below).
        x0 = self._embedding(theta.detach())[inputs].clone().requires_grad_(True)
        h, E = self._hidden(w, x0)
        losses = torch.nn.functional.cross_entropy(h @ E.t(), targets, ignore_index=IGNORE_INDEX, reduction="none")
        (losses.sum() * scale).backward()
        g = w.grad
        off, n = self.emb
        # Rows added one after another in token order (index_put_ with accumulate: sequential on
        # CPU, deterministic on CUDA; index_add_ is the same sum but 1000× slower when deterministic).
        g[off:off + n].view(self.config.vocab, self.config.dim).index_put_((inputs,), x0.grad, accumulate=True)
        return float(losses.detach().double().sum().item()), g

    def loss_and_grad(self, theta: torch.Tensor, inputs: torch.Tensor, targets: torch.Tensor,
                      grad_out: Optional[torch.Tensor] = None) -> Tuple[float, torch.Tensor]:
        """Mean loss over the batch's counted positions and its gradient, in Swift's order.

        inputs, targets: (B, T) long tensors on the device. Every share is scaled by
        1 / (counted positions of the whole batch); the shares are added in batch order.
        Returns (loss, gradient as a flat f32 tensor, written into `grad_out` when given).
        """
        count = int((targets != IGNORE_INDEX).sum().item())
        scale = torch.tensor(np.float32(1) / np.float32(count) if count else np.float32(0), device=self.device)
        total = grad_out
        loss_sum = 0.0
        for b in range(inputs.shape[0]):
            loss_b, g = self.share_grad(theta, inputs[b], targets[b], scale)
            loss_sum += loss_b
            if total is None:
                total = g
            elif b == 0:
                total.copy_(g)
            else:
                total.add_(g)
        return (loss_sum / count if count else 0.0), total

    def mean_loss(self, theta: torch.Tensor, inputs: torch.Tensor, targets: torch.Tensor) -> float:
        """Mean loss over counted positions (held-out evaluation), no gradient."""
        E = self._embedding(theta)
        total, count = 0.0, 0
        with torch.no_grad():
            for b in range(inputs.shape[0]):
                h, _ = self._hidden(theta, E[inputs[b]])
                logits = h @ E.t()
                losses = torch.nn.functional.cross_entropy(logits, targets[b], ignore_index=IGNORE_INDEX, reduction="sum")
                total += float(losses.double().item())
                count += int((targets[b] != IGNORE_INDEX).sum().item())
        return total / count if count else 0.0
