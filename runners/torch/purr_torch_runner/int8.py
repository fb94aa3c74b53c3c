"""Block int8 quantisation with error feedback, as Sources/Aggregation/Compression does it.

BlockwiseInt8.swift: per block of 256 elements (the last may be partial) the scale is
f32(absmax / 127); a block whose scale is 0 (all zeros, or absmax/127 underflowing) sends scale 0
and zeros; otherwise value = clamp(round_half_even(f32(x / scale)), −127, 127) (a division, not a
multiplication by 1/scale). Decoding is f32(value × scale).
ErrorFeedback.swift: each round compress input = f32(delta + residual) and keep
residual = f32(input − decode(encoded)), so rounding losses are sent later instead of lost.
All arithmetic is numpy float32, one rounding per operation, as in Swift.
"""

from typing import Tuple

import numpy as np

BLOCK_SIZE = 256


class NonFinite(ValueError):
    def __init__(self, index: int):
        super().__init__(f"element {index} is NaN or infinite")
        self.index = index


def encode(delta: np.ndarray, block_size: int = BLOCK_SIZE) -> Tuple[np.ndarray, np.ndarray]:
    """-> (values int8[count], scales f32[ceil(count / block_size)])."""
    x = np.ascontiguousarray(delta, dtype=np.float32)
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        raise NonFinite(int(bad[0]))
    count = x.size
    blocks = -(-count // block_size)
    padded = np.zeros(blocks * block_size, dtype=np.float32)
    padded[:count] = x
    padded = padded.reshape(blocks, block_size)
    scales = (np.abs(padded).max(axis=1) / np.float32(127)).astype(np.float32)
    live = scales > 0
    q = np.zeros_like(padded)
    np.divide(padded, scales[:, None], out=q, where=live[:, None])
    q = np.clip(np.rint(q), -127, 127)
    values = q.astype(np.int8).reshape(-1)[:count]
    return values, scales


def decode(values: np.ndarray, scales: np.ndarray, block_size: int = BLOCK_SIZE) -> np.ndarray:
    count = values.size
    per = np.repeat(np.asarray(scales, dtype=np.float32), block_size)[:count]
    return values.astype(np.float32) * per


class ErrorFeedback:
    """The runner's residual: what int8 rounding has not yet sent."""

    def __init__(self, count: int):
        self.residual = np.zeros(count, dtype=np.float32)

    def compress(self, delta: np.ndarray):
        """-> (values, scales, new residual). The caller stores the residual (`commit`) only
        once the upload was accepted, as the Swift runner does."""
        inp = np.asarray(delta, dtype=np.float32) + self.residual
        values, scales = encode(inp)
        return values, scales, inp - decode(values, scales)

    def commit(self, residual: np.ndarray) -> None:
        self.residual = residual
