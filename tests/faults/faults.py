#!/usr/bin/env python3
"""ctest faults.tls13 / faults.tls12: fault injection in the server's
handshake flight, through a TCP proxy between iotls and openssl s_server.

The proxy (in this process, one thread per connection) counts the bytes of
the server->client stream. For every position k of the server's handshake
flight (every byte for the first 300, then every 16th) one run each:
  close   k bytes delivered, then FIN (the proxy keeps reading the client)
  flip    byte k delivered with bit k % 8 inverted, the rest as is
  reset   k bytes delivered, then RST (SO_LINGER 0)
  stall   k bytes delivered, then nothing; the connection stays open
and one run `split` with every server byte in a segment of its own
(TCP_NODELAY, one send() per byte), which must succeed.

The flight is measured first (three clean handshakes, the shortest kept):
the server bytes the proxy delivered before the client sent its first
record of content type 21 (alert) or 23 (application data). In TLS 1.3 that
record is the client's Finished (encrypted, outer type 23), and the server
sends nothing more before it has it; in TLS 1.2 it is the client's
close_notify, after the server's NewSessionTicket, ChangeCipherSpec and
Finished. A run that ends with exit 0 while k lay beyond the flight of its
own connection (an ECDSA signature can be a byte shorter than in the
measurement) is made again, at most twice; so is a stall whose -m ran out
before byte k arrived (a loaded machine), with -m doubled.

Every run must end within its bound with a failure that the fault explains
(ALLOWED below), no sanitizer report on stderr (the ASan+UBSan build, leaks
detected), no signal, and the JSON contract (one line, exit_code = exit).
A flip that ends with exit 0 is listed apart: it passes only where the
flipped field is one the protocol says to ignore (HARMLESS_FLIPS), and the
summary names each such run.

The summary (per fault kind: runs, outcomes) is printed and written to
OUT/faults-tlsVER.md; every run, as JSON lines, to OUT/faults-tlsVER.jsonl.
Servers are started here and stopped by their PID.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import queue
import re
import resource
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

NAME = "faults.iotls.example"
KINDS = ("close", "flip", "reset", "stall", "split")
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                       r"runtime error:|MemorySanitizer")
HS_NAMES = {0: "hello_request", 1: "client_hello", 2: "server_hello", 4: "new_session_ticket",
            8: "encrypted_extensions", 11: "certificate", 12: "server_key_exchange",
            13: "certificate_request", 14: "server_hello_done", 15: "certificate_verify",
            20: "finished"}

# What each fault may end in: (exit code, error, cause) as iotls --json
# reports them. "*" matches any value of that field.
ALLOWED = {
    # The server's bytes stop with a FIN: an EOF during the handshake.
    "close": {(6, "peer_closed", "peer_closed")},
    # RST: reset during the handshake.
    "reset": {(6, "reset", "connection_reset")},
    # Nothing more comes: the handshake's bound (-m) ends it.
    "stall": {(6, "handshake_timeout", "handshake_timeout")},
    # Corrupted bytes: a record or message Mbed TLS refuses (decode error,
    # bad MAC, unexpected message, illegal parameter: error "handshake",
    # cause unknown or what the refused field points to), the server's
    # alert when it is the server that notices (TLS 1.2: our Finished does
    # not match its transcript), a certificate that no longer verifies or
    # names someone else, a length made larger (the client waits: timeout)
    # or too large, a first record that no longer looks like TLS, a
    # version field changed into one we do not speak.
    "flip": {(6, "handshake", "*"), (6, "alert_received", "*"),
             (6, "handshake_timeout", "handshake_timeout"),
             (6, "record_too_large", "record_too_large"),
             (6, "not_tls", "not_tls"), (6, "protocol_version", "*"),
             (6, "peer_closed", "peer_closed"),
             (7, "verify", "*")},
    "split": {(0, None, None)},
}
# How far past its -m iotls may finish by its own clock (timings_ms.total).
# The tool computes what is left of -m before iotls_conn_setup() (RNG
# seeding, Mbed TLS setup) and does not count that setup: on a loaded
# machine it took up to 1.1 s (cli/session.c, reported, not fixed here). The process itself (ASan's start and leak
# check included) is killed as hung at -m + --slack.
OVERRUN_MS = 2500
# Any bit of an encrypted record's body: the AEAD tag no longer matches.
BAD_MAC = "-0x7180"  # MBEDTLS_ERR_SSL_INVALID_MAC
# Flips that may end in exit 0, and why. The version field of a plaintext
# record is authenticated by nothing (the Finished messages cover the
# handshake messages, not record headers) and used for nothing: the
# version comes from the ServerHello. RFC 8446 5.1 says to ignore it
# ("MUST be ignored for all purposes"); Mbed TLS refuses only a version
# above its maximum, so a flip that lowers it is accepted, in both versions.
HARMLESS_FLIPS = {"record version": "plaintext record's version field: unauthenticated, "
                                    "unused, accepted by Mbed TLS when not above 3.4"}


def log(*a):
    print(*a, flush=True)


class Failure(Exception):
    pass


# ---------------------------------------------------------------- PKI, server

def openssl(*args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise Failure("openssl %s failed: %s" % (" ".join(args[:2]), r.stderr.strip()))


def make_pki(d):
    """An ECDSA P-256 root and a leaf for NAME and 127.0.0.1."""
    with open(os.path.join(d, "leaf.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,IP:127.0.0.1\n" % NAME)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "root.key", "-out", "root.pem", "-days", "30",
            "-subj", "/CN=iotls faults root", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    openssl("req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=" + NAME, cwd=d)
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key",
            "-CAcreateserial", "-days", "30", "-extfile", "leaf.ext", "-out", "leaf.pem", cwd=d)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """openssl s_server pinned to one TLS version; serves one connection at
    a time, so each lane of runs gets its own."""

    def __init__(self, work, version, tag):
        self.proc = None
        for attempt in range(3):
            self.port = free_port()
            err = os.path.join(work, "server-%s-%d.stderr" % (tag, attempt))
            self.err_path = err
            cmd = ["openssl", "s_server", "-accept", "127.0.0.1:%d" % self.port,
                   "-cert", os.path.join(work, "leaf.pem"), "-key", os.path.join(work, "leaf.key"),
                   "-no-CAfile", "-no-CApath", "-no-CAstore",
                   "-tls1_3" if version == "1.3" else "-tls1_2"]
            self.cmd = cmd
            with open(err, "wb") as ef:
                # stdin stays an open pipe: s_server quits on EOF there.
                self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=ef, start_new_session=True)
            self.ready = threading.Event()
            threading.Thread(target=self._drain, daemon=True).start()
            # The ACCEPT line, or the process's end (then stdout hits EOF).
            if self.ready.wait(15) and self.proc.poll() is None:
                return
            self.stop()
            with open(err, "rb") as ef:
                text = ef.read().decode("utf-8", "replace")
            if "in use" not in text:
                raise Failure("s_server did not start (%s): %s" % (" ".join(cmd), text[-500:]))
        raise Failure("s_server: no free port after 3 attempts")

    def _drain(self):
        # Read stdout to its end so s_server never blocks on a full pipe.
        for line in self.proc.stdout:
            if line.startswith(b"ACCEPT"):
                self.ready.set()
        self.ready.set()

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


# ---------------------------------------------------------------- the proxy

def records(stream):
    """(offset, type, length) of each complete or started record."""
    out, off = [], 0
    while off + 5 <= len(stream):
        ln = stream[off + 3] << 8 | stream[off + 4]
        out.append((off, stream[off], ln))
        off += 5 + ln
    return out


def locate(stream, k):
    """Where byte k of the server's stream lies: 'record type', 'record
    version', 'record length' (prefixed 'protected ' in an encrypted
    record), 'ccs body', 'encrypted body' or the plaintext handshake
    message ('certificate', ...)."""
    encrypted = False
    hs = []  # stream offsets of the plaintext handshake payload
    where = None
    for off, typ, ln in records(stream):
        if off <= k < off + 5:
            # A protected record's header is its AEAD's additional data.
            where = ("protected " if typ == 23 or encrypted else "") + (
                "record type", "record version", "record version",
                "record length", "record length")[k - off]
            break
        if typ == 20:
            if off + 5 <= k < off + 5 + ln:
                where = "ccs body"
                break
            encrypted = True
        elif typ == 23 or encrypted:
            if off + 5 <= k < off + 5 + ln:
                where = "encrypted body"
                break
        elif typ == 22:
            end = min(off + 5 + ln, len(stream))
            hs.extend(range(off + 5, end))
            if off + 5 <= k < end:
                break
        elif off + 5 <= k < off + 5 + ln:
            where = "type %d body" % typ
            break
    if where is not None:
        return where
    # k is in a plaintext handshake record: name its message.
    i = 0
    while i + 4 <= len(hs):
        mlen = stream[hs[i + 1]] << 16 | stream[hs[i + 2]] << 8 | stream[hs[i + 3]]
        if k in hs[i:i + 4 + mlen]:
            return HS_NAMES.get(stream[hs[i]], "handshake type %d" % stream[hs[i]])
        i += 4 + mlen
    return "beyond"


class ClientGone(Exception):
    pass


def to_client(op, *a):
    """A call on the client's socket; the client may be gone already (it
    failed and closed, or reset): that ends the session, it is no error."""
    try:
        return op(*a)
    except OSError as e:
        raise ClientGone() from e


class Session(threading.Thread):
    """One client connection: relays to the server and applies the fault to
    the server->client bytes. Bounded by `deadline` (monotonic)."""

    def __init__(self, server_port, kind, k, deadline):
        super().__init__(daemon=True)
        self.server_port, self.kind, self.k, self.deadline = server_port, kind, k, deadline
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(1)
        self.port = self.lsock.getsockname()[1]
        self.orig = bytearray()       # the server's bytes, as it sent them
        self.delivered = 0            # bytes sent on to the client
        self.c2s = bytearray()        # the client's bytes
        self.c2s_next = 0             # offset of its next record header
        self.flight_end = None        # delivered when the client sent type 21/23
        self.applied = False
        self.error = None
        self.stop_flag = threading.Event()

    def left(self):
        return self.deadline - time.monotonic()

    def run(self):
        cli = up = None
        try:
            self.lsock.settimeout(max(self.left(), 0.01))
            cli, _ = self.lsock.accept()
            up = socket.create_connection(("127.0.0.1", self.server_port),
                                          timeout=max(self.left(), 0.01))
            if self.kind == "split":
                cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.relay(cli, up)
        except ClientGone:
            pass  # the client closed or reset first: its exit tells why
        except Exception as e:  # reported with the run
            self.error = "%s: %s" % (type(e).__name__, e)
        finally:
            for s in (self.lsock, cli, up):
                if s is not None:
                    s.close()

    def scan_client(self, data):
        self.c2s += data
        while self.c2s_next < len(self.c2s):
            off = self.c2s_next
            if self.flight_end is None and self.c2s[off] in (21, 23):
                self.flight_end = self.delivered
            if off + 5 > len(self.c2s):
                return
            self.c2s_next = off + 5 + (self.c2s[off + 3] << 8 | self.c2s[off + 4])

    def relay(self, cli, up):
        cli.settimeout(5)
        up.settimeout(5)
        sel = selectors.DefaultSelector()
        sel.register(cli, selectors.EVENT_READ, "cli")
        sel.register(up, selectors.EVENT_READ, "up")
        draining = False  # after close/stall: read the client, send nothing
        up_open = True
        while not self.stop_flag.is_set():
            t = self.left()
            if t <= 0:
                return
            for key, _ in sel.select(min(t, 0.5)):
                if key.data == "cli":
                    data = to_client(cli.recv, 65536)
                    if not data:
                        return  # the client is gone: the run is over
                    if draining:
                        continue
                    self.scan_client(data)
                    if up_open:
                        try:
                            up.sendall(data)
                        except OSError:
                            # the server closed first (after its alert)
                            up_open = False
                else:
                    try:
                        data = up.recv(65536)
                    except ConnectionError:
                        data = b""
                    if not data:
                        sel.unregister(up)
                        up_open = False
                        to_client(cli.shutdown, socket.SHUT_WR)
                        continue
                    start = len(self.orig)
                    self.orig += data
                    if self.kind in ("close", "reset", "stall"):
                        cut = max(0, min(len(data), self.k - start))
                        if cut:
                            to_client(cli.sendall, data[:cut])
                            self.delivered += cut
                        if start + len(data) > self.k:
                            self.applied = True
                            if self.kind == "reset":
                                cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                                return
                            sel.unregister(up)
                            up.close()  # frees the server for the next run
                            up_open = False
                            if self.kind == "close":
                                to_client(cli.shutdown, socket.SHUT_WR)
                            draining = True
                    elif self.kind == "flip":
                        if start <= self.k < start + len(data):
                            data = bytearray(data)
                            data[self.k - start] ^= 1 << (self.k % 8)
                            self.applied = True
                        to_client(cli.sendall, data)
                        self.delivered += len(data)
                    elif self.kind == "split":
                        for i in range(len(data)):
                            to_client(cli.sendall, data[i:i + 1])
                            self.delivered += 1
                    else:
                        to_client(cli.sendall, data)
                        self.delivered += len(data)


# ---------------------------------------------------------------- one run

class Runner:
    def __init__(self, args, work):
        self.iotls = os.path.abspath(args.iotls)
        self.work = work
        self.root = os.path.join(work, "root.pem")
        self.env = dict(os.environ)
        opts = self.env.get("ASAN_OPTIONS", "")
        self.env["ASAN_OPTIONS"] = (opts + ":" if opts else "") + "detect_leaks=1"
        self.env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        self.slack = args.slack

    def run(self, server, kind, k, max_time):
        bound = max_time + self.slack
        sess = Session(server.port, kind, k, time.monotonic() + bound + 5)
        sess.start()
        host = "%s:%d" % (NAME, sess.port)
        cmd = [self.iotls, "connect", host, "--resolve", "%s:127.0.0.1" % host,
               "--cacert", self.root, "--json", "-m", "%g" % max_time]
        t0 = time.monotonic()
        rec = {"kind": kind, "k": k, "cmd": " ".join(cmd)}
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=bound, env=self.env)
            rec["exit"] = p.returncode
            out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            rec["exit"] = None
            out = (e.stdout or b"").decode("utf-8", "replace")
            err = (e.stderr or b"").decode("utf-8", "replace")
        rec["secs"] = round(time.monotonic() - t0, 3)
        sess.stop_flag.set()
        sess.join(10)
        rec["proxy_error"] = sess.error if sess.error else ("proxy still running"
                                                             if sess.is_alive() else None)
        rec["applied"] = sess.applied
        rec["flight_end"] = sess.flight_end
        rec["server_bytes"] = len(sess.orig)
        if kind == "flip" and k < len(sess.orig):
            rec["where"] = locate(bytes(sess.orig), k)
        rec["stderr_tail"] = err[-1500:]
        rec["sanitizer"] = bool(SANITIZER.search(err))
        rec["json"] = None
        lines = [x for x in out.splitlines() if x.strip()]
        if len(lines) == 1:
            try:
                rec["json"] = json.loads(lines[0])
            except ValueError:
                pass
        j = rec["json"] or {}
        rec["error"], rec["cause"] = j.get("error"), j.get("cause")
        rec["mbedtls"] = j.get("mbedtls_code_hex")
        rec["max_time"] = max_time
        rec["total_ms"] = (j.get("timings_ms") or {}).get("total")
        return rec


# Mbed TLS codes by name (ssl.h, ecp.h), and the families of the rest.
MBEDTLS_NAMES = {0x7180: "bad_mac", 0x7300: "decode_error", 0x7200: "invalid_record",
                 0x7700: "unexpected_message", 0x6600: "illegal_parameter",
                 0x6E00: "handshake_failure", 0x7100: "bad_input_data",
                 0x7080: "feature_unavailable", 0x7A00: "bad_certificate",
                 0x4E00: "ecp_verify_failed", 0x4C80: "ecp_invalid_key"}
MBEDTLS_FAMILIES = ((0x2000, 0x2FFF, "x509"), (0x3800, 0x3FFF, "pk"), (0x4A00, 0x4FFF, "ecp"),
                    (0x0060, 0x007F, "asn1"))


def mbedtls_label(hexcode):
    code = -int(hexcode, 16)
    if code in MBEDTLS_NAMES:
        return MBEDTLS_NAMES[code]
    for lo, hi, family in MBEDTLS_FAMILIES:
        if lo <= code <= hi:
            return family
    return hexcode


def outcome(rec):
    if rec["exit"] is None:
        return "hang (killed)"
    if rec["exit"] < 0:
        return "signal %d" % -rec["exit"]
    if rec["exit"] == 0:
        return "0 ok"
    s = "%d %s/%s" % (rec["exit"], rec["error"], rec["cause"])
    if rec["error"] == "handshake" and rec["mbedtls"]:
        s = "%d handshake(%s)/%s" % (rec["exit"], mbedtls_label(rec["mbedtls"]), rec["cause"])
    return s


def beyond_flight(rec):
    """Exit 0 with the fault past this connection's own flight: not a test
    of the flight; the run is made again."""
    return (rec["exit"] == 0 and rec["kind"] != "split" and rec["flight_end"] is not None
            and rec["k"] >= rec["flight_end"])


def judge(rec):
    """The problems with one run, [] when it behaved."""
    bad = []
    if rec["exit"] is None:
        bad.append("still running after its bound (%ss): killed" % rec["secs"])
    elif rec["exit"] < 0:
        bad.append("killed by signal %d" % -rec["exit"])
    if rec["sanitizer"]:
        bad.append("sanitizer report on stderr")
    if rec["proxy_error"]:
        bad.append("proxy: " + rec["proxy_error"])
    if rec["exit"] is None or rec["exit"] < 0:
        return bad
    j = rec["json"]
    if j is None:
        bad.append("stdout is not one line of JSON")
        return bad
    if j.get("exit_code") != rec["exit"]:
        bad.append("json exit_code %r != exit %r" % (j.get("exit_code"), rec["exit"]))
    if bool(j.get("ok")) != (rec["exit"] == 0):
        bad.append("json ok %r with exit %r" % (j.get("ok"), rec["exit"]))
    if isinstance(rec["total_ms"], int) and rec["total_ms"] > rec["max_time"] * 1000 + OVERRUN_MS:
        bad.append("iotls took %d ms by its own clock, beyond -m %g" % (rec["total_ms"],
                                                                        rec["max_time"]))
    if rec["kind"] != "split" and not rec["applied"]:
        bad.append("the fault was never applied (the server sent %d bytes)"
                   % rec["server_bytes"])
    if rec["exit"] == 0 and rec["kind"] == "flip":
        if rec.get("where") not in HARMLESS_FLIPS:
            bad.append("exit 0 although byte %d (%s) was flipped" % (rec["k"], rec.get("where")))
        return bad
    if rec["kind"] == "flip" and rec.get("where") == "encrypted body" and \
            (rec["error"], (rec["mbedtls"] or "").upper()) != ("handshake", BAD_MAC.upper()):
        bad.append("a flip in an encrypted body ended in %s, not a bad MAC (%s)"
                   % (outcome(rec), BAD_MAC))
    elif rec["kind"] == "flip" and rec.get("where") == "encrypted body" and \
            "bad MAC" not in (rec["json"].get("message") or ""):
        bad.append("the message does not say bad MAC: %r" % rec["json"].get("message"))
    key = (rec["exit"], rec["error"], rec["cause"])
    ok = any(all(a == "*" or a == b for a, b in zip(allowed, key))
             for allowed in ALLOWED[rec["kind"]])
    if not ok:
        bad.append("outcome %s not among those allowed for %s" % (outcome(rec), rec["kind"]))
    return bad


# ---------------------------------------------------------------- the campaign

def positions(flight, every, step):
    return list(range(min(every, flight))) + list(range(every, flight, step))


def campaign(args):
    version = args.tls
    tag = "tls" + version.replace(".", "")
    kinds = args.kinds.split(",")
    for kd in kinds:
        if kd not in KINDS:
            raise Failure("unknown fault kind %r" % kd)
    if shutil.which("openssl") is None:
        raise Failure("openssl not found: it makes the certificates and runs the server")
    if not os.access(args.iotls, os.X_OK):
        raise Failure("iotls binary %s not found or not executable" % args.iotls)
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="iotls-faults-")
    servers = []
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    try:
        make_pki(work)
        runner = Runner(args, work)
        # s_server serves one connection at a time, and a flip may hold
        # its connection until the client's bound: each client that runs
        # at once gets a server of its own (taken from a queue).
        pools = {"fast": queue.Queue(), "stall": queue.Queue()}
        for pool, n in (("fast", args.jobs), ("stall", args.stall_jobs if "stall" in kinds else 0)):
            for i in range(n):
                servers.append(Server(work, version, "%s%d" % (pool, i)))
                pools[pool].put(servers[-1])

        flights = []
        for i in range(3):
            rec = runner.run(servers[0], "clean", 0, args.max_time)
            if rec["exit"] != 0 or rec["flight_end"] is None or judge_clean(rec):
                raise Failure("clean handshake %d through the proxy failed: exit %r, %s\n%s"
                              % (i, rec["exit"], outcome(rec), rec["stderr_tail"]))
            flights.append(rec["flight_end"])
        flight = min(flights)
        ks = positions(flight, args.every, args.step)
        log("TLS %s: server flight %s bytes (3 clean handshakes), %d positions per fault kind"
            % (version, "/".join(map(str, flights)), len(ks)))

        jobs = []
        for kd in kinds:
            if kd == "split":
                jobs.append(("split", 0))
            else:
                jobs += [(kd, k) for k in ks]

        def one(job):
            kd, k = job
            pool = pools["stall" if kd == "stall" else "fast"]
            mt = args.stall_time if kd == "stall" else args.max_time
            server = pool.get(timeout=600)
            try:
                for attempt in range(3):
                    rec = runner.run(server, kd, k, mt)
                    rec["attempt"] = attempt + 1
                    if beyond_flight(rec):
                        continue
                    if kd == "stall" and not rec["applied"] and rec["exit"] == 6:
                        # the client's bound ran out before byte k came
                        # (a loaded machine): the stall was not tested yet
                        mt *= 2
                        continue
                    break
                return rec
            finally:
                pool.put(server)

        results = []
        fast = [j for j in jobs if j[0] != "stall"]
        slow = [j for j in jobs if j[0] == "stall"]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as fpool, \
                concurrent.futures.ThreadPoolExecutor(max(args.stall_jobs, 1)) as spool:
            futs = [spool.submit(one, j) for j in slow] + [fpool.submit(one, j) for j in fast]
            for f in futs:
                results.append(f.result())
        for s in servers:
            if s.proc.poll() is not None:
                raise Failure("s_server (%s) died during the campaign" % " ".join(s.cmd))
    finally:
        for s in servers:
            s.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    wall = time.monotonic() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_children = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    cpu_self = (self1.ru_utime - self0.ru_utime) + (self1.ru_stime - self0.ru_stime)
    return report(args, tag, version, flights, ks, kinds, results, wall, cpu_children, cpu_self)


def judge_clean(rec):
    return rec["sanitizer"] or rec["proxy_error"]


def report(args, tag, version, flights, ks, kinds, results, wall, cpu_children, cpu_self):
    order = {kd: i for i, kd in enumerate(KINDS)}
    results.sort(key=lambda r: (order[r["kind"]], r["k"]))
    failures, harmless = [], []
    for rec in results:
        rec["outcome"] = outcome(rec)
        rec["problems"] = judge(rec)
        if rec["problems"]:
            failures.append(rec)
        elif rec["exit"] == 0 and rec["kind"] == "flip":
            harmless.append(rec)
    lines = ["### TLS %s" % version, "",
             "Server flight: %d bytes (clean handshakes: %s); positions per kind: %d "
             "(every byte below %d, then every %dth)." % (min(flights), ", ".join(map(str, flights)),
                                                        len(ks), args.every, args.step),
             "", "| fault | runs | outcomes (exit error/cause: runs) |", "| --- | --- | --- |"]
    for kd in kinds:
        rs = [r for r in results if r["kind"] == kd]
        counts = collections.Counter(r["outcome"] for r in rs)
        text = "; ".join("`%s`: %d" % (o, n) for o, n in sorted(counts.items(), key=lambda x: -x[1]))
        lines.append("| %s | %d | %s |" % (kd, len(rs), text))
    flips = [r for r in results if r["kind"] == "flip"]
    if flips:
        lines += ["", "Flips by where the byte lies:", "",
                  "| where | runs | outcomes |", "| --- | --- | --- |"]
        by = collections.defaultdict(collections.Counter)
        for r in flips:
            by[r.get("where", "?")][r["outcome"]] += 1
        for where in sorted(by, key=lambda w: -sum(by[w].values())):
            c = by[where]
            lines.append("| %s | %d | %s |" % (where, sum(c.values()), "; ".join(
                "`%s`: %d" % (o, n) for o, n in sorted(c.items(), key=lambda x: -x[1]))))
    retried = sum(1 for r in results if r.get("attempt", 1) > 1)
    slowest = max((r["secs"] for r in results), default=0)
    over = max((r["total_ms"] - r["max_time"] * 1000 for r in results
                if isinstance(r["total_ms"], int)), default=0)
    lines += ["", "Runs: %d (%d made again: fault past that connection's flight, or a stall "
              "whose bound ran out before byte k); slowest client %.2f s (process), %d ms "
              "at most past -m by its own clock; wall %.0f s; CPU %.1f s (clients and "
              "servers %.1f s, this script %.1f s)."
              % (len(results), retried, slowest, over, wall, cpu_children + cpu_self,
                 cpu_children, cpu_self)]
    if harmless:
        lines += ["", "Flips that still succeeded (exit 0), each in a field that may be ignored:"]
        lines += ["- byte %d, bit %d: %s (%s)" % (r["k"], r["k"] % 8, r.get("where"),
                                                HARMLESS_FLIPS[r.get("where")])
                  for r in harmless]
    if failures:
        lines += ["", "**Runs that did not behave: %d**" % len(failures)]
        for r in failures[:60]:
            lines.append("- %s k=%d (%s): %s" % (r["kind"], r["k"], r.get("where", "-"),
                                                 "; ".join(r["problems"])))
    text = "\n".join(lines) + "\n"
    log(text)
    with open(os.path.join(args.out, "faults-%s.md" % tag), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "faults-%s.jsonl" % tag), "w") as f:
        for r in results:
            r = dict(r)
            r["json"] = {x: (r["json"] or {}).get(x) for x in
                         ("error", "cause", "stage", "message", "mbedtls_code_hex",
                          "alert_received", "alert_sent")}
            f.write(json.dumps(r) + "\n")
    for r in failures[:5]:
        log("---- %s k=%d: %s\n%s\nstderr:\n%s" % (r["kind"], r["k"], "; ".join(r["problems"]),
                                                  r["cmd"], r["stderr_tail"]))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iotls", required=True, help="the iotls binary (the ASan build)")
    ap.add_argument("--tls", choices=["1.3", "1.2"], required=True)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--out", required=True, help="directory for the summary and the runs")
    ap.add_argument("--every", type=int, default=300, help="every byte below this position")
    ap.add_argument("--step", type=int, default=16, help="then every STEP-th byte")
    ap.add_argument("--jobs", type=int, default=2, help="clients at once (not stalls)")
    ap.add_argument("--stall-jobs", type=int, default=8, help="stalled clients at once")
    ap.add_argument("--max-time", type=float, default=3, help="-m for the runs")
    ap.add_argument("--stall-time", type=float, default=1, help="-m for the stall runs")
    ap.add_argument("--slack", type=float, default=30,
                    help="seconds a client may take beyond its -m before it counts as hung")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    # ctest's timeout sends SIGTERM: unwind so the servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
    try:
        return campaign(args)
    except Failure as e:
        log("FAIL: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
