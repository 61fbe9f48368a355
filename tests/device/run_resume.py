#!/usr/bin/env python3
"""ctest device.qemu_resume: session resumption across a reboot of the
firmware (mode=resume, firmware/mps2-an500/app/resume.c), against
`openssl s_server` on 127.0.0.1 (TLS 1.3 on one port, TLS 1.2 on another,
an ECDSA P-256 chain made here), both QEMU runs under -icount:

  run 1 (phase=save)  full handshakes; each session exported and written
                      to a host file through semihosting
  run 2 (phase=load)  a fresh boot reads the files back, imports them
                      (iotls_conf_set_session) and resumes

Asserts: run 1 full (resumed=0) and the blobs written; run 2 imports them
and resumes both (TLS 1.3 ticket, TLS 1.2 ticket) with fewer instructions
than the full handshake, at least the goals: TLS 1.2 10x fewer, TLS 1.3
(psk_dhe_ke: a fresh x25519 exchange) 3x fewer. Prints the ratios and the
heap peaks. The guest dials only 10.0.2.2."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402

GOALS = {"tls12": 10.0, "tls13": 3.0}
KIND = {"tls12": "TLS 1.2 ticket", "tls13": "TLS 1.3 ticket"}


def lines(console):
    out = {}
    for m in re.finditer(r"^RESUME (tls1[23]) (phase=.*)$", console, re.M):
        kv = dict(w.split("=", 1) for w in m.group(2).split() if "=" in w)
        out[m.group(1)] = kv
    return out


def main():
    args, qemu = devtest.parse_args()
    openssl = shutil.which("openssl")
    if not openssl:
        raise SystemExit("openssl not found")
    failures = []
    with tempfile.TemporaryDirectory(prefix="iotls-devresume-") as work:
        ca, chain, key = devtest.make_chain(work, "ecdsa")
        prefix = os.path.join(work, "session")
        servers = {}
        runs = {}
        try:
            servers["tls13"] = devtest.SServer(openssl, ["-cert", chain, "-key", key, "-tls1_3", "-naccept", "20"],
                                               work, "tls13")
            servers["tls12"] = devtest.SServer(openssl, ["-cert", chain, "-key", key, "-tls1_2", "-naccept", "20"],
                                               work, "tls12")
            for phase in ("save", "load"):
                status, console = devtest.run_qemu(
                    qemu, args.firmware,
                    ["mode=resume", "phase=" + phase, "host=" + devtest.SERVER_NAME, "ca=" + ca,
                     "port=%d" % servers["tls13"].port, "port2=%d" % servers["tls12"].port,
                     "session=" + prefix, "seed=" + os.urandom(32).hex()],
                    timeout=args.timeout, icount=True)
                print(console)
                runs[phase] = lines(console)
                if status is None:
                    failures.append("%s: QEMU did not finish within %.0f s" % (phase,
                                                                            args.timeout))
                elif status != 0:
                    failures.append("%s: firmware exit status %d, expected 0" % (phase, status))
                if phase == "save":
                    for label in ("tls13", "tls12"):
                        if not os.path.isfile("%s.%s" % (prefix, label)):
                            failures.append("save: no blob written for %s" % label)
        finally:
            for s in servers.values():
                s.stop()

    print("version  full handshake  resumed        ratio   goal")
    for label in ("tls13", "tls12"):
        full, res = runs.get("save", {}).get(label), runs.get("load", {}).get(label)
        if not full or not res:
            failures.append("%s: no RESUME line (save %s, load %s)" % (label, bool(full),
                                                                       bool(res)))
            continue
        if full.get("rc") != "ok" or full.get("resumed") != "0":
            failures.append("%s save: rc %s resumed %s, expected a full handshake"
                            % (label, full.get("rc"), full.get("resumed")))
        if res.get("import") != "ok":
            failures.append("%s load: the blob was not imported" % label)
        if res.get("rc") != "ok" or res.get("resumed") != "1":
            failures.append("%s load: rc %s resumed %s, expected resumed"
                            % (label, res.get("rc"), res.get("resumed")))
        fi, ri = int(full.get("instructions", 0)), int(res.get("instructions", 0))
        ratio = fi / ri if ri else 0.0
        print("%-8s %14d %14d %7.2fx %5.0fx %s" % (label, fi, ri, ratio, GOALS[label],
                                                  "met" if ratio >= GOALS[label] else "NOT met"))
        print("RATIO %s full=%d resumed=%d ratio=%.2f goal=%.0f heap_full=%s heap_resumed=%s "
              "blob=%s" % (label, fi, ri, ratio, GOALS[label], full.get("heap_peak"),
                           res.get("heap_peak"), full.get("blob")))
        if ri == 0 or ri >= fi:
            failures.append("%s: a resumed handshake must cost fewer instructions (%d vs %d)"
                            % (label, ri, fi))
        if ratio < GOALS[label]:
            failures.append("%s: ratio %.2f below the goal %.0fx" % (label, ratio, GOALS[label]))
    for f in failures:
        print("FAIL:", f)
    print("device resume: %s" % ("PASS" if not failures else "FAIL"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
