"""PQTF tensor frames (docs/wire-format.md, version 1): writer and checking reader.

Layout: 32-byte header (magic, version, messageType, flags, tensorCount, requestID, round), the
tensor table, zero padding to a multiple of 8, the payload (each region at a multiple of 8 from
the payload start, regions in table order, zero bytes between), then SHA-256 of everything
before it. The reader checks in the documented order and raises `FrameError(code, field, ...)`
with the documented codes.
"""

import hashlib
import struct
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

MAGIC = b"PQTF"
VERSION = 1
MODEL_STATE, MODEL_DIFF, UPDATE = 1, 2, 3
# Protocol 1's audit answer; protocol 2 refuses it. The protocol-2 draft named type 4 `auditState`,
# the Swift server (TensorFrame.MessageType) keeps 4 for protocol 1 and gives auditState 5.
OPTIMIZER_STATE = 4
AUDIT_STATE = 5
KNOWN_TYPES = (MODEL_STATE, MODEL_DIFF, UPDATE, OPTIMIZER_STATE, AUDIT_STATE)
F32, I8 = 1, 2
HEADER = struct.Struct("<4sHHIIQQ")
MAX_FRAME = 64 << 20
MAX_TENSORS = 4096
MAX_NAME = 256
MAX_RANK = 4


class FrameError(ValueError):
    def __init__(self, code: str, field: str, message: str):
        super().__init__(f"{code} ({field}): {message}")
        self.code, self.field = code, field


@dataclass
class Tensor:
    """f32: `data` holds the values; i8: `data` the int8 values and `scales` one f32 per block."""

    name: str
    dims: Tuple[int, ...]
    dtype: int
    data: np.ndarray
    scales: Optional[np.ndarray] = None
    block_size: int = 0

    @property
    def count(self) -> int:
        n = 1
        for d in self.dims:
            n *= d
        return n

    def floats(self) -> np.ndarray:
        """The values as f32: element j of an i8 tensor is f32(values[j] × scales[j // block])."""
        if self.dtype == F32:
            return self.data
        per = np.repeat(self.scales, self.block_size)[:self.count]
        return self.data.astype(np.float32) * per

    def region_length(self) -> int:
        if self.dtype == F32:
            return 4 * self.count
        return 4 * (-(-self.count // self.block_size)) + self.count


def f32_tensor(name: str, values, dims: Optional[Sequence[int]] = None) -> Tensor:
    a = np.ascontiguousarray(values, dtype="<f4").reshape(-1)
    return Tensor(name, tuple(dims) if dims is not None else (a.size,), F32, a)


def i8_tensor(name: str, values: np.ndarray, scales: np.ndarray, block_size: int, dims=None) -> Tensor:
    v = np.ascontiguousarray(values, dtype=np.int8).reshape(-1)
    return Tensor(name, tuple(dims) if dims is not None else (v.size,), I8, v,
                  np.ascontiguousarray(scales, dtype="<f4").reshape(-1), block_size)


@dataclass
class Frame:
    message_type: int
    request_id: int
    round: int
    tensors: List[Tensor]

    def tensor(self, name: str) -> Optional[Tensor]:
        return next((t for t in self.tensors if t.name == name), None)


def encode(message_type: int, request_id: int, round_: int, tensors: Sequence[Tensor]) -> bytes:
    table = bytearray()
    offset = 0
    placed = []
    for t in tensors:
        name = t.name.encode("utf-8")
        if not 1 <= len(name) <= MAX_NAME or len(t.dims) > MAX_RANK:
            raise FrameError("wire.bad_name" if len(t.dims) <= MAX_RANK else "wire.bad_shape", "tensors", t.name)
        length = t.region_length()
        table += struct.pack("<H", len(name)) + name + struct.pack("<BB", t.dtype, len(t.dims))
        table += struct.pack(f"<{len(t.dims)}I", *t.dims)
        table += struct.pack("<IQQ", t.block_size if t.dtype == I8 else 0, offset, length)
        placed.append((offset, t))
        offset = (offset + length + 7) // 8 * 8
    head = HEADER.pack(MAGIC, VERSION, message_type, 0, len(tensors), request_id, round_) + bytes(table)
    head += bytes(-len(head) % 8)
    payload = bytearray(placed[-1][0] + placed[-1][1].region_length() if placed else 0)
    for off, t in placed:
        if t.dtype == F32:
            raw = np.ascontiguousarray(t.data, dtype="<f4").tobytes()
        else:
            raw = np.ascontiguousarray(t.scales, dtype="<f4").tobytes() + np.ascontiguousarray(t.data, dtype=np.int8).tobytes()
        payload[off:off + len(raw)] = raw
    body = head + bytes(payload)
    return body + hashlib.sha256(body).digest()


def peek_header(frame: bytes) -> Optional[Tuple[int, int, int]]:
    """(messageType, requestID, round) without checking anything, for routing; None if short."""
    if len(frame) < 32 or frame[:4] != MAGIC:
        return None
    _, _, mtype, _, _, rid, rnd = HEADER.unpack_from(frame, 0)
    return mtype, rid, rnd


def decode(frame: bytes, max_bytes: int = MAX_FRAME) -> Frame:
    n = len(frame)
    if n > max_bytes:
        raise FrameError("wire.too_large", "frame", f"{n} bytes, over the limit of {max_bytes}")
    if n < 4 or frame[:4] != MAGIC:
        raise FrameError("wire.bad_magic", "header.magic", "the message does not start with PQTF")
    if n < 6:
        raise FrameError("wire.truncated", "header", "ends inside the header")
    (version,) = struct.unpack_from("<H", frame, 4)
    if version != VERSION:
        raise FrameError("wire.unsupported_version", "header.version", f"version {version}")
    if n < 64:
        raise FrameError("wire.truncated", "header", f"{n} bytes; a frame is at least 64")
    body, digest = frame[:-32], frame[-32:]
    if hashlib.sha256(body).digest() != digest:
        raise FrameError("wire.checksum_mismatch", "checksum", "the last 32 bytes are not the SHA-256 of the rest")
    _, _, mtype, flags, count, rid, rnd = HEADER.unpack_from(frame, 0)
    if mtype not in KNOWN_TYPES:
        raise FrameError("wire.bad_message_type", "header.messageType", f"message type {mtype}")
    if flags != 0:
        raise FrameError("wire.unsupported_flags", "header.flags", f"flags {flags:#x}")
    if count > MAX_TENSORS:
        raise FrameError("wire.too_large", "header.tensorCount", f"{count} tensors")
    end = len(body)
    pos = 32
    entries = []
    names = set()

    def need(k, field):
        if pos + k > end:
            raise FrameError("wire.truncated", field, "a table field runs past the checksum")

    for i in range(count):
        f = f"tensors[{i}]"
        need(2, f + ".nameLength")
        (nl,) = struct.unpack_from("<H", frame, pos)
        if nl > MAX_NAME:
            raise FrameError("wire.too_large", f + ".nameLength", f"a name of {nl} bytes")
        if nl == 0:
            raise FrameError("wire.bad_name", f + ".name", "empty name")
        pos += 2
        need(nl, f + ".name")
        try:
            name = bytes(frame[pos:pos + nl]).decode("utf-8")
        except UnicodeDecodeError:
            raise FrameError("wire.bad_name", f + ".name", "not valid UTF-8") from None
        pos += nl
        need(2, f + ".dtype")
        dtype, rank = struct.unpack_from("<BB", frame, pos)
        pos += 2
        if dtype not in (F32, I8):
            raise FrameError("wire.bad_dtype", f + ".dtype", f"{name}: dtype {dtype}")
        if rank > MAX_RANK:
            raise FrameError("wire.bad_shape", f + ".rank", f"{name}: rank {rank}")
        need(4 * rank, f + ".dims")
        dims = struct.unpack_from(f"<{rank}I", frame, pos)
        pos += 4 * rank
        need(20, f + ".blockSize")
        block, offset, length = struct.unpack_from("<IQQ", frame, pos)
        pos += 20
        nonzero = 1
        for d in dims:
            nonzero *= d or 1
        if nonzero >= 1 << 63:
            raise FrameError("wire.bad_shape", f + ".dims", f"{name}: the dims' product overflows")
        elements = 0 if 0 in dims else nonzero
        if dtype == F32 and block != 0 or dtype == I8 and block == 0:
            raise FrameError("wire.bad_block_size", f + ".blockSize", f"{name}: blockSize {block}")
        want = 4 * elements if dtype == F32 else 4 * (-(-elements // block)) + elements
        if length != want:
            raise FrameError("wire.bad_shape", f + ".length", f"{name}: length {length}, dims and dtype need {want}")
        if offset % 8:
            raise FrameError("wire.misaligned", f + ".offset", f"{name}: offset {offset}")
        if name in names:
            raise FrameError("wire.duplicate_name", f + ".name", f"{name} appears twice")
        names.add(name)
        entries.append((name, dtype, tuple(dims), block, offset, length, elements))
    payload = (pos + 7) // 8 * 8
    if payload > end or any(frame[pos:payload]):
        raise FrameError("wire.bad_padding", "padding", "the bytes after the table are not zero")
    size = end - payload
    for i, (name, _, _, _, offset, length, _) in enumerate(entries):
        if offset + length > size:
            raise FrameError("wire.truncated", f"tensors[{i}].offset", f"{name}: its region runs past the checksum")
    covered = 0
    for name, _, _, _, offset, length, _ in sorted(entries, key=lambda e: (e[4], e[5])):
        if offset < covered:
            raise FrameError("wire.overlapping_payload", "payload", f"{name} overlaps the region before it")
        if any(frame[payload + covered:payload + offset]):
            raise FrameError("wire.bad_padding", "payload", f"non-zero bytes before {name}")
        covered = offset + length
    if any(frame[payload + covered:end]):
        raise FrameError("wire.bad_padding", "payload", "non-zero bytes after the last region")
    tensors = []
    for name, dtype, dims, block, offset, length, elements in entries:
        start = payload + offset
        if dtype == F32:
            data = np.frombuffer(frame, dtype="<f4", count=elements, offset=start)
            tensors.append(Tensor(name, dims, F32, data))
        else:
            blocks = -(-elements // block)
            scales = np.frombuffer(frame, dtype="<f4", count=blocks, offset=start)
            values = np.frombuffer(frame, dtype=np.int8, count=elements, offset=start + 4 * blocks)
            tensors.append(Tensor(name, dims, I8, values, scales, block))
    return Frame(mtype, rid, rnd, tensors)
