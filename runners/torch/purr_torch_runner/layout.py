"""Model shape and the parameter vector's order.

The parameter vector is the concatenation, in `ParameterLayout` order
(Sources/NeuralCore/ParameterLayout.swift), of: the embedding (tied to the output head, stored
once); per layer input_layernorm, q, k, v, o, post_attention_layernorm, gate, up, down; then
model.norm. It is the order of the tensors in a `modelState` frame, the order `paramsSHA256`
hashes, and the order of every flat vector on the wire (updates, diffs, m, v).
"""

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple


@dataclass(frozen=True)
class LlamaConfig:
    """Same fields as the Swift `LlamaConfig`; `rope_theta` and `norm_eps` are Float there."""

    dim: int
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    vocab: int
    max_positions: int
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.dim // self.heads

    @property
    def kv_dim(self) -> int:
        return self.kv_heads * self.head_dim

    def problem(self) -> Optional[str]:
        """Why this shape cannot be built (the Swift checks), or None."""
        if min(self.dim, self.hidden, self.layers, self.heads, self.kv_heads, self.vocab, self.max_positions) <= 0:
            return "every dimension must be positive"
        if self.dim % self.heads:
            return f"dim {self.dim} is not a multiple of heads {self.heads}"
        if self.heads % self.kv_heads:
            return f"heads {self.heads} is not a multiple of kvHeads {self.kv_heads}"
        if self.head_dim % 2:
            return f"head dimension {self.head_dim} must be even for rotary embeddings"
        if not (self.rope_theta > 0 and self.norm_eps > 0):
            return "ropeTheta and normEps must be positive"
        return None

    @staticmethod
    def from_hf(cfg: dict) -> "LlamaConfig":
        """From a Hugging Face config.json (the shipped model directory)."""
        heads = cfg["num_attention_heads"]
        c = LlamaConfig(
            dim=cfg["hidden_size"], hidden=cfg["intermediate_size"], layers=cfg["num_hidden_layers"], heads=heads,
            kv_heads=cfg.get("num_key_value_heads", heads), vocab=cfg["vocab_size"],
            max_positions=cfg["max_position_embeddings"], rope_theta=float(cfg.get("rope_theta", 10000.0)),
            norm_eps=float(cfg.get("rms_norm_eps", 1e-5)))
        if cfg.get("head_dim", c.head_dim) != c.head_dim:
            raise ValueError("head_dim other than hidden_size / num_attention_heads is not supported")
        if not cfg.get("tie_word_embeddings", True):
            raise ValueError("the Swift model ties the output head to the embedding")
        return c

    @staticmethod
    def from_train_info(model: dict, arithmetic: Optional[dict] = None) -> "LlamaConfig":
        """From `train.info`'s `model` object; ropeTheta / normEps from `arithmetic` when given
        (protocol 1 does not publish them: the Swift defaults 10000 and 1e-5 apply)."""
        a = arithmetic or {}
        return LlamaConfig(
            dim=int(model["dim"]), hidden=int(model["hidden"]), layers=int(model["layers"]), heads=int(model["heads"]),
            kv_heads=int(model["kvHeads"]), vocab=int(model["vocab"]), max_positions=int(model["maxPositions"]),
            rope_theta=float(a.get("ropeTheta", model.get("ropeTheta", 10000.0))),
            norm_eps=float(a.get("normEps", model.get("normEps", 1e-5))))


@dataclass(frozen=True)
class Entry:
    name: str
    shape: Tuple[int, ...]
    offset: int

    @property
    def count(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def decays(self) -> bool:
        """AdamW decays matrices only (rank >= 2), never norm weights."""
        return len(self.shape) >= 2


class ParameterLayout:
    def __init__(self, config: LlamaConfig):
        self.config = config
        c = config
        entries: List[Entry] = []
        offset = 0

        def add(name, shape):
            nonlocal offset
            e = Entry(name, tuple(shape), offset)
            entries.append(e)
            offset += e.count

        add("model.embed_tokens.weight", (c.vocab, c.dim))
        for layer in range(c.layers):
            p = f"model.layers.{layer}."
            add(p + "input_layernorm.weight", (c.dim,))
            add(p + "self_attn.q_proj.weight", (c.heads * c.head_dim, c.dim))
            add(p + "self_attn.k_proj.weight", (c.kv_dim, c.dim))
            add(p + "self_attn.v_proj.weight", (c.kv_dim, c.dim))
            add(p + "self_attn.o_proj.weight", (c.dim, c.heads * c.head_dim))
            add(p + "post_attention_layernorm.weight", (c.dim,))
            add(p + "mlp.gate_proj.weight", (c.hidden, c.dim))
            add(p + "mlp.up_proj.weight", (c.hidden, c.dim))
            add(p + "mlp.down_proj.weight", (c.dim, c.hidden))
        add("model.norm.weight", (c.dim,))
        self.entries = entries
        self.total = offset
        self.by_name: Dict[str, Entry] = {e.name: e for e in entries}

    def __getitem__(self, name: str) -> Entry:
        return self.by_name[name]
