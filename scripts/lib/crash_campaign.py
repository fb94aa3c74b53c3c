#!/usr/bin/env python3
"""Small helpers for scripts/crash-campaign (standard library only).

  freeport                      a free TCP port on 127.0.0.1
  pubkey KEYFILE                the log key file's public key (hex)
  headsize HEADFILE             treeSize of the signed head file
  ltsum JSON...                 quest.request calls, the acknowledged lower bound, transport errors
  count DB                      quests and log events in DB (opened immutable, WAL ignored
                                unless the -wal file is beside it and consistent)
  flip DB                       overwrite 256 bytes in the middle page of DB with their complement
"""
import json, os, socket, sqlite3, sys


def freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def ltsum(paths):
    calls = acked = transport = runs = 0
    for p in paths:
        try:
            j = json.load(open(p))
        except Exception:
            continue
        runs += 1
        q = j.get("methods", {}).get("quest.request", {}).get("calls", 0)
        errs = j.get("errors", {})
        # Errors are not split by method: every error except position_rejected (position.report
        # only) may have been a quest.request, so calls minus those is a lower bound of the
        # quests the server acknowledged.
        other = sum(v for k, v in errs.items() if k != "position_rejected")
        calls += q
        acked += max(0, q - other)
        transport += errs.get("transport", 0)
    print(calls, acked, transport, runs)


def count(db):
    # A read-only connection that leaves the files alone (the server may be running or stopped).
    uri = "file:%s?mode=ro" % db
    try:
        c = sqlite3.connect(uri, uri=True, timeout=5)
        q = c.execute("select count(*) from game_quests").fetchone()[0]
        e = c.execute("select count(*) from ledger_events").fetchone()[0]
        print(q, e)
    except Exception as ex:  # noqa
        print("-1 -1", str(ex).replace("\n", " "))


def count_main_only(db):
    """Count what the main database file alone holds (as if the -wal file were gone)."""
    import shutil, tempfile
    d = tempfile.mkdtemp()
    try:
        t = os.path.join(d, "x.sqlite")
        shutil.copyfile(db, t)
        c = sqlite3.connect("file:%s?immutable=1" % t, uri=True)
        e = c.execute("select count(*) from ledger_events").fetchone()[0]
        print(e)
    except Exception as ex:
        print(-1, str(ex).replace("\n", " "))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def flip(db):
    size = os.path.getsize(db)
    page = 4096
    with open(db, "rb") as f:
        hdr = f.read(100)
    if hdr[:16] == b"SQLite format 3\x00":
        ps = int.from_bytes(hdr[16:18], "big")
        page = 65536 if ps == 1 else ps
    pages = size // page
    target = max(1, pages // 2)
    off = target * page + 64
    with open(db, "r+b") as f:
        f.seek(off)
        b = f.read(256)
        f.seek(off)
        f.write(bytes(x ^ 0xFF for x in b))
    print("page %d of %d (page size %d), bytes %d..%d inverted" % (target + 1, pages, page, off, off + len(b)))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "freeport":
        freeport()
    elif cmd == "pubkey":
        print(json.load(open(args[0]))["publicKey"])
    elif cmd == "headsize":
        try:
            print(json.load(open(args[0]))["treeSize"])
        except Exception:
            print(-1)
    elif cmd == "ltsum":
        ltsum(args)
    elif cmd == "count":
        count(args[0])
    elif cmd == "countmain":
        count_main_only(args[0])
    elif cmd == "flip":
        flip(args[0])
    else:
        sys.exit("unknown helper " + cmd)
