#!/usr/bin/env python3
"""Reference forward pass of our Llama model in plain numpy (float64), for NeuralCore's tests.

It reads a model directory in the Hugging Face layout (config.json + model.safetensors, as written
by NeuralCore's ModelFiles.save), runs the forward pass written independently of the Swift code,
following transformers' LlamaForCausalLM (RMSNorm, rotate_half rotary embedding, grouped key/value
heads via repeat_kv, SwiGLU MLP, tied output head), and writes reference.json next to the weights:
the token ids, targets (-1 = ignored), logits and mean cross-entropy loss.
NeuralCoreTests/ReferenceModelTests compares LlamaModel with it to 1e-4.

Regenerate the fixture (needs only numpy):

    # 1. export the weights from Swift into Tests/NeuralCoreTests/Fixtures/tiny-llama/
    NEURALCORE_EXPORT_REFERENCE=1 swift test --filter exportReferenceWeights
    # 2. compute the reference
    python3 scripts/reference/llama_numpy.py Tests/NeuralCoreTests/Fixtures/tiny-llama
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", f"{name}: dtype {entry['dtype']}"
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").astype(np.float64).reshape(entry["shape"])
    return tensors


def rms_norm(x, weight, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def apply_rotary(x, theta):
    """x: (B, heads, T, hd); the Hugging Face Llama convention."""
    seq, hd = x.shape[2], x.shape[3]
    inv_freq = 1.0 / theta ** (np.arange(0, hd, 2, dtype=np.float64) / hd)
    angles = np.arange(seq, dtype=np.float64)[:, None] * inv_freq[None, :]
    emb = np.concatenate([angles, angles], axis=-1)
    return x * np.cos(emb) + rotate_half(x) * np.sin(emb)


def forward(cfg, w, tokens):
    """tokens: (B, T) ints -> logits (B, T, vocab)."""
    dim, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kv_heads = cfg.get("num_key_value_heads", heads)
    hd = dim // heads
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
    B, T = tokens.shape
    emb = w["model.embed_tokens.weight"]
    h = emb[tokens]
    mask = np.triu(np.full((T, T), -np.inf), k=1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        x = rms_norm(h, w[p + "input_layernorm.weight"], eps)
        q = (x @ w[p + "self_attn.q_proj.weight"].T).reshape(B, T, heads, hd).transpose(0, 2, 1, 3)
        k = (x @ w[p + "self_attn.k_proj.weight"].T).reshape(B, T, kv_heads, hd).transpose(0, 2, 1, 3)
        v = (x @ w[p + "self_attn.v_proj.weight"].T).reshape(B, T, kv_heads, hd).transpose(0, 2, 1, 3)
        q, k = apply_rotary(q, theta), apply_rotary(k, theta)
        k = np.repeat(k, heads // kv_heads, axis=1)  # repeat_kv: kv0, kv0, kv1, kv1, ...
        v = np.repeat(v, heads // kv_heads, axis=1)
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + mask
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        att = (probs @ v).transpose(0, 2, 1, 3).reshape(B, T, dim)
        h = h + att @ w[p + "self_attn.o_proj.weight"].T
        x = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        gate = x @ w[p + "mlp.gate_proj.weight"].T
        up = x @ w[p + "mlp.up_proj.weight"].T
        h = h + (gate / (1 + np.exp(-gate)) * up) @ w[p + "mlp.down_proj.weight"].T
    h = rms_norm(h, w["model.norm.weight"], eps)
    return h @ emb.T


def mean_cross_entropy(logits, targets):
    flat, t = logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)
    keep = t >= 0
    m = flat.max(-1, keepdims=True)
    lse = (np.log(np.exp(flat - m).sum(-1, keepdims=True)) + m)[:, 0]
    return float((lse[keep] - flat[keep, t[keep]]).mean())


def main():
    model_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "Tests/NeuralCoreTests/Fixtures/tiny-llama")
    cfg = json.loads((model_dir / "config.json").read_text())
    weights = read_safetensors(model_dir / "model.safetensors")
    rng = np.random.RandomState(2024)
    batch, seq = 2, cfg["max_position_embeddings"]
    tokens = rng.randint(0, cfg["vocab_size"], size=(batch, seq))
    targets = rng.randint(0, cfg["vocab_size"], size=(batch, seq))
    targets[1, 3] = -1  # one ignored (padding) position
    logits = forward(cfg, weights, tokens)
    loss = mean_cross_entropy(logits, targets)
    out = {
        "batch": batch,
        "seqLen": seq,
        "tokens": tokens.reshape(-1).tolist(),
        "targets": targets.reshape(-1).tolist(),
        "loss": loss,
        "logits": [float(f"{x:.9g}") for x in logits.reshape(-1)],
    }
    (model_dir / "reference.json").write_text(json.dumps(out) + "\n")
    print(f"{model_dir}/reference.json: loss {loss:.6f}, {logits.size} logits, |logits| max {np.abs(logits).max():.3f}")


if __name__ == "__main__":
    main()
