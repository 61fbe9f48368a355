#!/usr/bin/env python3
"""ctest hardening.*: runs one hardening driver against a real server.

    run_hardening.py --driver PATH --version 1.3|1.2 [--count N] [--wrap asan]
                     [--max-seconds S] [-- driver arguments...]

At test time: an ECDSA P-256 root -> intermediate -> leaf (IP:127.0.0.1)
made with the openssl command, a page of 1000 bytes, and
`openssl s_server -WWW` pinned to the TLS version, serving the leaf and
the intermediate on a free port of 127.0.0.1 (started, waited for by its
ACCEPT line, stopped by its PID: tests/harness/procs.py). The driver
(alloc_torture or soak, see their headers) is given the root, the page
and the port; its exit status is the test's. A missing openssl or a
server that does not start fails the test.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
import procs  # noqa: E402

DAYS = "30"


def openssl(*argv, cwd):
    subprocess.run(["openssl", *argv], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60)


def make_pki(d):
    """root.pem (the trust store), leaf.pem/.key and int.pem (the server's)."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    with open(os.path.join(d, "ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    with open(os.path.join(d, "leaf.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "authorityKeyIdentifier=keyid\n")
    openssl("req", "-x509", *ec, "-keyout", "root.key", "-out", "root.pem", "-days", DAYS,
            "-subj", "/CN=iotls hardening root", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    for name, issuer, subj, ext in (("int", "root", "/CN=iotls hardening intermediate", "ca.ext"),
                                    ("leaf", "int", "/CN=127.0.0.1", "leaf.ext")):
        openssl("req", "-new", *ec, "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", subj, cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey",
                issuer + ".key", "-CAcreateserial", "-days", DAYS, "-extfile", ext,
                "-out", name + ".pem", cwd=d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--version", choices=["1.3", "1.2"], required=True)
    ap.add_argument("--count", type=int, help="soak: connections")
    ap.add_argument("--max-seconds", type=int, help="soak: bound on the run")
    ap.add_argument("--wrap", choices=["none", "asan"], default="none")
    ap.add_argument("--timeout", type=int, default=600, help="watchdog on the driver, s")
    ap.add_argument("extra", nargs="*", help="more driver arguments (after --)")
    a = ap.parse_args()
    if a.max_seconds is not None:
        a.timeout = max(a.timeout, a.max_seconds + 120)  # the driver's own bound first
    if shutil.which("openssl") is None:
        print("FAIL: openssl not found (scripts/install-deps installs it)")
        return 1

    with tempfile.TemporaryDirectory(prefix="iotls-hardening-") as d:
        make_pki(d)
        with open(os.path.join(d, "page.txt"), "wb") as f:
            f.write(bytes((i * 7 + 3) % 251 for i in range(1000)))
        srv = {"kind": "s_server", "cert": "leaf", "chain": "int", "args": ["-WWW"]}
        try:
            server = procs.start_server(srv, d, d, a.version)
        except procs.ServerError as e:
            print("FAIL: server: %s" % e)
            return 1
        cmd = [a.driver, "--port", str(server.port), "--ca", os.path.join(d, "root.pem"),
               "--page", os.path.join(d, "page.txt"), "--version", a.version]
        if a.count is not None:
            cmd += ["--count", str(a.count)]
        if a.max_seconds is not None:
            cmd += ["--max-seconds", str(a.max_seconds)]
        cmd += a.extra
        env = dict(os.environ)
        if a.wrap == "asan":
            # Full stacks for every block (Mbed TLS is built without frame
            # pointers), so the one known Mbed TLS leak is suppressed by the
            # function it is made in, and nothing else.
            env["ASAN_OPTIONS"] = ("detect_leaks=1:abort_on_error=0:exitcode=98:"
                                   "fast_unwind_on_malloc=0")
            env["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=1" % os.path.join(
                HERE, "lsan.supp")
            env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=98"
        print(" ".join(cmd), flush=True)
        try:
            rc = subprocess.run(cmd, env=env, timeout=a.timeout).returncode
        except subprocess.TimeoutExpired:
            print("FAIL: driver still running after %d s" % a.timeout)
            rc = 1
        finally:
            server.stop()
        if rc != 0:
            with open(server.err_path, "rb") as f:
                tail = f.read()[-3000:].decode("utf-8", "replace")
            print("----- server stderr (last 3000 bytes) -----\n" + tail)
            print("FAIL: driver exit status %d" % rc)
            return 1
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print("PASS (CPU of the driver, the server and the PKI: %.1f s)" % (ru.ru_utime + ru.ru_stime))
    return 0


if __name__ == "__main__":
    sys.exit(main())
