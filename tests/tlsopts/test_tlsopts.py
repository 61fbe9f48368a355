#!/usr/bin/env python3
"""TLS options that need values made at test time (docs/tls-options.md):

  keylog   SSLKEYLOGFILE: the lines iotls appends equal those openssl s_server
           writes with -keylogfile for the same connections (as sets; s_server's
           EXPORTER_SECRET aside, which Mbed TLS 3.6 does not export), file 0600
  pin      --pinnedpubkey: the right pin, one of several, a key file (PEM, DER),
           a wrong pin (exit 7, pin_mismatch, both pins shown), and a right pin on
           a chain that does not verify (still rejected)
  mtls     client certificates with an encrypted key (--pass) against
           s_server -Verify 1 -verify_return_error and nginx ssl_verify_client on;
           wrong or missing password and a key of another certificate: exit 3
           before any connection

Each case runs against a server pinned to TLS 1.3 and one pinned to TLS 1.2,
started on 127.0.0.1 on a free port and stopped by its PID (tests/harness/procs.py).
Usage: test_tlsopts.py --iotls PATH --pki DIR [--wrap none|asan|valgrind] [--only NAME]
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "harness"))
import procs  # noqa: E402

VALGRIND = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible"]
HOST = "test.iotls.example"

NGINX_MTLS = """\
    server {{
        listen {listen}:{port} ssl;
        server_name test.iotls.example;
        ssl_certificate {chain};
        ssl_certificate_key {key};
        ssl_client_certificate CA_FILE;
        ssl_verify_client on;
        ssl_verify_depth 2;
        location / {{ return 200 "verify=$ssl_client_verify dn=$ssl_client_s_dn\\n"; }}
    }}
"""


class Failure(Exception):
    pass


class Ctx:
    def __init__(self, a):
        self.iotls = os.path.abspath(a.iotls)
        self.pki = os.path.abspath(a.pki)
        self.wrap = a.wrap
        self.timeout = {"none": 30, "asan": 60, "valgrind": 120}[a.wrap]

    def run(self, args, tmp, env=None):
        cmd = [self.iotls] + args
        if self.wrap == "valgrind":
            cmd = VALGRIND + cmd
        e = dict(os.environ)
        for k in ("SSL_CERT_FILE", "SSL_CERT_DIR", "SSLKEYLOGFILE"):
            e.pop(k, None)
        if self.wrap == "asan":
            e["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=98"
            e["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=98"
        e.update(env or {})
        r = procs.run_client(cmd, e, self.timeout, tmp)
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        if r.timed_out:
            raise Failure("client hung: %s" % " ".join(cmd))
        if r.rc in (98, 99):
            raise Failure("sanitizer/valgrind error (exit %d): %s\n%s" % (r.rc, " ".join(cmd), err))
        return r.rc, out, err

    def target(self, server):
        return ["%s:%d" % (HOST, server.port), "--resolve", "%s:%d:127.0.0.1" % (HOST, server.port)]


def check(cond, what, *logs):
    if not cond:
        raise Failure(what + "".join("\n----- %s" % x for x in logs))


def spki_der(pem_cert_or_key, is_cert=True):
    """The SubjectPublicKeyInfo DER of a certificate (openssl, independent of iotls)."""
    if is_cert:
        pub = subprocess.run(["openssl", "x509", "-in", pem_cert_or_key, "-pubkey", "-noout"],
                             check=True, capture_output=True).stdout
    else:
        pub = open(pem_cert_or_key, "rb").read()
    return subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                          check=True, capture_output=True).stdout


def pin_of(der):
    return "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()


def keylog_lines(path):
    with open(path) as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]


# --- cases -------------------------------------------------------------------------

def case_keylog(x, version, tmp):
    skeys, ckeys = os.path.join(tmp, "server.keys"), os.path.join(tmp, "client.keys")
    srv = {"kind": "s_server", "cert": "ec-leaf", "chain": "ec-int", "args": ["-keylogfile", skeys]}
    s = procs.start_server(srv, x.pki, tmp, version)
    try:
        base = ["connect"] + x.target(s) + ["--cacert", os.path.join(x.pki, "ec-root.pem")]
        # Without SSLKEYLOGFILE nothing is written anywhere.
        rc, out, err = x.run(base, tmp)
        check(rc == 0 and not os.path.exists(ckeys), "no SSLKEYLOGFILE: rc %d, file %s"
              % (rc, os.path.exists(ckeys)), err)
        for round_ in (1, 2):
            rc, out, err = x.run(base + ["-v"], tmp, {"SSLKEYLOGFILE": ckeys})
            check(rc == 0, "connect with SSLKEYLOGFILE: exit %d" % rc, err)
            check("SSLKEYLOGFILE" in err and "WARNING" in err, "no -v warning that keys are logged", err)
    finally:
        s.stop()
    mode = stat.S_IMODE(os.stat(ckeys).st_mode)
    check(mode == 0o600, "key log file mode %o, expected 600" % mode)
    mine = keylog_lines(ckeys)
    theirs = [ln for ln in keylog_lines(skeys) if not ln.startswith("EXPORTER_SECRET ")]
    # Three connections were made; the first without the key log.
    check(len(mine) == len(set(mine)) and set(mine) <= set(theirs),
          "iotls lines not all among s_server's", "\n".join(mine), "\n".join(theirs))
    labels = {"1.3": {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                      "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"},
              "1.2": {"CLIENT_RANDOM"}}[version]
    per_conn = len(labels)
    check(len(mine) == 2 * per_conn, "expected %d lines (2 connections, appended), got %d"
          % (2 * per_conn, len(mine)), "\n".join(mine))
    check({ln.split()[0] for ln in mine} == labels, "labels %s" % sorted({ln.split()[0] for ln in mine}))
    # The two logged connections, compared whole: s_server's lines for the
    # client randoms iotls logged are exactly iotls's.
    randoms = {ln.split()[1] for ln in mine}
    check(len(randoms) == 2, "expected 2 client randoms, got %d" % len(randoms))
    check(set(mine) == {ln for ln in theirs if ln.split()[1] in randoms},
          "iotls's lines differ from s_server's for the same connections",
          "\n".join(sorted(mine)), "\n".join(sorted(theirs)))


def case_pin(x, version, tmp):
    leaf = os.path.join(x.pki, "ec-leaf.pem")
    right = pin_of(spki_der(leaf))
    other = pin_of(spki_der(os.path.join(x.pki, "rsa-leaf.pem")))
    pem = os.path.join(tmp, "leaf-pub.pem")
    der = os.path.join(tmp, "leaf-pub.der")
    with open(pem, "wb") as f:
        f.write(subprocess.run(["openssl", "x509", "-in", leaf, "-pubkey", "-noout"],
                               check=True, capture_output=True).stdout)
    with open(der, "wb") as f:
        f.write(spki_der(pem, is_cert=False))
    srv = {"kind": "s_server", "cert": "ec-leaf", "chain": "ec-int"}
    s = procs.start_server(srv, x.pki, tmp, version)
    try:
        base = ["connect"] + x.target(s) + ["--cacert", os.path.join(x.pki, "ec-root.pem")]
        for pins in (right, other + ";" + right, pem, der):
            rc, out, err = x.run(base + ["--pinnedpubkey", pins], tmp)
            check(rc == 0 and "pinned key" in out, "pin %s: exit %d" % (pins, rc), out, err)
        rc, out, err = x.run(base + ["--pinnedpubkey", other, "--json", "-v"], tmp)
        check(rc == 7, "wrong pin: exit %d, expected 7" % rc, out, err)
        d = json.loads(out)
        check(d["cause"] == "pin_mismatch" and d["stage"] == "verify" and d["exit_code"] == 7,
              "wrong pin: cause %s stage %s" % (d["cause"], d["stage"]), out)
        ev = " ".join(d["evidence"])
        check(right in ev and other in ev, "both pins must be in the evidence", ev)
        check(right in err and other in err, "both pins must be on stderr", err)
        # A resumed handshake shows no key to check: with pins a saved
        # session is not offered, so the second run checks the key again.
        sess = os.path.join(tmp, "pinned.session")
        for i in (1, 2):
            rc, out, err = x.run(base + ["--pinnedpubkey", right, "--session", sess, "--json"], tmp)
            d = json.loads(out)
            check(rc == 0 and d["resumed"] is False,
                  "pin + --session, run %d: exit %d resumed %s" % (i, rc, d["resumed"]), out, err)
        # A pin narrows verification, never replaces it.
        rc, out, err = x.run(["connect"] + x.target(s) + ["--cacert", os.path.join(x.pki, "rsa-root.pem"),
                                                          "--pinnedpubkey", right, "--json"], tmp)
        d = json.loads(out)
        check(rc == 7 and d["cause"] != "pin_mismatch" and d["stage"] in ("verify", "handshake"),
              "right pin, untrusted chain: exit %d cause %s" % (rc, d["cause"]), out)
    finally:
        s.stop()


def enc_key(x, tmp):
    path = os.path.join(tmp, "client-enc.key")
    subprocess.run(["openssl", "pkcs8", "-topk8", "-in", os.path.join(x.pki, "client.key"),
                    "-out", path, "-v2", "aes-256-cbc", "-passout", "pass:s3cret"], check=True,
                   capture_output=True)
    return path


def wait_count(path, needle, n, timeout=15.0):
    """The count of needle in the file at path once it reaches n, polled for
    at most timeout seconds; the count then (which check() will catch)."""
    deadline = time.monotonic() + timeout
    while True:
        with open(path, "rb") as f:
            count = f.read().count(needle)
        if count >= n or time.monotonic() > deadline:
            return count
        time.sleep(0.02)


def case_mtls_s_server(x, version, tmp):
    key = enc_key(x, tmp)
    cert = os.path.join(x.pki, "client.pem")
    srv = {"kind": "s_server", "cert": "ec-leaf", "chain": "ec-int",
           "args": ["-Verify", "1", "-verify_return_error", "-CAfile",
                    os.path.join(x.pki, "ec-root-int.pem")]}
    s = procs.start_server(srv, x.pki, tmp, version)
    try:
        base = ["connect"] + x.target(s) + ["--cacert", os.path.join(x.pki, "ec-root.pem")]
        rc, out, err = x.run(base + ["--cert", cert, "--key", key, "--pass", "s3cret"], tmp)
        check(rc == 0, "encrypted key with --pass: exit %d" % rc, out, err)
        # s_server logs the handshake after our client has gone: wait (bounded)
        # for that line, or a late one would look like a handshake below.
        accepts_before = wait_count(s.out_path, b"CIPHER is", 1)
        for extra, want in ((["--pass", "wrong"], "wrong password"), ([], "--pass")):
            rc, out, err = x.run(base + ["--cert", cert, "--key", key, "-v"] + extra, tmp)
            check(rc == 3 and want in err and "connecting to" not in err,
                  "key %s: exit %d, expected 3 naming %r before connecting" % (extra, rc, want), err)
        rc, out, err = x.run(base + ["--cert", cert, "--key", os.path.join(x.pki, "rogue-client.key"),
                                     "-v"], tmp)
        check(rc == 3 and "not the private key" in err and "connecting to" not in err,
              "mismatched key: exit %d" % rc, err)
        with open(s.out_path, "rb") as f:
            log = f.read()
        check(log.count(b"CIPHER is") == accepts_before,
              "the server saw a handshake from a failed setup", log.decode(errors="replace"))
    finally:
        s.stop()
    check(b"CIPHER is" in log, "s_server shows no completed handshake", log.decode(errors="replace"))


def case_mtls_nginx(x, version, tmp):
    if shutil.which("nginx") is None:
        raise Failure("nginx is not installed (scripts/install-deps)")
    procs.NGINX_SERVERS["iotls-mtls"] = NGINX_MTLS.replace(
        "CA_FILE", os.path.join(x.pki, "ec-root-int.pem"))
    key = enc_key(x, tmp)
    cert = os.path.join(x.pki, "client.pem")
    s = procs.start_server({"kind": "nginx", "config": "iotls-mtls", "cert": "ec-leaf"}, x.pki,
                           tmp, version)
    try:
        url = "https://%s:%d/" % (HOST, s.port)
        base = ["get", url, "--resolve", "%s:%d:127.0.0.1" % (HOST, s.port),
                "--cacert", os.path.join(x.pki, "ec-root.pem")]
        rc, out, err = x.run(base + ["--cert", cert, "--key", key, "--pass", "s3cret"], tmp)
        check(rc == 0 and "verify=SUCCESS" in out and "CN=" in out,
              "nginx ssl_verify_client on with --cert: exit %d" % rc, out, err)
        rc, out, err = x.run(base, tmp)
        check(rc == 0 and "No required SSL certificate" in out,
              "nginx without --cert: exit %d (nginx answers 400 after the handshake)" % rc, out, err)
    finally:
        s.stop()


CASES = {"keylog": case_keylog, "pin": case_pin, "mtls-s-server": case_mtls_s_server,
         "mtls-nginx": case_mtls_nginx}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iotls", required=True)
    ap.add_argument("--pki", required=True)
    ap.add_argument("--wrap", choices=("none", "asan", "valgrind"), default="none")
    ap.add_argument("--only", action="append", choices=sorted(CASES))
    ap.add_argument("--tls", action="append", choices=("1.3", "1.2"))
    a = ap.parse_args()
    for tool in ("openssl",) + (("valgrind",) if a.wrap == "valgrind" else ()):
        if shutil.which(tool) is None:
            print("FAIL: %s is not installed (scripts/install-deps)" % tool)
            return 1
    if not os.path.exists(os.path.join(a.pki, "ec-leaf.pem")):
        print("FAIL: no test PKI in %s (tests/harness/pki.py)" % a.pki)
        return 1
    x = Ctx(a)
    failed = 0
    for name in a.only or sorted(CASES):
        for version in a.tls or ("1.3", "1.2"):
            tmp = tempfile.mkdtemp(prefix="iotls-tlsopts-")
            try:
                CASES[name](x, version, tmp)
                print("ok   %s TLS %s" % (name, version))
                shutil.rmtree(tmp, ignore_errors=True)
            except (Failure, procs.ServerError, subprocess.CalledProcessError, KeyError,
                    ValueError) as e:
                failed += 1
                print("FAIL %s TLS %s: %s\n  (logs kept in %s)" % (name, version, e, tmp))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
