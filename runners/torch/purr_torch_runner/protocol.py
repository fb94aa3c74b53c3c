"""What differs between training protocols, kept apart from the round loop.

Protocol 2 (the target; /tmp/proto2.md at the time of writing, docs/protocol.md once merged):
join with {"protocol": 2}; checkpoints every `inner.segmentSteps` local steps; `train.commit`
with their hashes before the update frame; audits (`train.audit`, or `auditRound` and
`auditCheckpoints` in a waiting answer) name checkpoints, answered with one `auditState` frame
each (message type 5 as the Swift server has it; the draft said 4); the optimizer is carried to
the next round only when this round's commitment was accepted.

Protocol 1 (the released Swift server; kept so the shared network path can be tested against it):
`train.join` without params; no checkpoints or commitment; an audit asks for the optimizer state
the round started from, sent as an `optimizerState` frame (message type 4).
"""

import logging
from dataclasses import dataclass, field
from typing import Optional, Tuple

from . import frames as wire
from .client import Connection, RpcError
from .inner import CheckpointStore, OptimizerState

log = logging.getLogger("purr_torch_runner")

# What a commitment came to (see Protocol2.commit).
ACCEPTED, REFUSED, HELD_ELSEWHERE = "accepted", "refused", "held elsewhere"


class Fatal(Exception):
    """Stop for good (banned, refused protocol, unusable server)."""


@dataclass
class RoundRecord:
    """What a delivered (or committed) round leaves behind for its audit."""

    round: int
    store: Optional[CheckpointStore] = None
    start_state: Optional[OptimizerState] = None  # protocol 1: the state the round started from
    committed: bool = False
    commit_sent: bool = False
    answered: set = field(default_factory=set)


# What this runner computes, in the terms of train.info's `arithmetic` object (protocol 2).
OURS = {"rope": "rotate_half", "tiedEmbeddings": True, "activation": "silu", "updateBlockSize": 256}
OURS_ADAMW = {"beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "biasCorrection": True}


def arithmetic_problem(a: dict) -> Optional[str]:
    """Why the published conventions differ from the ones implemented here, or None. Only the
    members present are compared; normEps and ropeTheta are read into the model's config."""
    for key, want in OURS.items():
        if key in a and a[key] != want:
            return f"{key} is {a[key]!r}, this runner does {want!r}"
    adam = a.get("adamW") or {}
    for key, want in OURS_ADAMW.items():
        if key in adam and adam[key] != want:
            return f"adamW.{key} is {adam[key]!r}, this runner does {want!r}"
    return None


class Protocol1:
    version = 1

    def join_params(self) -> Optional[dict]:
        return None

    def check_info(self, info: dict) -> None:
        if info.get("protocol", 1) != 1:
            raise Fatal(f"the server speaks training protocol {info.get('protocol')}; drop --protocol 1")

    def segment_steps(self, inner: dict) -> int:
        return 0

    async def commit(self, conn: Connection, record: RoundRecord, settings) -> str:
        record.committed = True
        return ACCEPTED

    @staticmethod
    def audit_request(params: dict) -> Optional[tuple]:
        r = params.get("round")
        return (int(r), None) if r is not None else None

    async def answer_audit(self, conn: Connection, record: RoundRecord, checkpoints) -> Tuple[int, list]:
        """Sends the optimizer state the round started from (nothing for a fresh one), once:
        the notification and the `auditRound` of a poll may both ask. -> (bytes, what was sent)."""
        if "start" in record.answered:
            return 0, []
        record.answered.add("start")
        s = record.start_state
        tensors = [] if s is None else [wire.f32_tensor("m", s.m), wire.f32_tensor("v", s.v),
                                       wire.f32_tensor("step", [float(s.step)], dims=())]
        try:
            _, sent = await conn.send_frame(lambda rid: wire.encode(wire.OPTIMIZER_STATE, rid, record.round, tensors),
                                            timeout=300)
        except Exception:
            record.answered.discard("start")
            raise
        return sent, ["the optimizer state it started from"]


class Protocol2:
    version = 2

    def join_params(self) -> Optional[dict]:
        return {"protocol": 2}

    def check_info(self, info: dict) -> None:
        proto = info.get("protocol")
        if proto != 2:
            raise Fatal(f"the server speaks training protocol {proto or 1}; this runner speaks 2")
        arithmetic = info.get("arithmetic") or {}
        log.debug("server arithmetic: %s", arithmetic)
        problem = arithmetic_problem(arithmetic)
        if problem:
            raise Fatal(f"the server's arithmetic is not this runner's: {problem}")

    def segment_steps(self, inner: dict) -> int:
        c = inner.get("segmentSteps")
        if not isinstance(c, int) or c <= 0:
            raise Fatal(f"the assignment has no usable inner.segmentSteps ({c!r})")
        return c

    async def commit(self, conn: Connection, record: RoundRecord, settings) -> str:
        """train.commit with every checkpoint's hashes: ACCEPTED, REFUSED, or HELD_ELSEWHERE (the
        server holds a commitment for the round that this process did not send: an earlier run's,
        whose trajectory this one cannot match, so the round must be left alone)."""
        params = {"round": record.round, "segmentSteps": settings.segment_steps,
                  "checkpoints": [c.commitment() for c in record.store.checkpoints]}
        sent_before, record.commit_sent = record.commit_sent, True
        try:
            answer = await conn.call("train.commit", params, timeout=60)
            record.committed = bool(answer.get("accepted", False))
        except RpcError as e:
            if e.reason != "train.duplicate_commitment":
                log.warning("round %d: commitment refused (%s)", record.round, e)
                record.committed = False
                return REFUSED
            if not sent_before:
                log.warning("round %d: the server holds a commitment from an earlier run; leaving the round", record.round)
                return HELD_ELSEWHERE
            # Ours, sent before a reconnect lost its answer.
            record.committed = True
        return ACCEPTED if record.committed else REFUSED

    @staticmethod
    def audit_request(params: dict) -> Optional[tuple]:
        r, ks = params.get("round"), params.get("checkpoints")
        if r is None or not isinstance(ks, list):
            return None
        return int(r), [int(k) for k in ks]

    async def answer_audit(self, conn: Connection, record: RoundRecord, checkpoints) -> Tuple[int, list]:
        """One auditState frame per asked checkpoint: `checkpoint` (f32 scalar k), params, m, v.
        Already answered checkpoints are skipped (the notification and a poll's
        `auditCheckpoints` may both ask). -> (bytes, checkpoints sent by this call)."""
        sent_total, done = 0, []
        for k in checkpoints:
            if k in record.answered:
                continue
            record.answered.add(k)  # before the await: a concurrent request for k skips it
            try:
                params, m, v = record.store.vectors(k)
                tensors = [wire.f32_tensor("checkpoint", [float(k)], dims=()), wire.f32_tensor("params", params),
                           wire.f32_tensor("m", m), wire.f32_tensor("v", v)]
                answer, sent = await conn.send_frame(
                    lambda rid: wire.encode(wire.AUDIT_STATE, rid, record.round, tensors), timeout=300)
            except Exception:
                record.answered.discard(k)
                raise
            sent_total += sent
            done.append(k)
            log.debug("audit state %d of round %d: %s", k, record.round, answer)
        return sent_total, done


def make(version: int):
    return {1: Protocol1, 2: Protocol2}[version]()
