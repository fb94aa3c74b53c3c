"""WebSocket JSON-RPC 2.0 client with the binary tensor frames of the same socket.

One reader task routes every incoming message: a response resolves the call with its id; a
notification goes to `notifications`; a binary frame is kept under its header's requestID for the
call that expects it (the server sends `train.model` frames *before* that call's response, so
they are all there when the response arrives). Binary uploads are calls too: the server answers
a frame with an ordinary response whose id is the frame's requestID.
"""

import asyncio
import itertools
import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from . import frames as wire

LOGIN_PREFIX = "purr-login:"


class RpcError(Exception):
    """An error response: `code` (JSON-RPC), `name` (data.code), `reason` (data.reason)."""

    def __init__(self, error: dict):
        data = error.get("data") or {}
        self.code = error.get("code")
        self.name = data.get("code")
        self.reason = data.get("reason")
        self.data = data
        super().__init__(f"{self.reason or self.name or self.code}: {error.get('message')}")


class Disconnected(Exception):
    """The connection dropped; the runner reconnects."""


def load_key(path: str):
    """The key file `purr keygen` writes: {"privateKey": <64 hex seed>, "publicKey": <64 hex>}."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    with open(path) as f:
        obj = json.load(f)
    seed = bytes.fromhex(obj["privateKey"])
    if len(seed) != 32:
        raise ValueError(f"key file {path}: privateKey is not a 32-byte hex seed")
    key = Ed25519PrivateKey.from_private_bytes(seed)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    if "publicKey" in obj and obj["publicKey"].lower() != public:
        raise ValueError(f"key file {path}: publicKey does not belong to privateKey")
    return key, public


class Connection:
    def __init__(self, ws):
        self.ws = ws
        self._ids = itertools.count(1)
        self._pending: Dict[int, asyncio.Future] = {}
        self._frames: Dict[int, List[bytes]] = {}
        self.notifications: asyncio.Queue = asyncio.Queue()
        self.closed: Optional[str] = None
        self._reader = asyncio.create_task(self._read())

    @staticmethod
    async def open(url: str, max_message: int = 256 << 20) -> "Connection":
        ws = await connect(url, max_size=max_message, compression=None, open_timeout=15, ping_interval=20,
                           ping_timeout=60, proxy=None)
        return Connection(ws)

    async def close(self) -> None:
        self._reader.cancel()
        try:
            await self.ws.close()
        except Exception:
            pass

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if isinstance(message, bytes):
                    head = wire.peek_header(message)
                    if head and head[1] in self._frames:
                        self._frames[head[1]].append(message)
                    continue
                try:
                    parsed = json.loads(message)
                except ValueError:
                    continue
                for msg in parsed if isinstance(parsed, list) else [parsed]:
                    self._route(msg)
            self.closed = f"closed ({self.ws.close_code} {self.ws.close_reason})"
        except ConnectionClosed as e:
            self.closed = f"closed ({e})"
        except Exception as e:  # noqa: BLE001 - any reader failure ends the connection
            self.closed = f"reader failed: {e!r}"
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(Disconnected(self.closed))
        await self.notifications.put(None)

    def _route(self, msg: dict) -> None:
        if "method" in msg and "id" not in msg:
            self.notifications.put_nowait(msg)
            return
        fut = self._pending.get(msg.get("id"))
        if fut is None or fut.done():
            return
        if "error" in msg:
            fut.set_exception(RpcError(msg["error"]))
        else:
            fut.set_result(msg.get("result"))

    def _register(self) -> Tuple[int, asyncio.Future]:
        if self.closed:
            raise Disconnected(self.closed)
        rid = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        # A call abandoned when the send fails still gets the reader's Disconnected: mark it seen.
        fut.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._pending[rid] = fut
        return rid, fut

    async def _await(self, rid: int, fut: asyncio.Future, timeout: float):
        try:
            return await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            raise Disconnected(f"no answer to request {rid} within {timeout:.0f} s") from None
        finally:
            self._pending.pop(rid, None)

    async def call(self, method: str, params: Optional[dict] = None, timeout: float = 30) -> Any:
        rid, fut = self._register()
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        try:
            await self.ws.send(json.dumps(msg))
        except ConnectionClosed as e:
            self._pending.pop(rid, None)
            raise Disconnected(str(e)) from None
        return await self._await(rid, fut, timeout)

    async def call_with_frames(self, method: str, params: Optional[dict] = None,
                               timeout: float = 120) -> Tuple[Any, List[bytes]]:
        """A call whose binary frames (requestID = this call's id) come before its response."""
        rid, fut = self._register()
        self._frames[rid] = []
        try:
            msg = {"jsonrpc": "2.0", "id": rid, "method": method, "params": params or {}}
            await self.ws.send(json.dumps(msg))
            result = await self._await(rid, fut, timeout)
            return result, self._frames[rid]
        except ConnectionClosed as e:
            raise Disconnected(str(e)) from None
        finally:
            self._pending.pop(rid, None)
            self._frames.pop(rid, None)

    async def send_frame(self, build: Callable[[int], bytes], timeout: float = 120) -> Tuple[Any, int]:
        """Uploads one binary frame built for a fresh requestID; returns (answer, bytes sent)."""
        rid, fut = self._register()
        data = build(rid)
        try:
            await self.ws.send(data)
        except ConnectionClosed as e:
            self._pending.pop(rid, None)
            raise Disconnected(str(e)) from None
        return await self._await(rid, fut, timeout), len(data)

    async def sign_in(self, key, public_hex: str) -> dict:
        """auth.challenge, then auth.login with the Ed25519 signature of "purr-login:" + nonce."""
        challenge = await self.call("auth.challenge", {})
        nonce = challenge["nonce"]
        signature = key.sign((LOGIN_PREFIX + nonce).encode("utf-8")).hex()
        return await self.call("auth.login", {"publicKey": public_hex, "signature": signature})
