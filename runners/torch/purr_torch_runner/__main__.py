"""CLI: python -m purr_torch_runner --server ws://HOST:PORT/v1 --key FILE [options]."""

import argparse
import asyncio
import logging
import os
import sys


def parse(argv):
    p = argparse.ArgumentParser(prog="purr_torch_runner",
                                description="PurrQuest AI runner in PyTorch: train the quest model for a server and earn PUR.")
    p.add_argument("--server", required=True, help="the server's WebSocket URL, ws://HOST:PORT/v1")
    p.add_argument("--key", required=True, help="Ed25519 key file written by `purr keygen`")
    p.add_argument("--device", choices=("cpu", "cuda", "auto"), default="auto", help="where to train (auto: cuda if present)")
    p.add_argument("--rounds", type=int, help="stop after delivering this many updates (default: run until stopped)")
    p.add_argument("--log-every", type=float, default=30.0, help="seconds between progress lines while training (0: off)")
    p.add_argument("--threads", type=int, help="CPU threads for torch (default: torch's choice)")
    p.add_argument("--faucet", action="store_true", help="on a --dev server, take the stake from wallet.faucet when short")
    p.add_argument("--fp32", action="store_true", help="upload f32 updates instead of int8 blocks")
    p.add_argument("--leave", action="store_true", help="leave training (stake back) after --rounds")
    p.add_argument("--max-reconnects", type=int, help="give up after this many failed reconnects in a row")
    p.add_argument("--protocol", type=int, choices=(1, 2), default=2,
                   help="training protocol; 1 only to test against a server that does not speak 2 yet")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        p.error("--rounds must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse(argv)
    # Deterministic cuBLAS must be configured before CUDA starts.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("websockets").setLevel(logging.WARNING)
    log = logging.getLogger("purr_torch_runner")
    from .device import pick_device
    from .protocol import Fatal
    from .runner import Options, Runner

    device = pick_device(args.device, args.threads)
    options = Options(server=args.server, key_path=args.key, device=device, rounds=args.rounds, log_every=args.log_every,
                      protocol=args.protocol, faucet=args.faucet, fp32=args.fp32, leave=args.leave,
                      max_reconnects=args.max_reconnects)
    try:
        runner = Runner(options)
    except (OSError, ValueError, KeyError) as e:
        log.error("--key: %s", e)
        return 2
    try:
        asyncio.run(runner.run())
    except Fatal as e:
        log.error("stopped: %s", e)
        return 1
    except KeyboardInterrupt:
        log.info("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
