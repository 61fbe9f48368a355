#!/usr/bin/env python3
"""ctest device.qemu_versions: the firmware's default offer (TLS 1.3 and
1.2) against `openssl s_server` on 127.0.0.1, one server per version and
certificate type, each limited to its version (-tls1_3 / -tls1_2):

  ecdsa_tls13, ecdsa_tls12   ECDSA P-256 chain
  rsa_tls13, rsa_tls12       RSA-2048 chain (TLS 1.3 needs rsa_pss_rsae_*)

Asserts, per server, the version the device negotiated (its VERSION line),
that s_server's own page (-www) reports the same version, that the page
arrived and ended with close_notify, and for RSA over TLS 1.3 that the
server signed with RSA-PSS. The guest dials only 10.0.2.2."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402

EXPECT = [  # label, chain, s_server version flag, version the device must report
    ("ecdsa_tls13", "ecdsa", "tls1_3", "TLSv1.3"),
    ("ecdsa_tls12", "ecdsa", "tls1_2", "TLSv1.2"),
    ("rsa_tls13", "rsa", "tls1_3", "TLSv1.3"),
    ("rsa_tls12", "rsa", "tls1_2", "TLSv1.2"),
]


def main():
    args, qemu = devtest.parse_args()
    openssl = shutil.which("openssl")
    if not openssl:
        raise SystemExit("openssl not found")

    with tempfile.TemporaryDirectory(prefix="iotls-devver-") as work:
        chains = {kind: devtest.make_chain(work, kind) for kind in ("ecdsa", "rsa")}
        servers = {}
        try:
            for label, kind, flag, _ in EXPECT:
                _, chain, key = chains[kind]
                servers[label] = devtest.SServer(openssl, ["-cert", chain, "-key", key, "-" + flag, "-no_dhe"],
                                                 work, label)
            status, console = devtest.run_qemu(
                qemu, args.firmware,
                ["mode=versions", "host=" + devtest.SERVER_NAME,
                 "ca=" + chains["ecdsa"][0], "ca2=" + chains["rsa"][0],
                 "port=%d" % servers["ecdsa_tls13"].port,
                 "port2=%d" % servers["ecdsa_tls12"].port,
                 "port3=%d" % servers["rsa_tls13"].port,
                 "port4=%d" % servers["rsa_tls12"].port,
                 "seed=" + os.urandom(32).hex()],
                timeout=args.timeout)
        finally:
            logs = {label: s.stop() for label, s in servers.items()}

    print(console)
    failures = []
    if status is None:
        failures.append("QEMU did not finish within %.0f s" % args.timeout)
    elif status != 0:
        failures.append("firmware exit status %d, expected 0" % status)
    for label, _, _, version in EXPECT:
        m = re.search(r"^VERSION %s (.*)$" % label, console, re.M)
        if m is None:
            failures.append("%s: no VERSION line" % label)
            continue
        kv = dict(w.split("=", 1) for w in m.group(1).split() if "=" in w)
        if "failed" in kv:
            failures.append("%s: connection failed: %s" % (label, kv["failed"]))
            continue
        if kv.get("version") != version:
            failures.append("%s: negotiated %s, expected %s" % (label, kv.get("version"), version))
        if kv.get("server_says") != version:
            failures.append("%s: s_server reports %s, expected %s"
                            % (label, kv.get("server_says"), version))
        if kv.get("http") != "200" or kv.get("end") != "close_notify":
            failures.append("%s: page %s, ended %s" % (label, kv.get("http"), kv.get("end")))
        if label == "rsa_tls13" and not kv.get("sig_alg", "").startswith("rsa_pss_"):
            failures.append("%s: server signed with %s, expected rsa_pss_*"
                            % (label, kv.get("sig_alg")))
    if not re.search(r"^versions: PASS", console, re.M):
        failures.append("no PASS verdict")
    if failures:
        for label, log in logs.items():
            print("---- s_server %s ----\n%s" % (label, log))
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print("PASS: device TLS 1.3 and TLS 1.2 against openssl s_server")
    return 0


if __name__ == "__main__":
    sys.exit(main())
