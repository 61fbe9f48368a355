#!/usr/bin/env python3
"""ctest device.qemu_bundle: the device root bundle in QEMU (mode=bundle,
firmware/mps2-an500/app/bundle.c).

At test time: 40 roots that serve nobody plus the roots of two servers
(bundle_pki.py), made into a bundle by the host's `iotls bundle` (--names),
appended to Debian's store when there is one (so that the server's root is
one of ~180, as on a product). Three TLS servers on 127.0.0.1: A (RSA root
-> intermediate -> leaf), B (P-384 root -> leaf) and an impostor whose root
has A's root's name but another key. The firmware, with the bundle as its
only trust, must refuse the bundle damaged or truncated, verify A and B and
name the bundled root that anchored each, refuse the impostor with
not_trusted, and leak nothing. The figures (blob check, hook RAM against
one parsed key, heap peaks with the bundle and with a one-root store,
instructions under -icount) are printed for docs/bundle.md."""
import os
import re
import sys
import tempfile
import subprocess

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bundle_pki  # noqa: E402
import devtest  # noqa: E402

CHECKS = ["bundle_corrupt_refused", "bundle_truncated_refused", "bundle_accepted",
          "bundle_reference_ok", "bundle_server1_ok", "bundle_server2_ok",
          "bundle_unbundled_refused", "bundle_no_leak", "bundle_inter_loaded",
          "bundle_root_loaded", "bundle_hook_anchors", "bundle_hook_no_leak",
          "bundle_reference_verify"]
SYSTEM_STORE = "/etc/ssl/certs/ca-certificates.crt"


def main():
    ap_args = sys.argv[1:]
    iotls = None
    if "--iotls" in ap_args:
        i = ap_args.index("--iotls")
        iotls = ap_args[i + 1]
        del sys.argv[i + 1: i + 3]
    args, qemu = devtest.parse_args()
    if not iotls or not os.access(iotls, os.X_OK):
        print("FAIL: --iotls TOOL (the host's iotls, to build the bundle) is required")
        return 1

    with tempfile.TemporaryDirectory(prefix="iotls-devbundle-") as work:
        pki = bundle_pki.make(work, 40)
        inputs = ["--cacert", pki["roots"]]
        if os.path.exists(SYSTEM_STORE):
            inputs += ["--system"]
        blob = os.path.join(work, "roots.bin")
        b = subprocess.run([iotls, "bundle", *inputs, "--names", "-o", blob],
                           capture_output=True, text=True, timeout=120)
        print(b.stdout.splitlines()[-1] if b.stdout else "", flush=True)
        if b.returncode != 0:
            print("FAIL: iotls bundle exited %d: %s" % (b.returncode, b.stderr))
            return 1
        body, _ = devtest.make_body(work, 100)
        servers = []
        try:
            for tag in ("a", "b", "x"):
                servers.append(devtest.Server(pki[tag + "_chain"], pki[tag + "_key"], body, work,
                                              tag))
            status, console = devtest.run_qemu(
                qemu, args.firmware,
                ["mode=bundle", "host=" + devtest.SERVER_NAME,
                 "port=%d" % servers[0].port, "port2=%d" % servers[1].port,
                 "port3=%d" % servers[2].port, "ca=" + pki["a_root"], "inter=" + pki["a_int"],
                 "bundle=" + blob, "seed=" + "5a" * 32],
                args.timeout, icount=True)
        finally:
            logs = [s.stop() for s in servers]
        sys.stdout.write(console)
        failures = []
        if status != 0:
            failures.append("firmware exit status %r" % status)
        for name in CHECKS:
            if not re.search(r"^CHECK %s: ok" % name, console, re.M):
                failures.append("check %s did not pass" % name)
        anchors = dict(re.findall(r'^BUNDLE_ANCHOR (\w+) index=\d+ name="([^"]*)"', console, re.M))
        if anchors.get("server1") != bundle_pki.ROOT_A:
            failures.append("server A anchored by %r, not %r" % (anchors.get("server1"),
                                                                 bundle_pki.ROOT_A))
        if anchors.get("server2") != bundle_pki.ROOT_B:
            failures.append("server B anchored by %r" % anchors.get("server2"))
        if "unbundled" in anchors:
            failures.append("the impostor was anchored")
        if not re.search(r"^BUNDLE_CONN unbundled .*result=verify ", console, re.M):
            failures.append("the impostor did not fail verification")
        # the impostor's server saw the handshake fail on our side
        if "handshake failed" not in logs[2] and "connection error" not in logs[2]:
            failures.append("the impostor's server saw no failed handshake")
        for f in failures:
            print("FAIL: " + f)
        if failures:
            return 1
        print("PASS: the bundle anchors A and B and refuses the impostor")
        return 0


if __name__ == "__main__":
    sys.exit(main())
