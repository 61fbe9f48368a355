#!/usr/bin/env python3
"""ctest device.qemu_soak: 200 fetches in a row on the device (mode=soak,
app/soak.c: connect, small GET, close, free; odd ones a full handshake, even
ones resuming a session), under QEMU -icount, against tls_server.py on
127.0.0.1; the 5th, 15th, 25th... go to a second server started with --hold, which
sends close_notify but never closes its side of the TCP connection, so that
each of those connections stays in FIN_WAIT_2 on the device and LwIP's two
TCP PCBs must be reclaimed (port/lwip/net.c).

Asserts: every fetch succeeds with the page; after each, iotls's heap holds
exactly its bytes and blocks from before the first; the high-water mark
(bytes requested) and newlib's heap arena (what the allocator took from the
RAM, fragmentation included) stay constant from fetch --settle-after to the
last; odd fetches are full handshakes and even ones resume (from the 4th);
the instructions of a full handshake do not grow
(median of the last 20 within 10% of the first 20); at the end LwIP holds
nothing in flight and its pools and heap are back where they started; no
hard fault. Prints a table per fetch and the wall time."""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402


def kv(text):
    d = dict(w.split("=", 1) for w in text.split() if "=" in w)
    d["verdict_ok"] = text.rstrip().endswith(" ok")
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--qemu")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--settle-after", type=int, default=10,
                    help="the high-water mark and the arena are constant from this fetch on")
    args = ap.parse_args()
    qemu = devtest.find_qemu(args.qemu)

    with tempfile.TemporaryDirectory(prefix="iotls-devsoak-") as work:
        ca, chain, key = devtest.make_chain(work, "ecdsa")
        body, _ = devtest.make_body(work, size=256)
        servers = {}
        try:
            for tag, extra in (("main", []), ("hold", ["--hold"])):
                servers[tag] = devtest.Server(
                    chain, key, body, work, tag,
                    argv=["--cert", chain, "--key", key, "--name", devtest.SERVER_NAME,
                          "--body", body] + extra)
            t0 = time.monotonic()
            status, console = devtest.run_qemu(
                qemu, args.firmware,
                ["mode=soak", "host=" + devtest.SERVER_NAME, "ca=" + ca,
                 "port=%d" % servers["main"].port, "port2=%d" % servers["hold"].port,
                 "count=%d" % args.count, "seed=" + os.urandom(32).hex()],
                timeout=args.timeout, icount=True)
            wall = time.monotonic() - t0
        finally:
            logs = {tag: s.stop() for tag, s in servers.items()}

    failures = []
    if status is None:
        failures.append("QEMU did not finish within %.0f s" % args.timeout)
    elif status != 0:
        failures.append("firmware exit status %d, expected 0" % status)
    if "FATAL" in console:
        failures.append("the firmware faulted")
    m = re.search(r"^SOAK_BASE (.*)$", console, re.M)
    base = kv(m.group(1)) if m else {}
    rows = [kv(line) for line in re.findall(r"^SOAK i=(.*)$", console, re.M)]
    for r, line in zip(rows, re.findall(r"^SOAK i=(\d+)", console, re.M)):
        r["i"] = int(line)
    if not base:
        failures.append("no SOAK_BASE line")
    if [r["i"] for r in rows] != list(range(1, args.count + 1)):
        failures.append("%d of %d fetches reported" % (len(rows), args.count))

    print("%5s %5s %4s %3s %7s %6s %7s %7s %7s %9s %5s %10s %9s"
          % ("fetch", "port", "rc", "res", "live", "blocks", "peak", "HWM", "arena",
             "instr", "ms", "pcbs(clsd)", "time_wait"))
    for r in rows:
        print("%5d %5s %4s %3s %7s %6s %7s %7s %7s %9s %5s %7s(%s) %9s"
              % (r["i"], "hold" if r.get("port") == str(servers["hold"].port) else "main",
                 r.get("rc"), r.get("resumed"), r.get("live"), r.get("blocks"), r.get("peak"),
                 r.get("hwm"), r.get("arena"), r.get("instr"), r.get("ms"), r.get("pcbs"),
                 r.get("closed"), r.get("time_wait")))

    for r in rows:
        where = "fetch %d" % r["i"]
        if r.get("rc") != "ok" or r.get("http") != "200" or not r.get("verdict_ok"):
            failures.append("%s: %s, http %s" % (where, r.get("rc"), r.get("http")))
        if base and (r.get("live") != base.get("live") or r.get("blocks") != base.get("blocks")):
            failures.append("%s: heap %s bytes in %s blocks, %s in %s before the first"
                            % (where, r.get("live"), r.get("blocks"), base.get("live"),
                               base.get("blocks")))
        # the session an even fetch resumes is the one the even fetch before
        # it kept (the warm-up connection closes before TLS 1.3's tickets)
        expect = "0" if r["i"] % 2 or r["i"] < 4 else "1"
        if r.get("resumed") != expect:
            failures.append("%s: resumed=%s, expected %s" % (where, r.get("resumed"), expect))
    settled = [r for r in rows if r["i"] >= args.settle_after]
    if settled:
        ref = settled[0]
        for key, what in (("hwm", "heap high-water mark"), ("arena", "newlib heap arena")):
            grown = [r for r in settled if r.get(key) != ref.get(key)]
            if grown:
                failures.append("%s grew after fetch %d: %s at fetch %d, %s at fetch %d"
                                % (what, ref["i"], ref.get(key), ref["i"], grown[0].get(key),
                                   grown[0]["i"]))
    full = [int(r["instr"]) for r in rows if r.get("resumed") == "0" and r.get("rc") == "ok"]
    resumed = [int(r["instr"]) for r in rows if r.get("resumed") == "1" and r.get("rc") == "ok"]
    if len(full) >= 40:
        first, last = statistics.median(full[:20]), statistics.median(full[-20:])
        if last > first * 1.10:
            failures.append("full handshakes got slower: median %d instructions in the first "
                            "20, %d in the last 20" % (first, last))
    for check in ("lwip_settled", "lwip_pools_back", "lwip_heap_whole"):
        if not re.search(r"^CHECK %s: ok" % check, console, re.M):
            failures.append("CHECK %s did not pass" % check)
    if not re.search(r"^soak: PASS", console, re.M):
        failures.append("no PASS verdict")
    served = len(re.findall(r"^\S+ GET / ", logs["main"] + logs["hold"], re.M))
    if served < len(rows):
        failures.append("the servers served %d GETs for %d fetches" % (served, len(rows)))

    for line in re.findall(r"^(SOAK_LWIP .*|SOAK_BASE .*|SOAK_TIME .*|CHECK .*)$", console,
                           re.M):
        print(line)
    if rows:
        print("heap: base %s B in %s blocks; high-water mark %s B at fetch %d, %s B from fetch "
              "%d on; arena %s B from fetch %d on"
              % (base.get("live"), base.get("blocks"), rows[0].get("hwm"), 1,
                 settled[0].get("hwm") if settled else "?", args.settle_after,
                 settled[0].get("arena") if settled else "?", args.settle_after))
    if full:
        print("instructions: full handshake fetch median %.1f M (%d), resumed median %.1f M (%d)"
              % (statistics.median(full) / 1e6, len(full),
                 statistics.median(resumed) / 1e6 if resumed else 0, len(resumed)))
    print("QEMU wall time: %.1f s for %d fetches (-icount shift=0)" % (wall, len(rows)))
    if failures:
        print(console[-6000:])
        for tag, log in logs.items():
            print("---- server %s ----\n%s" % (tag, log[-3000:]))
        print("FAIL:\n  " + "\n  ".join(failures[:40]))
        return 1
    print("PASS: %d fetches, heap and LwIP back to their start each time" % len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
