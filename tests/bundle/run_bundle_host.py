#!/usr/bin/env python3
"""ctest bundle.host (and bundle.host.valgrind): `iotls bundle` and
`iotls connect --bundle` against real servers on 127.0.0.1.

At test time: 40 roots that serve nobody plus the roots of servers A and B
and an impostor of A (tests/device/bundle_pki.py), and a directory of junk
(text, an empty file, a leaf, a truncated PEM, an Ed25519 root, random DER).
Checks:
  - the bundle from roots.pem + the junk directory: 42 roots, each skip
    reported with its reason, exit 0; the C-array output compiles;
  - connect --bundle to A and B: exit 0, the anchoring root named; to the
    impostor (A's root name, another key): exit 7;
  - a bundle damaged (digest), truncated, or missing: exit 3 with the reason;
  - bundle --for A --for B: exactly A's and B's roots; the result verifies
    both; --for the impostor: exit 7 and no file written;
  - usage errors exit 2; inputs without any certificate exit 3;
  - Debian's store (when present) fits in 52 KB (printed).
With --wrap valgrind every iotls run is under valgrind (leaks fail it)."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "device"))
import bundle_pki  # noqa: E402
import devtest  # noqa: E402

VALGRIND = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--show-leak-kinds=definite,indirect,possible"]
failures = []


def check(cond, what):
    print("%s: %s" % ("ok  " if cond else "FAIL", what), flush=True)
    if not cond:
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iotls", required=True)
    ap.add_argument("--wrap", choices=["none", "valgrind"], default="none")
    args = ap.parse_args()
    wrap = VALGRIND if args.wrap == "valgrind" else []

    def iotls(*argv):
        r = subprocess.run(wrap + [args.iotls, *argv], capture_output=True, text=True,
                           timeout=300)
        return r.returncode, r.stdout, r.stderr

    with tempfile.TemporaryDirectory(prefix="iotls-bundle-") as work:
        pki = bundle_pki.make(work, 40)
        junk = os.path.join(work, "junk")
        os.makedirs(junk)
        with open(os.path.join(junk, "notes.txt"), "w") as f:
            f.write("not a certificate\n")
        open(os.path.join(junk, "empty.pem"), "w").close()
        shutil.copy(pki["a_chain"], os.path.join(junk, "leaf.pem"))   # leaf first: not a CA
        with open(pki["b_root"]) as f:
            text = f.read()
        with open(os.path.join(junk, "truncated.pem"), "w") as f:
            f.write(text[: len(text) // 2] + "\n-----END CERTIFICATE-----\n")
        with open(os.path.join(junk, "random.der"), "wb") as f:
            f.write(b"\x30\x82\x01\x00" + os.urandom(256))
        subprocess.run(["openssl", "req", "-x509", "-nodes", "-newkey", "ed25519", "-days", "30",
                        "-subj", "/CN=ed25519 root", "-keyout", os.path.join(junk, "ed.key"),
                        "-out", os.path.join(junk, "ed25519.pem")],
                       check=True, capture_output=True, timeout=60)

        # a root with name constraints: a bundle record cannot carry them
        subprocess.run(["openssl", "req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-days", "30", "-subj", "/CN=constrained root",
                        "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                        "-addext", "nameConstraints=critical,permitted;DNS:.example.test",
                        "-keyout", os.path.join(junk, "nc.key"),
                        "-out", os.path.join(junk, "nc-root.pem")],
                       check=True, capture_output=True, timeout=60)

        blob = os.path.join(work, "roots.bin")
        rc, out, err = iotls("bundle", "--cacert", pki["roots"], "--capath", junk, "--names",
                             "-v", "-o", blob)
        print(out + err)
        check(rc == 0, "bundle from roots.pem + junk/: exit 0 (got %d)" % rc)
        check(len(re.findall(r"^added ", out, re.M)) == pki["count"] + 1,
              "%d roots added (the chain file's intermediate is a CA too)" % (pki["count"] + 1))
        check(re.search(r"leaf\.pem#1: not a CA", err) is not None, "leaf reported: not a CA")
        check(re.search(r"ed25519\.pem#1: unsupported key type", err) is not None,
              "Ed25519 root reported: unsupported key type")
        check(re.search(r"truncated\.pem#1: (PEM block does not decode|does not parse)", err)
              is not None, "truncated PEM reported")
        check(re.search(r"nc-root\.pem#1: has name constraints", err) is not None,
              "name-constrained root reported: left out")
        check(re.search(r"random\.der#1: does not parse", err) is not None,
              "random DER reported: does not parse")
        check(re.search(r"notes\.txt: no certificate", err) is not None,
              "text file reported: no certificate")
        m = re.search(r"^bundle: (\d+) roots, (\d+) bytes", out, re.M)
        check(m is not None and int(m.group(1)) == pki["count"] + 1, "summary line")

        csrc = os.path.join(work, "roots.c")
        rc, out, err = iotls("bundle", "--cacert", pki["roots"], "--c-array", "iotls_roots",
                             "-o", csrc)
        check(rc == 0, "--c-array: exit 0")
        cc = shutil.which("cc") or shutil.which("gcc")
        if cc:
            r = subprocess.run([cc, "-std=c99", "-Wall", "-Werror", "-c", csrc, "-o",
                                os.path.join(work, "roots.o")], capture_output=True, text=True)
            check(r.returncode == 0, "the C array compiles: " + r.stderr.strip())

        body, _ = devtest.make_body(work, 100)
        servers = {}
        try:
            for tag in ("a", "b", "x"):
                servers[tag] = devtest.Server(pki[tag + "_chain"], pki[tag + "_key"], body, work,
                                              tag)

            def connect(tag, bundle, *extra):
                port = servers[tag].port
                target = "%s:%d" % (bundle_pki.NAME, port)
                return iotls("connect", target, "--resolve",
                             "%s:%d:127.0.0.1" % (bundle_pki.NAME, port), "--bundle", bundle,
                             "-v", *extra)

            rc, out, err = connect("a", blob)
            check(rc == 0, "connect --bundle to A: exit 0 (got %d) %s" % (rc, err[-300:]))
            check('anchored by bundled root' in err and '"%s"' % bundle_pki.ROOT_A in err,
                  "A: the anchoring root named (%s)" % bundle_pki.ROOT_A)
            rc, out, err = connect("b", blob)
            check(rc == 0, "connect --bundle to B: exit 0 (got %d)" % rc)
            check('"%s"' % bundle_pki.ROOT_B in err, "B: the anchoring root named")
            rc, out, err = connect("x", blob)
            check(rc == 7, "connect --bundle to the impostor: exit 7 (got %d)" % rc)
            check("anchored by" not in err, "the impostor: no anchor named")

            with open(blob, "rb") as f:
                data = bytearray(f.read())
            bad = os.path.join(work, "bad.bin")
            data2 = bytearray(data)
            data2[len(data2) // 2] ^= 0x40
            with open(bad, "wb") as f:
                f.write(data2)
            rc, out, err = connect("a", bad)
            check(rc == 3 and "digest mismatch" in out + err,
                  "a damaged bundle: exit 3, digest mismatch (got %d)" % rc)
            with open(bad, "wb") as f:
                f.write(data[:-7])
            rc, out, err = connect("a", bad)
            check(rc == 3 and "truncated" in out + err, "a truncated bundle: exit 3 (got %d)" % rc)
            rc, out, err = connect("a", os.path.join(work, "missing.bin"))
            check(rc == 3, "a missing bundle: exit 3 (got %d)" % rc)

            forb = os.path.join(work, "for.bin")
            rc, out, err = iotls("bundle", "--cacert", pki["roots"], "--names",
                                 "--for", "%s:%d" % (bundle_pki.NAME, servers["a"].port),
                                 "--for", "%s:%d" % (bundle_pki.NAME, servers["b"].port),
                                 "--resolve", "%s:%d:127.0.0.1" % (bundle_pki.NAME, servers["a"].port),
                                 "--resolve", "%s:%d:127.0.0.1" % (bundle_pki.NAME, servers["b"].port),
                                 "-o", forb)
            print(out + err)
            check(rc == 0, "bundle --for A --for B: exit 0 (got %d)" % rc)
            added = re.findall(r"^added .*  (\S.*)$", out, re.M)
            check(sorted(added) == sorted([bundle_pki.ROOT_A, bundle_pki.ROOT_B]),
                  "--for kept exactly A's and B's roots: %s" % added)
            rc, out, err = connect("a", forb)
            check(rc == 0, "the --for bundle verifies A")
            rc, out, err = connect("b", forb)
            check(rc == 0, "the --for bundle verifies B")
            forx = os.path.join(work, "forx.bin")
            rc, out, err = iotls("bundle", "--cacert", pki["roots"],
                                 "--for", "%s:%d" % (bundle_pki.NAME, servers["x"].port),
                                 "--resolve", "%s:%d:127.0.0.1" % (bundle_pki.NAME, servers["x"].port),
                                 "-o", forx)
            check(rc == 7 and not os.path.exists(forx),
                  "bundle --for the impostor: exit 7, nothing written (got %d)" % rc)
        finally:
            for s in servers.values():
                s.stop()

        rc, out, err = iotls("bundle", "--cacert", pki["roots"])
        check(rc == 2, "bundle without -o: exit 2")
        rc, out, err = iotls("bundle", "--hash-bytes", "3", "-o", blob)
        check(rc == 2, "--hash-bytes 3: exit 2")
        rc, out, err = iotls("connect", "example.com", "--system")
        check(rc == 2, "connect --system: exit 2")
        rc, out, err = iotls("bundle", "--capath", os.path.join(work, "nodir"), "-o", blob)
        check(rc == 3, "bundle --capath missing: exit 3 (got %d)" % rc)
        only_junk = os.path.join(work, "junk2")
        os.makedirs(only_junk)
        with open(os.path.join(only_junk, "a.txt"), "w") as f:
            f.write("nothing here\n")
        rc, out, err = iotls("bundle", "--capath", only_junk, "-o", blob)
        check(rc == 3, "bundle of a directory of junk: exit 3 (got %d)" % rc)

        if os.path.exists("/etc/ssl/certs/ca-certificates.crt") and not wrap:
            sysb = os.path.join(work, "system.bin")
            rc, out, err = iotls("bundle", "--system", "-o", sysb)
            m = re.search(r"^bundle: (\d+) roots, (\d+) bytes", out, re.M)
            print("system store: " + (m.group(0) if m else out))
            check(rc == 0 and m is not None and int(m.group(2)) <= 52 * 1024,
                  "the system store's bundle fits in 52 KB")

    if failures:
        print("%d FAILED" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
