"""Minimal safetensors reading and writing (F32 only), so the runner needs no extra package.

Format: u64 little-endian header length, a JSON header naming each tensor's dtype, shape and
byte range, then the raw little-endian data.
"""

import json
import struct
from pathlib import Path
from typing import Dict, Optional, Tuple

import numpy as np

from .layout import LlamaConfig, ParameterLayout


def read(path) -> Dict[str, np.ndarray]:
    raw = Path(path).read_bytes()
    (n,) = struct.unpack_from("<Q", raw, 0)
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        if e["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {e['dtype']}; only F32 is read")
        begin, end = e["data_offsets"]
        out[name] = np.frombuffer(raw, dtype="<f4", count=(end - begin) // 4, offset=base + begin).reshape(e["shape"])
    return out


def write(path, tensors: Dict[str, np.ndarray], metadata: Optional[Dict[str, str]] = None) -> None:
    """Writes f32 tensors in the given order, each region 8-byte aligned as the format asks."""
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(np.shape(array)), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_model_dir(directory) -> Tuple[LlamaConfig, ParameterLayout, np.ndarray]:
    """config.json + model.safetensors -> (config, layout, flat f32 parameter vector)."""
    directory = Path(directory)
    config = LlamaConfig.from_hf(json.loads((directory / "config.json").read_text()))
    layout = ParameterLayout(config)
    tensors = read(directory / "model.safetensors")
    flat = np.empty(layout.total, dtype=np.float32)
    for e in layout.entries:
        t = tensors.get(e.name)
        if t is None or tuple(t.shape) != e.shape:
            raise ValueError(f"{directory}: {e.name} missing or of shape {None if t is None else t.shape}, expected {e.shape}")
        flat[e.offset:e.offset + e.count] = t.reshape(-1)
    return config, layout, flat
