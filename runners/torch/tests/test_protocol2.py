#!/usr/bin/env python3
"""The runner's protocol-2 conversation against a scripted in-process coordinator.

Until the Swift server speaks protocol 2 this stands in for it, following /tmp/proto2.md (to be
docs/protocol.md): sign-in (the Ed25519 signature is verified), train.info / train.join
{protocol: 2}, assignments with `segmentSteps`, modelState then modelDiff frames (the runner's
own update applied as the next version, so the diff path and its hash check run), train.commit
checked by the draft's rules, the update frame, a train.audit naming checkpoints answered with
auditState frames (hashes against the commitment, one segment replayed, the upload against
θ_K − θ_0), train.round.closed. Round 3 pretends the coordinator lost the previous commitment,
so a carried optimizer is refused and the runner must train the round again from a fresh one; in
round 2 the connection drops between commitment and upload, so the runner must reconnect and
deliver the same work (its commitment answered as a duplicate).

    python tests/test_protocol2.py
"""

import asyncio
import json
import logging
import os
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402
from websockets.asyncio.server import serve  # noqa: E402

from purr_torch_runner import frames as wire  # noqa: E402
from purr_torch_runner import int8  # noqa: E402
from purr_torch_runner.device import pick_device  # noqa: E402
from purr_torch_runner.inner import InnerLoop, InnerSettings, checkpoint_steps, sha256_f32  # noqa: E402
from purr_torch_runner.layout import LlamaConfig, ParameterLayout  # noqa: E402
from purr_torch_runner.model import LlamaTorch  # noqa: E402
from purr_torch_runner.runner import Options, Runner  # noqa: E402

CONFIG = LlamaConfig(dim=32, hidden=64, layers=1, heads=4, kv_heads=2, vocab=50, max_positions=32)
INNER = {"steps": 7, "batch": 2, "seqLen": 16, "learningRate": 0.003, "warmupSteps": 2, "clipNorm": 1.0,
         "weightDecay": 0.1, "keepOptimizerState": True, "segmentSteps": 3}
DEVICE = pick_device("cpu", 2)


def refusal(reason, message="refused"):
    return {"code": -32018, "message": message, "data": {"code": "training_refused", "reason": reason}}


class FakeCoordinator:
    def __init__(self):
        layout = ParameterLayout(CONFIG)
        rng = np.random.default_rng(0)
        theta = np.empty(layout.total, dtype=np.float32)
        for e in layout.entries:
            theta[e.offset:e.offset + e.count] = 1 if len(e.shape) == 1 else rng.normal(0, 0.05, e.count)
        self.layout = layout
        self.versions = {0: theta}
        self.diffs = {}
        self.round = 1
        self.samples = [[int(t) for t in rng.integers(0, CONFIG.vocab, 30)] for _ in range(8)]
        self.commitments = {}      # round -> commit params
        self.last_accepted = None  # the final checkpoint hashes of the last accepted commitment
        self.delivered = set()
        self.audit_states = {}
        self.events = []           # what happened, for the assertions
        self.problems = []
        self.dropped = False

    @property
    def version(self):
        return max(self.versions)

    def seed(self, r):
        return 1000 + r

    def assignment(self):
        if self.round in self.delivered:
            return {"waiting": True, "reason": "delivered", "retryAfterMs": 100, "version": self.version}
        return {"round": self.round, "version": self.version, "seed": "1", "runnerSeed": str(self.seed(self.round)),
                "deadline": 0, "paramsSHA256": sha256_f32(self.versions[self.version]), "inner": INNER,
                "sampleIndices": list(range(len(self.samples))), "samples": self.samples}

    def check_commit(self, p):
        """The draft's rules, reason train.bad_commitment."""
        if p.get("round") != self.round or p.get("segmentSteps") != INNER["segmentSteps"]:
            return "round or segmentSteps"
        cps = p.get("checkpoints", [])
        marks = checkpoint_steps(INNER["steps"], INNER["segmentSteps"])
        if [c["step"] for c in cps] != marks:
            return f"steps {[c['step'] for c in cps]}"
        if cps[0]["params"] != sha256_f32(self.versions[self.version]):
            return "checkpoint 0 is not the round's model"
        zeros = sha256_f32(np.zeros(self.layout.total, dtype=np.float32))
        fresh = cps[0]["m"] == zeros == cps[0]["v"] and cps[0]["adamStep"] == 0
        prev = self.last_accepted
        if self.round == 3:
            prev = None  # as if the coordinator restarted and lost the previous commitment
        carried = prev is not None and (cps[0]["m"], cps[0]["v"], cps[0]["adamStep"]) == (prev["m"], prev["v"], prev["adamStep"])
        if not (fresh or carried):
            return "optimizer neither fresh nor carried"
        if any(c["adamStep"] != cps[0]["adamStep"] + c["step"] for c in cps):
            return "adamStep"
        self.events.append(("commit", self.round, "fresh" if fresh else "carried"))
        return None

    async def handle(self, ws):
        nonce = None
        public = None
        async for message in ws:
            if isinstance(message, bytes):
                await self.binary(ws, message)
                continue
            req = json.loads(message)
            rid, method, p = req.get("id"), req["method"], req.get("params") or {}
            result, error = None, None
            if method == "auth.challenge":
                nonce = secrets.token_hex(32)
                result = {"nonce": nonce, "expiresAt": 0}
            elif method == "auth.login":
                key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(p["publicKey"]))
                key.verify(bytes.fromhex(p["signature"]), ("purr-login:" + nonce).encode())  # raises if wrong
                public = p["publicKey"]
                result = {"account": public, "sessionToken": "00" * 32, "expiresAt": 0}
            elif method == "train.info":
                result = {"enabled": True, "protocol": 2, "arithmetic": {"normEps": 1e-5, "ropeTheta": 10000, "rope": "rotate_half",
                          "tiedEmbeddings": True, "activation": "silu", "updateBlockSize": 256,
                          "adamW": {"beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "biasCorrection": True}},
                          "version": self.version, "model": {"dim": CONFIG.dim, "hidden": CONFIG.hidden,
                          "layers": CONFIG.layers, "heads": CONFIG.heads, "kvHeads": CONFIG.kv_heads,
                          "vocab": CONFIG.vocab, "maxPositions": CONFIG.max_positions},
                          "policy": {"stake": "0"}}
            elif method == "train.join":
                if p.get("protocol") != 2:
                    error = refusal("train.protocol", "this server speaks training protocol 2")
                else:
                    result = {"member": True, "stakeHeld": "0"}
            elif method == "train.assignment":
                result = self.assignment()
            elif method == "train.status":
                result = {"member": True, "round": self.round, "phase": "open", "delivered": self.round in self.delivered}
            elif method == "train.model":
                have = p.get("have")
                if have is not None and have in self.versions and have < self.version:
                    frames = [wire.encode(wire.MODEL_DIFF, rid, v, [self.diffs[v]]) for v in range(have + 1, self.version + 1)]
                    kind = "diff"
                else:
                    theta = self.versions[self.version]
                    frames = [wire.encode(wire.MODEL_STATE, rid, self.version, [
                        wire.f32_tensor(e.name, theta[e.offset:e.offset + e.count], dims=e.shape) for e in self.layout.entries])]
                    kind = "state"
                self.events.append(("model", kind))
                for f in frames:
                    await ws.send(f)
                result = {"version": self.version, "paramsSHA256": sha256_f32(self.versions[self.version]),
                          "kind": kind, "frames": len(frames)}
            elif method == "train.commit":
                if p.get("round") in self.commitments:
                    self.events.append(("commit_duplicate", p.get("round")))
                    error = refusal("train.duplicate_commitment")
                else:
                    why = self.check_commit(p)
                    if why:
                        self.events.append(("commit_refused", self.round, why))
                        error = refusal("train.bad_commitment", why)
                    else:
                        self.commitments[self.round] = p
                        result = {"accepted": True, "round": self.round}
            else:
                error = {"code": -32601, "message": "no such method", "data": {"code": "method_not_found"}}
            reply = {"jsonrpc": "2.0", "id": rid}
            reply.update({"error": error} if error else {"result": result})
            await ws.send(json.dumps(reply))
            if method == "train.commit" and self.round == 2 and not self.dropped:
                # The connection drops between the commitment and the update: the runner must
                # reconnect, find its commitment held (duplicate) and upload the same work.
                self.dropped = True
                await ws.close()
                return

    async def binary(self, ws, data):
        f = wire.decode(data)
        if f.message_type == wire.UPDATE:
            c = self.commitments.get(f.round)
            if c is None:
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": f.request_id, "error": refusal("train.no_commitment")}))
                return
            delta = f.tensor("delta")
            self.update = delta
            self.delivered.add(f.round)
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": f.request_id,
                                      "result": {"accepted": True, "round": f.round, "bytes": len(data)}}))
            self.events.append(("update", f.round, delta.dtype, delta.block_size))
            K = len(c["checkpoints"]) - 1
            self.asked = sorted({1, 2, K})
            self.audit_states = {}
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "train.audit",
                                      "params": {"round": f.round, "checkpoints": self.asked}}))
        elif f.message_type == wire.AUDIT_STATE:
            k = int(f.tensor("checkpoint").floats()[0])
            self.audit_states[k] = {n: np.array(f.tensor(n).floats()) for n in ("params", "m", "v")}
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": f.request_id,
                                      "result": {"accepted": True, "round": f.round, "checkpoint": k}}))
            if set(self.audit_states) == set(self.asked):
                self.verify_audit()
                await self.close_round(ws)

    def verify_audit(self):
        c = self.commitments[self.round]
        for k, s in self.audit_states.items():
            h = c["checkpoints"][k]
            if (sha256_f32(s["params"]), sha256_f32(s["m"]), sha256_f32(s["v"])) != (h["params"], h["m"], h["v"]):
                self.problems.append(f"round {self.round} checkpoint {k}: state does not hash to the commitment")
        settings = InnerSettings.from_assignment(INNER)
        loop = InnerLoop(LlamaTorch(CONFIG, DEVICE), settings)
        a, b = self.audit_states[1], self.audit_states[2]
        p, m, v, n = loop.replay(a["params"], a["m"], a["v"], c["checkpoints"][1]["adamStep"], c["checkpoints"][1]["step"],
                                 c["checkpoints"][2]["step"], self.samples, self.seed(self.round))
        if not (np.array_equal(p, b["params"]) and np.array_equal(m, b["m"]) and n == c["checkpoints"][2]["adamStep"]):
            self.problems.append(f"round {self.round}: segment 1 does not replay")
        K = len(c["checkpoints"]) - 1
        moved = self.audit_states[K]["params"] - self.versions[self.version]
        rel = np.linalg.norm(self.update.floats() - moved) / np.linalg.norm(moved)
        if rel > 0.05:
            self.problems.append(f"round {self.round}: upload {rel:.3f} from θ_K − θ_0")
        self.events.append(("audited", self.round, round(float(rel), 4)))

    async def close_round(self, ws):
        """Applies the runner's update as the next version (exactly, as a diff) and opens a round."""
        values, scales = (self.update.data, self.update.scales) if self.update.dtype == wire.I8 else \
            int8.encode(self.update.floats())
        diff = wire.i8_tensor("delta", values, scales, 256)
        new = self.version + 1
        self.diffs[new] = diff
        self.versions[new] = (self.versions[self.version] + diff.floats()).astype(np.float32)
        self.last_accepted = self.commitments[self.round]["checkpoints"][-1]
        await ws.send(json.dumps({"jsonrpc": "2.0", "method": "train.round.closed", "params": {
            "round": self.round, "version": new, "paramsSHA256": sha256_f32(self.versions[new]), "heldOutLoss": 1.0,
            "paid": "1000000"}}))
        self.round += 1
        await ws.send(json.dumps({"jsonrpc": "2.0", "method": "train.round",
                                  "params": {"round": self.round, "version": new, "deadline": 0}}))


async def scenario(key_path):
    coordinator = FakeCoordinator()
    async with serve(coordinator.handle, "127.0.0.1", 0, max_size=1 << 26) as server:
        port = server.sockets[0].getsockname()[1]
        runner = Runner(Options(server=f"ws://127.0.0.1:{port}/v1", key_path=key_path, device=DEVICE, rounds=3,
                                log_every=0, protocol=2, max_reconnects=2, reconnect_delay=0.1))
        state = await asyncio.wait_for(runner.run(), 300)
    return coordinator, state


def main() -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="  runner: %(message)s")
    logging.getLogger("websockets").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as d:
        key = Ed25519PrivateKey.generate()
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat
        seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
        path = os.path.join(d, "key.json")
        Path(path).write_text(json.dumps({"privateKey": seed, "publicKey": public}))
        coordinator, state = asyncio.run(scenario(path))
    ev = coordinator.events
    print("events:", ev)
    expected = [
        ("model", "state"), ("commit", 1, "fresh"), ("update", 1, wire.I8, 256), ("audited", 1),
        ("model", "diff"), ("commit", 2, "carried"), ("commit_duplicate", 2), ("update", 2, wire.I8, 256), ("audited", 2),
        ("model", "diff"), ("commit_refused", 3), ("commit", 3, "fresh"), ("update", 3, wire.I8, 256), ("audited", 3),
    ]
    got = [e[:2] if e[0] in ("audited", "commit_refused") else e for e in ev]
    want = [e[:2] if e[0] in ("audited", "commit_refused") else e for e in expected]
    ok = got == want and not coordinator.problems and state.delivered == 3 and state.reconnects == 1
    for p in coordinator.problems:
        print("problem:", p)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
