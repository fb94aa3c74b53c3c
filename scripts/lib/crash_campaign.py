#!/usr/bin/env python3
"""Small helpers for scripts/crash-campaign (standard library only).

  freeport                      a free TCP port on 127.0.0.1
  pubkey KEYFILE                the log key file's public key (hex)
  headsize HEADFILE             treeSize of the signed head file
  ltsum JSON...                 quest.request calls, the acknowledged lower bound, transport errors
  count DB                      quests and log events in DB (opened immutable, WAL ignored
                                unless the -wal file is beside it and consistent)
  earlystop PURR CONFIG DB PORT N   N starts of `purr serve`, each sent SIGTERM or SIGINT at once
                                when healthz first answers, or 20..200 ms into start-up; prints
                                how many exited by themselves within 10 s
  flip DB [TABLE [header]]      invert 256 bytes of the middle page in use, or of TABLE's middle
                                leaf page (its records, or its header)
"""
import json, os, signal, socket, sqlite3, subprocess, sys, time, urllib.request


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


def integrity(db):
    try:
        c = sqlite3.connect("file:%s?immutable=1" % db, uri=True)
        rows = [r[0] for r in c.execute("pragma integrity_check(5)")]
        text = " / ".join(rows).replace("*** in database main ***", "").replace("\n", " ").strip(" /")
        return "integrity_check ok" if rows == ["ok"] else "integrity_check: " + text[:120]
    except Exception as ex:
        return "integrity_check: " + str(ex)[:80]


def flip(db, table=None, header=False):
    """Invert 256 bytes of one page: the middle page in use (its header), or with TABLE
    the middle leaf page of that table (its last 256 bytes: record content, not structure)."""
    size = os.path.getsize(db)
    with open(db, "rb") as f:
        hdr = f.read(100)
    ps = int.from_bytes(hdr[16:18], "big")
    page = 65536 if ps == 1 else (ps or 4096)
    pages = size // page
    if table:
        c = sqlite3.connect("file:%s?immutable=1" % db, uri=True)
        leaves = [r[0] for r in c.execute(
            "select pageno from dbstat where name = ? and pagetype = 'leaf' order by pageno", (table,))]
        c.close()
        if not leaves:
            print("no leaf page of", table)
            return
        target = leaves[len(leaves) // 2] - 1
        off = target * page + (0 if header else page - 256)
        what = "%s leaf page %d (%d of %d leaves, %s)" % (table, target + 1, len(leaves) // 2 + 1, len(leaves),
                                                      "header" if header else "records")
    else:
        # The middle page among those in use by a table or an index; its header and cell
        # pointers (the first 256 bytes): structural damage SQLite notices when it reads the page.
        c = sqlite3.connect("file:%s?immutable=1" % db, uri=True)
        used = [r for r in c.execute(
            "select pageno, name from dbstat where pageno > 1 order by pageno")]
        c.close()
        pno, name = used[len(used) // 2]
        target = pno - 1
        off = target * page
        what = "page %d of %d (%s)" % (pno, pages, name)
    with open(db, "r+b") as f:
        f.seek(off)
        b = f.read(256)
        f.seek(off)
        f.write(bytes(x ^ 0xFF for x in b))
    print("%s: 256 bytes inverted at %d; %s" % (what, off, integrity(db)))


def earlystop(purr, config, db, port, n):
    """A process manager stopping the server as soon as it is up (or while it starts)."""
    stopped, hung, at_ready = 0, 0, 0
    for i in range(n):
        p = subprocess.Popen([purr, "serve", "--config", config, "--db", db, "--port", str(port),
                              "--log-level", "error"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i % 2 == 0:
            t0 = time.monotonic()
            while time.monotonic() - t0 < 30 and p.poll() is None:
                try:
                    urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=1)
                    at_ready += 1
                    break
                except Exception:
                    time.sleep(0.005)
        else:
            time.sleep(0.02 * (1 + i % 10))
        p.send_signal(signal.SIGINT if i % 4 == 0 else signal.SIGTERM)
        try:
            p.wait(timeout=10)
            stopped += 1
        except subprocess.TimeoutExpired:
            hung += 1
            p.kill()
            p.wait()
    print(stopped, hung, at_ready)


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
    elif cmd == "earlystop":
        earlystop(args[0], args[1], args[2], int(args[3]), int(args[4]))
    elif cmd == "flip":
        flip(args[0], args[1] if len(args) > 1 else None, len(args) > 2 and args[2] == 'header')
    else:
        sys.exit("unknown helper " + cmd)
