"""The round loop: sign in, join, and round after round fetch the model, train, commit, upload,
answer audits; survive dropped connections by reconnecting with backoff.

The sequence follows Sources/Runner/TrainingRunner.swift (the Swift runner) so both behave alike
towards the coordinator; protocol-specific steps go through `protocol.Protocol1/2`.
"""

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import torch

from . import frames as wire
from . import int8
from .client import Connection, Disconnected, RpcError, load_key
from .inner import CheckpointStore, InnerLoop, InnerSettings, OptimizerState, sha256_f32
from .layout import LlamaConfig, ParameterLayout
from .model import LlamaTorch
from .protocol import ACCEPTED, REFUSED, Fatal, RoundRecord, make as make_protocol

log = logging.getLogger("purr_torch_runner")


def micro_pur(text) -> str:
    try:
        return f"{int(text) / 1e6:.6f}"
    except (TypeError, ValueError):
        return str(text)


@dataclass
class Options:
    server: str
    key_path: str
    device: torch.device
    rounds: Optional[int] = None
    log_every: float = 30.0
    protocol: int = 2
    faucet: bool = False
    fp32: bool = False
    leave: bool = False
    max_reconnects: Optional[int] = None
    reconnect_delay: float = 0.5


@dataclass
class Trained:
    """A round's finished local work, kept so that a reconnect does not train it again."""

    round: int
    version: int
    settings: InnerSettings
    delta: np.ndarray
    losses: List[float]
    seconds: float
    final: OptimizerState
    record: RoundRecord
    carried: bool


@dataclass
class State:
    """What survives a reconnect."""

    config: Optional[LlamaConfig] = None
    model: Optional[LlamaTorch] = None
    params: Optional[np.ndarray] = None
    version: Optional[int] = None
    feedback: Optional[int8.ErrorFeedback] = None
    optimizer: Optional[OptimizerState] = None
    records: Dict[int, RoundRecord] = field(default_factory=dict)
    trained: Optional[Trained] = None
    done_rounds: set = field(default_factory=set)
    delivered: int = 0
    refused: int = 0
    reconnects: int = 0
    down_bytes: int = 0
    up_bytes: int = 0
    last_delivered: Optional[int] = None
    fatal: Optional[str] = None


class Runner:
    def __init__(self, options: Options):
        self.o = options
        self.key, self.public = load_key(options.key_path)
        self.proto = make_protocol(options.protocol)
        self.s = State()
        self.round_event = asyncio.Event()
        self.closed_rounds: set = set()
        self.tasks: set = set()  # audit answers in flight (a task nobody references may be collected)

    # -- connection loop -----------------------------------------------------------------------

    async def run(self) -> State:
        delay, failures = self.o.reconnect_delay, 0
        while True:
            try:
                if await self.session():
                    return self.s
                failures, delay = 0, self.o.reconnect_delay
            except Fatal:
                raise
            except (Disconnected, OSError, asyncio.TimeoutError, RpcError, ConnectionError) as e:
                if isinstance(e, RpcError) and e.name not in ("unavailable", "rate_limited", "internal_error"):
                    raise Fatal(f"the server refused: {e}") from None
                failures += 1
                self.s.reconnects += 1
                if self.o.max_reconnects is not None and failures > self.o.max_reconnects:
                    raise Fatal(f"gave up after {failures} failed attempts: {e}") from None
                log.warning("disconnected (%s); reconnecting in %.1f s", e, delay)
                await asyncio.sleep(delay)
                delay = min(30.0, delay * 2)

    async def session(self) -> bool:
        conn = await Connection.open(self.o.server)
        listener = None
        try:
            login = await conn.sign_in(self.key, self.public)
            log.info("connected as %s…", login["account"][:16])
            info = await conn.call("train.info")
            if not info.get("enabled"):
                raise Fatal(f"training is not enabled on {self.o.server}")
            self.proto.check_info(info)
            config = LlamaConfig.from_train_info(info["model"], info.get("arithmetic"))
            if config.problem():
                raise Fatal(f"the server's model shape is not usable: {config.problem()}")
            if config != self.s.config:
                self.s = State(reconnects=self.s.reconnects, delivered=self.s.delivered, refused=self.s.refused)
                self.s.config = config
                self.s.model = LlamaTorch(config, self.o.device)
                log.info("model: dim %d, hidden %d, layers %d, heads %d/%d, vocab %d (%d parameters) on %s",
                         config.dim, config.hidden, config.layers, config.heads, config.kv_heads, config.vocab,
                         ParameterLayout(config).total, self.o.device)
            await self.join(conn, info)
            listener = asyncio.create_task(self.listen(conn))
            return await self.rounds(conn)
        finally:
            if listener:
                listener.cancel()
            await conn.close()

    async def join(self, conn: Connection, info: dict) -> None:
        stake = int((info.get("policy") or {}).get("stake", "0") or 0)
        if self.o.faucet and stake > 0:
            balance = int((await conn.call("wallet.balance", {})).get("balance", "0"))
            if balance < stake:
                await conn.call("wallet.faucet", {"amount": str(stake - balance)})
        try:
            joined = await conn.call("train.join", self.proto.join_params())
        except RpcError as e:
            if e.name in ("unavailable", "rate_limited"):
                raise
            hint = " (try --faucet on a --dev server)" if e.name == "insufficient_funds" else ""
            raise Fatal(f"train.join refused: {e}{hint}") from None
        log.info("joined training (protocol %d); stake held %s PUR", self.proto.version,
                 micro_pur(joined.get("stakeHeld", "0")))

    # -- notifications -------------------------------------------------------------------------

    async def listen(self, conn: Connection) -> None:
        while True:
            n = await conn.notifications.get()
            if n is None:
                return
            method, p = n.get("method"), n.get("params") or {}
            if method == "train.round":
                r = int(p.get("round", 0))
                for old in [k for k in self.s.records if k < r]:
                    self.forget(old)
                self.round_event.set()
            elif method == "train.round.closed":
                r = int(p.get("round", 0))
                loss = p.get("heldOutLoss")
                log.info("round %d closed -> v%s: paid %s PUR%s%s", r, p.get("version"), micro_pur(p.get("paid", "0")),
                         f", held-out loss {loss:.4f}" if isinstance(loss, (int, float)) else "",
                         f"; OFFENCE: {p['offence']}" if p.get("offence") else "")
                self.closed_rounds.add(r)
                self.forget(r)
                self.round_event.set()
            elif method == "train.audit":
                req = self.proto.audit_request(p)
                if req:
                    task = asyncio.create_task(self.answer_audit(conn, *req))
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)
            elif method == "train.banned":
                self.s.fatal = f"banned: {p.get('reason')}"
                log.error("%s", self.s.fatal)
                self.round_event.set()

    def forget(self, round_: int) -> None:
        record = self.s.records.pop(round_, None)
        if record and record.store:
            record.store.drop()

    async def answer_audit(self, conn: Connection, round_: int, checkpoints) -> None:
        record = self.s.records.get(round_)
        if record is None:
            log.warning("round %d audited, but its states are gone (restarted?): the update is left out", round_)
            return
        try:
            sent, what = await self.proto.answer_audit(conn, record, checkpoints)
            if not what:
                return
            self.s.up_bytes += sent
            log.info("round %d audited: sent %s (%d bytes)", round_,
                     ", ".join(w if isinstance(w, str) else f"checkpoint {w}" for w in what), sent)
        except (RpcError, Disconnected, KeyError) as e:
            log.warning("round %d: audit answer failed: %s", round_, e)

    # -- rounds --------------------------------------------------------------------------------

    async def wait_for_round(self, seconds: float) -> None:
        self.round_event.clear()
        try:
            await asyncio.wait_for(self.round_event.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def rounds(self, conn: Connection) -> bool:
        s = self.s
        while True:
            if s.fatal:
                raise Fatal(s.fatal)
            if self.o.rounds is not None and s.delivered >= self.o.rounds:
                await self.finish(conn)
                return True
            try:
                a = await conn.call("train.assignment")
            except RpcError as e:
                if e.reason == "train.banned":
                    raise Fatal(f"banned: {e}") from None
                raise
            await self.poll_audit(conn, a)
            if a.get("waiting"):
                await self.wait_for_round(a.get("retryAfterMs", 500) / 1000)
                continue
            round_ = int(a["round"])
            if round_ in s.done_rounds:
                await self.wait_for_round(1.0)
                continue
            await self.work(conn, a)

    async def poll_audit(self, conn: Connection, answer: dict) -> None:
        """Protocol 1 also names an awaited audit in assignment/status answers (`auditRound`)."""
        r = answer.get("auditRound")
        if r is not None and self.proto.version == 1:
            await self.answer_audit(conn, int(r), None)
        elif r is not None and isinstance(answer.get("auditCheckpoints"), list):
            await self.answer_audit(conn, int(r), [int(k) for k in answer["auditCheckpoints"]])

    async def work(self, conn: Connection, a: dict) -> None:
        s = self.s
        round_, version, sha = int(a["round"]), int(a["version"]), a["paramsSHA256"]
        try:
            settings = InnerSettings.from_assignment(a["inner"])
        except (ValueError, KeyError, TypeError) as e:
            raise Fatal(f"cannot run this server's assignment: {e}") from None
        settings.segment_steps = self.proto.segment_steps(a["inner"])
        for old in [k for k in s.records if k < round_]:
            self.forget(old)
        t = s.trained
        if t is None or t.round != round_:
            began = time.monotonic()
            await self.sync_model(conn, version, sha)
            download = time.monotonic() - began
            samples = [[int(x) for x in sample] for sample in a["samples"]]
            carried = s.optimizer if settings.keep_optimizer_state else None
            log.info("round %d (v%d): %d local steps × %d × %d tokens from %s optimizer (model fetched in %.1f s)",
                     round_, version, settings.steps, settings.batch, settings.seq_len,
                     f"a carried (step {carried.step})" if carried else "a fresh", download)
            try:
                t = await asyncio.to_thread(self.train, round_, version, settings, samples, int(a["runnerSeed"]), carried)
            except ValueError as e:  # e.g. a shard shorter than one window
                log.error("round %d: cannot train (%s); skipping the round", round_, e)
                s.done_rounds.add(round_)
                return
            s.trained = t
            s.records[round_] = t.record
        outcome = await self.proto.commit(conn, t.record, settings)
        if outcome != ACCEPTED:
            s.optimizer = None
            s.trained = None
            if outcome == REFUSED and t.carried:
                log.warning("round %d: commitment refused; training the round again from a fresh optimizer", round_)
                self.forget(round_)
                return
            s.done_rounds.add(round_)
            s.refused += 1
            return
        s.optimizer = t.final if settings.keep_optimizer_state else None
        if not np.all(np.isfinite(t.delta)):
            log.error("round %d: training diverged (non-finite update); not uploading, optimizer reset", round_)
            s.optimizer, s.trained = None, None
            s.done_rounds.add(round_)
            return
        await self.upload(conn, t)

    def train(self, round_, version, settings, samples, seed, carried) -> Trained:
        s = self.s
        loop = InnerLoop(s.model, settings)
        store = CheckpointStore(round_) if settings.segment_steps > 0 else None
        began, last = time.monotonic(), [time.monotonic()]
        tokens_per_step = settings.batch * settings.seq_len

        def progress(step, loss):
            now = time.monotonic()
            if self.o.log_every > 0 and now - last[0] >= self.o.log_every:
                last[0] = now
                log.info("round %d: step %d/%d, loss %.4f, %.0f tok/s", round_, step, settings.steps, loss,
                         step * tokens_per_step / max(1e-9, now - began))

        result = loop.run(s.params, samples, seed, state=carried, store=store, progress=progress)
        delta = result.params.cpu().numpy().astype(np.float32) - s.params
        record = RoundRecord(round_, store=store, start_state=carried)
        return Trained(round_, version, settings, delta, result.losses, result.seconds, result.optimizer, record,
                       carried is not None)

    async def upload(self, conn: Connection, t: Trained) -> None:
        s = self.s
        if s.feedback is None or s.feedback.residual.size != t.delta.size:
            s.feedback = int8.ErrorFeedback(t.delta.size)
        if self.o.fp32:
            tensor, residual = wire.f32_tensor("delta", t.delta), None
        else:
            values, scales, residual = s.feedback.compress(t.delta)
            tensor = wire.i8_tensor("delta", values, scales, int8.BLOCK_SIZE)
        began = time.monotonic()
        try:
            answer, sent = await conn.send_frame(lambda rid: wire.encode(wire.UPDATE, rid, t.round, [tensor]), timeout=300)
        except RpcError as e:
            s.refused += 1
            s.done_rounds.add(t.round)
            s.trained = None
            log.warning("round %d: update refused (%s)", t.round, e)
            if e.reason == "train.banned":
                raise Fatal(f"banned: {e}") from None
            return
        if residual is not None:
            s.feedback.commit(residual)
        s.delivered += 1
        s.up_bytes += sent
        s.last_delivered = t.round
        s.done_rounds.add(t.round)
        s.trained = None
        tokens = t.settings.steps * t.settings.batch * t.settings.seq_len
        log.info("round %d (v%d): local loss %.4f -> %.4f, %.1f s (%.0f tok/s), sent %d bytes in %.1f s%s",
                 t.round, t.version, t.losses[0], t.losses[-1], t.seconds, tokens / max(t.seconds, 1e-9), sent,
                 time.monotonic() - began, "" if answer.get("accepted", True) else f"; answer {answer}")

    async def sync_model(self, conn: Connection, version: int, sha: str) -> None:
        """Brings the local parameters to `version` (diffs when the server has them, else the
        full state) and checks them against the published SHA-256."""
        s = self.s
        if s.params is not None and s.version == version and sha256_f32(s.params) == sha:
            return
        layout = ParameterLayout(s.config)
        for attempt in range(2):
            params = {"have": s.version} if attempt == 0 and s.params is not None and s.version is not None else {}
            result, raw = await conn.call_with_frames("train.model", params, timeout=300)
            kind = result.get("kind")
            if len(raw) != int(result.get("frames", 0)):
                raise Disconnected(f"train.model announced {result.get('frames')} frames, {len(raw)} arrived")
            s.down_bytes += sum(len(f) for f in raw)
            decoded = [wire.decode(f) for f in raw]
            if kind == "state":
                s.params = self.load_state(decoded[0], layout)
            elif kind == "diff":
                for frame in sorted(decoded, key=lambda f: f.round):
                    d = frame.tensor("delta")
                    if frame.message_type != wire.MODEL_DIFF or d is None or d.count != layout.total:
                        raise Fatal("a modelDiff frame without a parameter-vector `delta`")
                    # θ ← θ + f32(value × scale): both roundings in binary32, nothing fused.
                    s.params = (s.params + d.floats()).astype(np.float32)
            s.version = int(result["version"])
            log.info("model v%d: %s, %d bytes", s.version, kind, sum(len(f) for f in raw))
            if s.params is not None and sha256_f32(s.params) == result.get("paramsSHA256", sha):
                return
            s.params, s.version = None, None
        raise Fatal("the model from the server does not match its published SHA-256 twice in a row")

    @staticmethod
    def load_state(frame: wire.Frame, layout: ParameterLayout) -> np.ndarray:
        if frame.message_type != wire.MODEL_STATE or len(frame.tensors) != len(layout.entries):
            raise Fatal("expected a modelState frame with every parameter")
        flat = np.empty(layout.total, dtype=np.float32)
        for e, t in zip(layout.entries, frame.tensors):
            if t.name != e.name or tuple(t.dims) != e.shape or t.dtype != wire.F32:
                raise Fatal(f"modelState tensor {t.name} {t.dims} where {e.name} {e.shape} (f32) was expected")
            flat[e.offset:e.offset + e.count] = t.data
        return flat

    async def finish(self, conn: Connection) -> None:
        """After the last update: stay until its round is judged (its audit may come), then
        optionally leave with the stake."""
        last = self.s.last_delivered
        if last is not None:
            while last not in self.closed_rounds:
                st = await conn.call("train.status")
                await self.poll_audit(conn, st)
                judged = (not st.get("member")) or int(st.get("round") or 0) != last or st.get("phase") == "idle" \
                    or st.get("delivered") is False
                if judged:
                    break
                await self.wait_for_round(0.5)
        left = None
        if self.o.leave:
            while True:
                try:
                    left = await conn.call("train.leave")
                    log.info("left training; %s PUR refunded", micro_pur(left.get("refunded")))
                    break
                except RpcError as e:
                    if e.reason != "train.update_pending":
                        raise
                    await asyncio.sleep(0.3)
        earned = left.get("earned") if left else (await conn.call("train.status")).get("earned", "0")
        log.info("done: %d updates delivered, %d refused, %d reconnects, %.1f MB down, %.2f MB up, earned %s PUR",
                 self.s.delivered, self.s.refused, self.s.reconnects, self.s.down_bytes / 1e6, self.s.up_bytes / 1e6,
                 micro_pur(earned))
