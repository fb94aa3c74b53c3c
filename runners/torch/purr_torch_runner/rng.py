"""The trainer's random numbers: xoshiro256** seeded by four SplitMix64 outputs.

Mirrors `Xoshiro256StarStar` (Sources/NeuralCore/Inference/Sampler.swift), which `TrainingRNG`
wraps. Batch sampling draws only integers, so the sequence is the same on every platform;
Python ints masked to 64 bits stand in for Swift's wrapping `&*` / `&+`.
"""

MASK64 = (1 << 64) - 1


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & MASK64


class SplitMix64:
    """Seed expander: each call adds the golden-ratio increment and mixes (Steele et al.)."""

    def __init__(self, seed: int):
        self.state = seed & MASK64

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


class Xoshiro256StarStar:
    """xoshiro256** 1.0 (Blackman & Vigna); `state` is (s0, s1, s2, s3) as in the Swift struct."""

    def __init__(self, seed: int):
        sm = SplitMix64(seed)
        self.s = [sm.next(), sm.next(), sm.next(), sm.next()]

    @property
    def state(self) -> tuple:
        return tuple(self.s)

    def next(self) -> int:
        s = self.s
        result = (_rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def skip(self, n: int) -> None:
        """Advances past `n` draws (an audit replay starts a segment after the earlier batches)."""
        for _ in range(n):
            self.next()
