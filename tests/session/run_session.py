#!/usr/bin/env python3
"""ctest session.resume (.asan, .valgrind): session resumption against
`openssl s_server` on 127.0.0.1 (free ports, certificates made at test
time), with `iotls connect/get --session FILE`:

  tls13-ticket   s_server -tls1_3: run 1 full (resumed false, FILE written,
                 mode 0600, no temporary left), run 2 resumed (TLS 1.3
                 ticket), run 3 (text) says "resumed      yes (TLS 1.3 ticket)"
  tls12-ticket   s_server -tls1_2: the same with a TLS 1.2 ticket
  tls12-id       s_server -tls1_2 -no_ticket: a TLS 1.2 session ID
  get            iotls get --session against -tls1_3 -WWW: resumed
  refused-keys   a fresh s_server process (new ticket keys) on the same
                 port: exit 0, resumed false, "declined" in the report
  refused-cache  s_server -tls1_2 -no_cache -no_ticket: exit 0, resumed false
  refused-version a TLS 1.3 session, then a TLS 1.2-only server on that
                 port: the resumption offer (TLS 1.3 only) fails, iotls
                 dials again without it: exit 0, TLSv1.2, resumed false
  expired        the saved blob's time moved back past its lifetime (CRC
                 made anew): exit 0, resumed false, no warning; -v says expired
  corrupt        a byte of the blob flipped / text / a directory as FILE:
                 a warning, exit 0, resumed false; the file replaced by a
                 good one afterwards (not for the directory)
  other-host     a blob saved for another port: not offered
  cache          tests/session/cache_client: several connections in one
                 process (the in-process cache, cache off, another SNI,
                 another trust store, an imported blob, a cleared cache)
  usage          --session with verify: exit 2

--wrap valgrind|asan runs the tool (and the cache client) under valgrind or
with the ASan build; --quick runs a subset (for valgrind)."""
import argparse
import os
import re
import select
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "device"))
import devtest  # noqa: E402

NAME = "session.iotls.test"
VALGRIND = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--show-leak-kinds=definite,indirect,possible"]
failures = []


def check(cond, what):
    print("%s: %s" % ("ok  " if cond else "FAIL", what), flush=True)
    if not cond:
        failures.append(what)


class SServer:
    """openssl s_server on 127.0.0.1:port (a free one when port is None);
    ready at its ACCEPT line; stopped by its PID."""

    def __init__(self, openssl, chain, key, args, work, tag, port=None):
        self.log_path = os.path.join(work, "s_server-%s.log" % tag)
        for attempt in range(5):
            self.port = port or devtest.closed_port()
            self.log = open(self.log_path, "a")
            self.proc = subprocess.Popen(
                [openssl, "s_server", "-accept", "127.0.0.1:%d" % self.port, "-cert", chain,
                 "-key", key, "-naccept", "40",
                 *([] if "-WWW" in args else ["-www"]), *args],
                cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.log,
                start_new_session=True)
            if devtest.wait_line(self.proc, "ACCEPT", 10) is not None:
                # Keep the pipe drained, or s_server blocks once it fills.
                self.drain = threading.Thread(target=self._drain,
                                              args=(self.proc.stdout.fileno(),), daemon=True)
                self.drain.start()
                return
            self.stop()
            if port is not None and attempt < 4:
                # the same port again (a restart): it may still be held
                # for a moment by the process just stopped
                select.select([], [], [], 0.2)
        raise RuntimeError("openssl s_server did not start; see %s" % self.log_path)

    @staticmethod
    def _drain(fd):
        try:
            while os.read(fd, 65536):
                pass
        except OSError:
            pass

    def stop(self):
        devtest.stop_process(self.proc)
        # The drainer ends at EOF now that the server is gone: join it before
        # the descriptor is closed and its number can be reused.
        if getattr(self, "drain", None) is not None:
            self.drain.join(timeout=5)
            self.drain = None
        self.proc.stdout.close()
        self.log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iotls", required=True)
    ap.add_argument("--cache-client", required=True)
    ap.add_argument("--wrap", choices=["none", "valgrind", "asan"], default="none")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    wrap = VALGRIND if args.wrap == "valgrind" else []
    openssl = shutil.which("openssl")
    if not openssl:
        raise SystemExit("FAIL: openssl not found (scripts/install-deps installs it)")
    if args.wrap == "valgrind" and not shutil.which("valgrind"):
        raise SystemExit("FAIL: valgrind not found")

    def run(argv, timeout=120):
        r = subprocess.run(wrap + argv, capture_output=True, text=True, timeout=timeout)
        if args.wrap == "asan" and "Sanitizer" in r.stderr:
            check(False, "sanitizer report: %s" % r.stderr[-2000:])
        if r.returncode == 99 and wrap:
            check(False, "valgrind: %s" % r.stderr[-2000:])
        return r.returncode, r.stdout, r.stderr

    with tempfile.TemporaryDirectory(prefix="iotls-session-") as work:
        ca, chain, key = devtest.make_chain(work, "ecdsa", NAME)
        with open(os.path.join(work, "index.html"), "w") as f:
            f.write("hello\n")

        def iotls(cmd, port, session, *extra):
            target = ("https://%s:%d/index.html" % (NAME, port) if cmd == "get"
                      else "%s:%d" % (NAME, port))
            return run([args.iotls, cmd, target, "--resolve", "%s:%d:127.0.0.1" % (NAME, port),
                        "--cacert", ca, "--session", session, *extra])

        def json_of(out):
            import json
            try:
                return json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                return {}

        def pair(label, server_args, kind, cmd="connect"):
            """Runs 1 and 2 (and 3 in text) against one server; returns
            (server, session file)."""
            srv = SServer(openssl, chain, key, server_args, work, label)
            sess = os.path.join(work, label + ".session")
            extra = ["-o", os.path.join(work, label + ".out")] if cmd == "get" else []
            rc, out, err = iotls(cmd, srv.port, sess, "--json", *extra)
            j = json_of(out)
            check(rc == 0 and j.get("resumed") is False,
                  "%s: run 1 exit 0, resumed false (exit %d, resumed %r) %s"
                  % (label, rc, j.get("resumed"), err[-300:]))
            check(os.path.isfile(sess), "%s: session file written" % label)
            if os.path.isfile(sess):
                mode = stat.S_IMODE(os.stat(sess).st_mode)
                check(mode == 0o600, "%s: session file mode 0600 (got %o)" % (label, mode))
            check(not [n for n in os.listdir(work) if ".tmp." in n],
                  "%s: no temporary file left" % label)
            rc, out, err = iotls(cmd, srv.port, sess, "--json", *extra)
            j = json_of(out)
            check(rc == 0 and j.get("resumed") is True,
                  "%s: run 2 exit 0, resumed true (exit %d, resumed %r) %s"
                  % (label, rc, j.get("resumed"), err[-300:]))
            if kind == "TLS 1.3 ticket":
                # psk_dhe_ke: the server answered our key share (psk_ke has none)
                g = (j.get("negotiated") or {}).get("group")
                check(g is not None, "%s: resumed with a key exchange (%s): psk_dhe_ke"
                      % (label, g))
            if cmd == "connect":
                rc, out, err = iotls(cmd, srv.port, sess)
                check(rc == 0 and ("resumed      yes (%s)" % kind) in out,
                      "%s: run 3 says 'resumed      yes (%s)' (exit %d) %s"
                      % (label, kind, rc, out[-400:]))
            return srv, sess

        servers = []
        try:
            # --- resumption of each kind ---
            srv13, sess13 = pair("tls13-ticket", ["-tls1_3"], "TLS 1.3 ticket")
            servers.append(srv13)
            srv12, _ = pair("tls12-id", ["-tls1_2", "-no_ticket"], "TLS 1.2 session ID")
            servers.append(srv12)
            if not args.quick:
                s, _ = pair("tls12-ticket", ["-tls1_2"], "TLS 1.2 ticket")
                servers.append(s)
                s, _ = pair("get", ["-tls1_3", "-WWW"], "TLS 1.3 ticket", cmd="get")
                servers.append(s)

            # --- refusals: a full handshake, silently ---
            port13 = srv13.port
            srv13.stop()
            servers.remove(srv13)
            fresh = SServer(openssl, chain, key, ["-tls1_3"], work, "fresh", port=port13)
            servers.append(fresh)
            rc, out, err = iotls("connect", port13, sess13)
            check(rc == 0 and "resumed      no: the server declined" in out
                  and "warning" not in err,
                  "refused-keys: a fresh server: exit 0, declined, no warning (exit %d) %s%s"
                  % (rc, out[-300:], err[-300:]))
            rc, out, err = iotls("connect", port13, sess13, "--json")
            j = json_of(out)
            check(rc == 0 and j.get("resumed") is True,
                  "refused-keys: the session saved by the full handshake resumes (exit %d, %r)"
                  % (rc, j.get("resumed")))

            if not args.quick:
                nocache = SServer(openssl, chain, key, ["-tls1_2", "-no_cache", "-no_ticket"],
                                  work, "nocache")
                servers.append(nocache)
                sess_nc = os.path.join(work, "nocache.session")
                for i in (1, 2):
                    rc, out, err = iotls("connect", nocache.port, sess_nc, "--json")
                    j = json_of(out)
                    check(rc == 0 and j.get("resumed") is False,
                          "refused-cache: run %d exit 0, resumed false (exit %d, %r)"
                          % (i, rc, j.get("resumed")))

                # a TLS 1.3 session offered to a server now TLS 1.2 only
                fresh.stop()
                servers.remove(fresh)
                down = SServer(openssl, chain, key, ["-tls1_2"], work, "down", port=port13)
                servers.append(down)
                rc, out, err = iotls("connect", port13, sess13, "--json")
                j = json_of(out)
                neg = j.get("negotiated") or {}
                check(rc == 0 and j.get("resumed") is False and neg.get("version") == "TLSv1.2",
                      "refused-version: exit 0, TLSv1.2, resumed false (exit %d, %r, %r) %s"
                      % (rc, neg.get("version"), j.get("resumed"), err[-300:]))

            # --- files: expired, corrupt, unreadable, another host ---
            srv = SServer(openssl, chain, key, ["-tls1_3"], work, "files")
            servers.append(srv)
            good = os.path.join(work, "good.session")
            rc, out, err = iotls("connect", srv.port, good)
            check(rc == 0 and os.path.isfile(good), "files: a session saved")
            with open(good, "rb") as f:
                blob = f.read()

            def variant(name, data):
                p = os.path.join(work, name)
                with open(p, "wb") as f:
                    f.write(data)
                return p

            # expired: received_at moved back by lifetime + 60 s, CRC anew
            life = struct.unpack(">I", blob[16:20])[0]
            at = struct.unpack(">q", blob[8:16])[0] - life - 60
            old = blob[:8] + struct.pack(">q", at) + blob[16:-4]
            old += struct.pack(">I", zlib.crc32(old) & 0xFFFFFFFF)
            p = variant("expired.session", old)
            rc, out, err = iotls("connect", srv.port, p, "--json", "-v")
            j = json_of(out)
            check(rc == 0 and j.get("resumed") is False and "warning" not in err
                  and "expired" in err,
                  "expired: exit 0, resumed false, no warning, -v says expired (exit %d) %s"
                  % (rc, err[-400:]))
            rc, out, err = iotls("connect", srv.port, p, "--json")
            check(rc == 0 and json_of(out).get("resumed") is True,
                  "expired: replaced by a good session that resumes")

            flipped = bytearray(blob)
            flipped[len(blob) // 2] ^= 0x20
            cases = [("corrupt.session", bytes(flipped), "damaged")]
            if not args.quick:
                cases += [("text.session", b"not a session\n", "not an iotls session blob"),
                          ("cut.session", blob[: len(blob) // 3], ""),
                          ("empty.session", b"", "not an iotls session blob")]
            for name, data, words in cases:
                p = variant(name, data)
                rc, out, err = iotls("connect", srv.port, p, "--json")
                j = json_of(out)
                check(rc == 0 and j.get("resumed") is False and "warning" in err and words in err,
                      "%s: warning (%s), exit 0, resumed false (exit %d) %s"
                      % (name, words, rc, err[-300:]))
                with open(p, "rb") as f:
                    check(f.read()[:4] == b"iots", "%s: replaced by a good session" % name)
            if not args.quick:
                d = os.path.join(work, "adir.session")
                os.mkdir(d)
                rc, out, err = iotls("connect", srv.port, d, "--json")
                check(rc == 0 and json_of(out).get("resumed") is False and "warning" in err,
                      "a directory as FILE: warnings, exit 0 (exit %d) %s" % (rc, err[-300:]))

                # a session of another port is not offered there
                p = variant("other.session", blob)
                rc, out, err = iotls("connect", srv12.port, p, "--json", "-v")
                check(rc == 0 and json_of(out).get("resumed") is False and "not offered" in err,
                      "other-host: not offered (exit %d) %s" % (rc, err[-300:]))

            # --- several connections in one process ---
            rc, out, err = run([args.cache_client, ca, NAME, str(srv.port)], timeout=300)
            print(out + err)
            lines = dict((m.group(1), m.group(2)) for m in
                         re.finditer(r"^CONN (\S+) (.*)$", out, re.M))

            def kv(label):
                return dict(w.split("=", 1) for w in lines.get(label, "").split() if "=" in w)

            check(rc == 0, "cache client: exit 0 (got %d)" % rc)
            check(kv("first").get("rc") == "0" and kv("first").get("resumed") == "0",
                  "cache: first connection full")
            check(kv("second").get("resumed") == "1" and
                  "kind=TLS 1.3 ticket" in lines.get("second", ""),
                  "cache: second connection resumed from the cache")
            for label in ("other_sni", "cache_off", "other_conf", "cleared"):
                check(kv(label).get("offered") == "0", "cache: %s: nothing offered" % label)
            check(kv("cache_off").get("rc") == "0", "cache: cache off still connects")
            check("IMPORT ok" in out, "cache: the exported blob imports")
            check(kv("imported").get("resumed") == "1", "cache: the imported blob resumes")

            rc, out, err = run([args.iotls, "verify", chain, "--host", NAME, "--cacert", ca,
                                "--session", good])
            check(rc == 2 and "--session" in err, "usage: --session with verify: exit 2")
        finally:
            for s in servers:
                s.stop()

    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
