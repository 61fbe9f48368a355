#!/usr/bin/env python3
"""ctest device.qemu_psk: external pre-shared keys on the device
(mode=psk, firmware/mps2-an500/app/psk.c), under QEMU -icount, against
`openssl s_server` on 127.0.0.1:

  cert13  s_server -tls1_3 with an ECDSA P-256 chain made here
  psk13   s_server -nocert -psk KEY -psk_identity ID -tls1_3
  psk12   s_server -nocert -psk KEY -psk_identity ID -tls1_2
          -cipher ECDHE-PSK-CHACHA20-POLY1305 (the device's TLS 1.2 PSK suite)
  bad13, bad12  the same PSK servers, the device holding another key

Asserts: cert13, psk13 and psk12 fetch the page (HTTP 200) with the
protocol asked for; bad13 and bad12 fail with cause psk_mismatch. Prints
the instructions and peak heap of each handshake, PSK vs certificate.
Key, identity and wrong key are random per run. The guest dials only
10.0.2.2."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402


def lines(console):
    out = {}
    for m in re.finditer(r"^PSK (\w+) (rc=.*)$", console, re.M):
        out[m.group(1)] = dict(w.split("=", 1) for w in m.group(2).split() if "=" in w)
    return out


def main():
    args, qemu = devtest.parse_args()
    openssl = shutil.which("openssl")
    if not openssl:
        raise SystemExit("openssl not found")
    key, bad = os.urandom(32).hex(), os.urandom(32).hex()
    identity = "device-" + os.urandom(4).hex()
    psk = ["-nocert", "-psk", key, "-psk_identity", identity]
    failures = []
    with tempfile.TemporaryDirectory(prefix="iotls-devpsk-") as work:
        ca, chain, ckey = devtest.make_chain(work, "ecdsa")
        servers = []
        try:
            cert13 = devtest.SServer(openssl, ["-cert", chain, "-key", ckey, "-tls1_3"], work, "cert13")
            servers.append(cert13)
            psk13 = devtest.SServer(openssl, psk + ["-tls1_3"], work, "psk13")
            servers.append(psk13)
            psk12 = devtest.SServer(openssl, psk + ["-tls1_2", "-cipher", "ECDHE-PSK-CHACHA20-POLY1305"],
                            work, "psk12")
            servers.append(psk12)
            status, console = devtest.run_qemu(
                qemu, args.firmware,
                ["mode=psk", "host=" + devtest.SERVER_NAME, "ca=" + ca,
                 "port=%d" % cert13.port, "port2=%d" % psk13.port, "port3=%d" % psk12.port,
                 "psk=" + key, "pskid=" + identity, "badpsk=" + bad,
                 "seed=" + os.urandom(32).hex()],
                timeout=args.timeout, icount=True)
        finally:
            for s in servers:
                s.stop()
    print(console)
    if status is None:
        failures.append("QEMU did not finish within %.0f s" % args.timeout)
    elif status != 0:
        failures.append("firmware exit status %d, expected 0" % status)
    got = lines(console)
    want = {"cert13": "TLSv1.3", "psk13": "TLSv1.3", "psk12": "TLSv1.2"}
    for label, version in want.items():
        r = got.get(label)
        if r is None:
            failures.append("%s: no PSK line" % label)
        elif r.get("rc") != "ok" or r.get("http") != "1" or r.get("version") != version:
            failures.append("%s: rc %s http %s version %s, expected ok, 200, %s"
                            % (label, r.get("rc"), r.get("http"), r.get("version"), version))
    for label in ("bad13", "bad12"):
        r = got.get(label)
        if r is None:
            failures.append("%s: no PSK line" % label)
        elif r.get("rc") == "ok" or r.get("cause") != "psk_mismatch":
            failures.append("%s: rc %s cause %s, expected a failure with cause psk_mismatch"
                            % (label, r.get("rc"), r.get("cause")))
    c = got.get("cert13", {})
    for label in ("psk13", "psk12"):
        r = got.get(label, {})
        ci, pi = int(c.get("instructions", 0)), int(r.get("instructions", 0))
        print("COST %s instructions=%d heap_peak=%s vs cert13 instructions=%d heap_peak=%s "
              "(%.2fx fewer instructions)" % (label, pi, r.get("heap_peak"), ci,
                                              c.get("heap_peak"), ci / pi if pi else 0.0))
    for f in failures:
        print("FAIL:", f)
    print("device psk: %s" % ("PASS" if not failures else "FAIL"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
