#!/usr/bin/env python3
"""Seed inputs for the fuzz targets, made at test time (nothing copied).

usage: gen_seeds.py TARGET OUTDIR OPENSSL

Certificates come from openssl, generated here. The TLS records are real:
a client and a server from Python's ssl module shake hands in memory
(MemoryBIO, no sockets) and the bytes each side wrote are the seeds, for
TLS 1.2 (with a CertificateRequest) and TLS 1.3 (and a HelloRetryRequest).
Besides, openssl s_server on 127.0.0.1 answers a ClientHello shaped like
iotls's: a TLS 1.3 ServerHello, ChangeCipherSpec and encrypted records, a
HelloRetryRequest, TLS 1.3 alerts. The handshake target's seeds are the
flights of real servers recorded by its own client (seedgen_handshake,
named by IOTLS_SEEDGEN_HANDSHAKE).
"""
import os
import random
import re
import selectors
import socket
import ssl
import subprocess
import sys
import tempfile
import time


def write(outdir, name, data):
    if isinstance(data, str):
        data = data.encode("latin-1")
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(openssl, d):
    """A CA, a server certificate it signed (P-256), an RSA self-signed one."""
    p = lambda n: os.path.join(d, n)
    run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "30",
        "-subj", "/CN=iotls fuzz CA")
    run(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", p("srv.key"), "-out", p("srv.csr"), "-subj", "/CN=fuzz.example")
    with open(p("ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:fuzz.example,IP:127.0.0.1\n")
    run(openssl, "x509", "-req", "-in", p("srv.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
        "-CAcreateserial", "-days", "30", "-out", p("srv.pem"), "-extfile", p("ext.cnf"))
    run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("rsa.key"),
        "-out", p("rsa.pem"), "-days", "30", "-subj", "/O=iotls/CN=rsa self-signed")
    for n in ("ca", "srv", "rsa"):
        run(openssl, "x509", "-in", p(n + ".pem"), "-outform", "DER", "-out", p(n + ".der"))


def handshake(d, version, groups_server=None, client_cert_request=False):
    """Shake hands in memory; return the list of (direction, bytes) written,
    direction 0 for the client's bytes, 1 for the server's."""
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(os.path.join(d, "srv.pem"), os.path.join(d, "srv.key"))
    sctx.minimum_version = sctx.maximum_version = version
    if groups_server:
        sctx.set_ecdh_curve(groups_server)
    if client_cert_request:
        sctx.verify_mode = ssl.CERT_OPTIONAL
        sctx.load_verify_locations(os.path.join(d, "ca.pem"))
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.load_verify_locations(os.path.join(d, "ca.pem"))
    cctx.minimum_version = cctx.maximum_version = version
    cin, cout, sin, sout = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    c = cctx.wrap_bio(cin, cout, server_hostname="fuzz.example")
    s = sctx.wrap_bio(sin, sout, server_side=True)
    flows = []
    done_c = done_s = False
    for _ in range(20):  # a handshake takes a few round trips; bounded
        if not done_c:
            try:
                c.do_handshake()
                done_c = True
            except ssl.SSLWantReadError:
                pass
        data = cout.read()
        if data:
            flows.append((0, data))
            sin.write(data)
        if not done_s:
            try:
                s.do_handshake()
                done_s = True
            except ssl.SSLWantReadError:
                pass
        data = sout.read()
        if data:
            flows.append((1, data))
            cin.write(data)
        if done_c and done_s:
            break
    # Some application data and a close, both ways.
    c.write(b"GET / HTTP/1.1\r\nHost: fuzz.example\r\n\r\n")
    flows.append((0, cout.read()))
    s.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    flows.append((1, sout.read()))
    return [(dr, b) for dr, b in flows if b]


def tap_pieces(flows):
    """The wiretap target's input: control byte (bit 7 = received, low bits
    = length, at most 126) then data."""
    out = bytearray()
    for dr, b in flows:
        for i in range(0, len(b), 126):
            part = b[i:i + 126]
            out.append((0x80 if dr else 0) | len(part))
            out += part
    return bytes(out)


def record(ctype, body, version=0x0303):
    return bytes([ctype, version >> 8, version & 0xff, len(body) >> 8, len(body) & 0xff]) + body


ALERTS = [record(21, b"\x02\x28"), record(21, b"\x02\x46", 0x0301), record(21, b"\x02\x70"),
          record(21, b"\x01\x00")]
NOT_TLS = [b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n", b"SSH-2.0-OpenSSH_9.2\r\n",
           b"220 smtp ESMTP ready\r\n"]


def u16(v):
    return bytes([v >> 8, v & 0xff])


def vec(n, body):
    """A TLS vector: a length of n bytes, then the body."""
    return len(body).to_bytes(n, "big") + body


def ext(etype, body):
    return u16(etype) + vec(2, body)


def client_hello(rng, versions=(0x0304, 0x0303), sni="fuzz.example"):
    """A ClientHello shaped like the one iotls sends by default (Mbed TLS
    3.6: TLS 1.3 and 1.2, AES-GCM and ChaCha20 suites, x25519 / P-256 /
    P-384 with an x25519 share, ECDSA then RSA signature schemes, middlebox
    compatibility). The share is random bytes: any 32 bytes are an x25519
    public key, and no one reads the server's answer but the fuzzer."""
    suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8]
    groups = [0x001d, 0x0017, 0x0018]
    sigs = [0x0403, 0x0503, 0x0603, 0x0401, 0x0501, 0x0601, 0x0804, 0x0805, 0x0806]
    exts = ext(0, vec(2, b"\x00" + vec(2, sni.encode()))) if sni else b""
    exts += ext(10, vec(2, b"".join(u16(g) for g in groups)))
    exts += ext(11, b"\x01\x00")
    exts += ext(13, vec(2, b"".join(u16(a) for a in sigs)))
    exts += ext(23, b"") + ext(22, b"")
    exts += ext(43, vec(1, b"".join(u16(v) for v in versions)))
    if 0x0304 in versions:
        exts += ext(45, vec(1, b"\x01"))
        exts += ext(51, vec(2, u16(0x001d) + vec(2, rng.randbytes(32))))
    body = (b"\x03\x03" + rng.randbytes(32) + vec(1, rng.randbytes(32))
            + vec(2, b"".join(u16(c) for c in suites)) + b"\x01\x00" + vec(2, exts))
    return record(22, b"\x01" + vec(3, body), 0x0301)


class Server:
    """openssl s_server on 127.0.0.1, a free port chosen by the kernel; ready
    once it prints its ACCEPT line; stopped by its PID."""

    def __init__(self, openssl, d, args, cert="srv"):
        p = lambda n: os.path.join(d, n)
        self.proc = subprocess.Popen(
            [openssl, "s_server", "-accept", "127.0.0.1:0", "-cert", p(cert + ".pem"),
             "-key", p(cert + ".key")] + args,
            # stdin stays open: at its EOF s_server stops serving
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            bufsize=0)  # unbuffered: select() sees every line still unread
        self.port = None
        seen = b""
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        try:
            while self.port is None:  # bounded by the deadline and by EOF
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    break
                line = self.proc.stdout.readline()
                if not line:
                    break
                seen += line
                m = re.match(rb"ACCEPT 127\.0\.0\.1:(\d+)", line)
                if m:
                    self.port = int(m.group(1))
        finally:
            sel.close()
        if self.port is None:
            self.stop()
            raise RuntimeError("openssl s_server %s did not start: %r" % (" ".join(args), seen))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.proc.stdin.close()
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def flight(openssl, d, args, hello, cert="srv"):
    """What s_server answers to one ClientHello: we send it, half-close (the
    server reads it, writes its whole flight, then sees EOF and closes) and
    read to the end."""
    with Server(openssl, d, args, cert) as srv:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        try:
            s.sendall(hello)
            s.shutdown(socket.SHUT_WR)
            out = b""
            while len(out) < 65536:  # bounded; the server closes long before
                b = s.recv(16384)
                if not b:
                    break
                out += b
        finally:
            s.close()
    if not out:
        raise RuntimeError("openssl s_server %s sent nothing" % " ".join(args))
    return out


def openssl_flights(openssl, d):
    """TLS 1.3 answers of openssl s_server to an iotls-like ClientHello:
    (name, client hello, server bytes)."""
    rng = random.Random(1)
    hello = client_hello(rng)
    t13 = ["-tls1_3"]
    cases = [
        ("s13", hello, t13),                                   # SH, CCS, encrypted EE..Finished
        ("s13_hrr", hello, t13 + ["-groups", "P-384"]),        # HelloRetryRequest, CCS
        ("s13_alert_sni", hello, t13 + ["-servername", "other.example", "-servername_fatal",
                                         "-cert2", os.path.join(d, "srv.pem"),
                                         "-key2", os.path.join(d, "srv.key")]),
        ("s13_alert_suite", hello, t13 + ["-ciphersuites", "TLS_AES_128_CCM_SHA256"]),
        ("s13_alert_version", client_hello(rng, versions=(0x0304,)), ["-tls1_2"]),
        ("s12", hello, ["-tls1_2"]),                           # TLS 1.2 through to ServerHelloDone
    ]
    return [(name, ch, flight(openssl, d, args, ch)) for name, ch, args in cases]


def tls_seeds(openssl, outdir, target):
    with tempfile.TemporaryDirectory() as d:
        make_certs(openssl, d)
        if target == "trust":
            rd = lambda n: open(os.path.join(d, n), "rb").read()
            write(outdir, "ca.pem", rd("ca.pem"))
            write(outdir, "ca.der", rd("ca.der"))
            write(outdir, "rsa.der", rd("rsa.der"))
            write(outdir, "bundle.pem", rd("ca.pem") + b"\n" + rd("srv.pem") + rd("rsa.pem") + b"\0")
            broken = bytearray(rd("rsa.pem"))
            broken[200] ^= 0x20
            write(outdir, "broken_then_good.pem", bytes(broken) + rd("ca.pem"))
            write(outdir, "key_only.pem", rd("srv.key"))
            write(outdir, "empty", b"")
            write(outdir, "cut.pem", rd("ca.pem")[:-40])
            return
        if target == "policy":
            policy_seeds(openssl, d, outdir)
            return
        if target == "verify":
            verify_seeds(openssl, d, outdir)
            return
        hs = {
            "tls12": handshake(d, ssl.TLSVersion.TLSv1_2, client_cert_request=True),
            "tls13": handshake(d, ssl.TLSVersion.TLSv1_3),
            "tls13_hrr": handshake(d, ssl.TLSVersion.TLSv1_3, groups_server="secp384r1"),
        }
        served = openssl_flights(openssl, d)
    if target == "wiretap":
        for name, flows in hs.items():
            write(outdir, name, tap_pieces(flows))
        for name, ch, answer in served:
            write(outdir, name, tap_pieces([(0, ch), (1, answer)]))
        write(outdir, "alert", tap_pieces([hs["tls12"][0], (1, ALERTS[0])]))
        write(outdir, "not_tls", tap_pieces([hs["tls12"][0], (1, NOT_TLS[0])]))
        write(outdir, "reset", tap_pieces(hs["tls13"][:2]) + b"\x7f" + tap_pieces(hs["tls12"][:2]))
    elif target == "probe":
        # First byte: the cut for partial parses; then the server's answer.
        for name, flows in hs.items():
            answer = b"".join(b for dr, b in flows[:3] if dr == 1)
            write(outdir, name, b"\x05" + answer)
            write(outdir, name + "_client_hello", b"\x00" + flows[0][1])
        for name, ch, answer in served:
            write(outdir, name, b"\x05" + answer)
        for i, a in enumerate(ALERTS):
            write(outdir, "alert%d" % i, b"\x00" + a)
        for i, a in enumerate(NOT_TLS):
            write(outdir, "not_tls%d" % i, b"\x03" + a)


def handshake_seeds(openssl, outdir):
    """fuzz_handshake: the bytes real servers sent to the target's own
    client, recorded by seedgen_handshake (which checks that replaying them
    ends the session the same way). root.pem: the client's trust anchor."""
    seedgen = os.environ.get("IOTLS_SEEDGEN_HANDSHAKE")
    if not seedgen or not os.access(seedgen, os.X_OK):
        raise RuntimeError("IOTLS_SEEDGEN_HANDSHAKE must name the seedgen_handshake binary")
    with tempfile.TemporaryDirectory() as d:
        p = lambda n: os.path.join(d, n)
        make_certs(openssl, d)
        # an RSA server certificate of the CA: TLS 1.3 signs with RSA-PSS
        run(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("rsasrv.key"),
            "-out", p("rsasrv.csr"), "-subj", "/CN=fuzz.example")
        run(openssl, "x509", "-req", "-in", p("rsasrv.csr"), "-CA", p("ca.pem"), "-CAkey",
            p("ca.key"), "-CAcreateserial", "-days", "30", "-out", p("rsasrv.pem"),
            "-extfile", p("ext.cnf"))
        with open(p("ca.pem"), "rb") as f:
            write(outdir, "root.pem", f.read())
        ok, fail = "connect=ok", "connect="
        t13, t12 = ["-tls1_3"], ["-tls1_2"]
        www = ["-www"]  # answers our GET with a page, then closes
        cases = [
            ("tls13", "srv", t13 + www, ok),
            ("tls13_rsa_pss", "rsasrv", t13 + www, ok),
            ("tls13_hrr", "srv", t13 + www + ["-groups", "P-384"], ok),
            ("tls13_chacha", "srv", t13 + www + ["-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], ok),
            ("tls13_certreq", "srv", t13 + www + ["-verify", "1"], ok),
            ("tls13_cert_required", "srv", t13 + www + ["-Verify", "1"], fail),
            ("tls13_untrusted", "rsa", t13 + www, "connect=verify"),
            ("tls13_alert_sni", "srv", t13 + ["-servername", "other.example",
                                              "-servername_fatal", "-cert2", p("srv.pem"),
                                              "-key2", p("srv.key")], "connect=alert_received"),
            ("tls13_alert_suite", "srv", t13 + ["-ciphersuites", "TLS_AES_128_CCM_SHA256"],
             "connect=alert_received"),
            ("tls12", "srv", t12 + www, ok),
            ("tls12_rsa_certreq", "rsasrv", t12 + www + ["-verify", "1"], ok),
            # RSA-PSS in TLS 1.2: iotls connects again offering TLS 1.2 only
            ("tls12_pss_retry", "rsasrv", t12 + www + ["-sigalgs", "rsa_pss_rsae_sha256"], fail),
        ]
        for name, cert, args, expect in cases:
            out = os.path.join(outdir, name)
            with Server(openssl, d, args, cert) as srv:
                r = subprocess.run([seedgen, str(srv.port), outdir, out], capture_output=True,
                                   timeout=120)
            said = r.stdout.decode(errors="replace").strip()
            if r.returncode != 0 or not said.startswith(expect) or \
                    (expect == ok and "reads=0" in said):
                raise RuntimeError("seed %s: expected %s..., seedgen_handshake said %r (exit %d)"
                                   " %s" % (name, expect, said, r.returncode,
                                            r.stderr.decode(errors="replace")[-2000:]))
            print("%s: %s" % (name, said))


def der(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([n])
    elif n < 0x100:
        head = bytes([0x81, n])
    else:
        head = bytes([0x82, n >> 8, n & 0xff])
    return bytes([tag]) + head + content


def policy_seeds(openssl, d, outdir):
    """fuzz_policy: 2-byte length, a nameConstraints value, a certificate."""
    p = lambda n: os.path.join(d, n)
    run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", p("nc.key"), "-out", p("nc.pem"), "-days", "30",
        "-subj", "/CN=iotls fuzz NC CA", "-addext", "basicConstraints=critical,CA:true",
        "-addext", "nameConstraints=critical,permitted;DNS:.example,permitted;IP:127.0.0.0/255.0.0.0,"
                   "excluded;DNS:bad.example,excluded;dirName:dir_sect",
        "-config", write_nc_config(d))
    run(openssl, "x509", "-in", p("nc.pem"), "-outform", "DER", "-out", p("nc.der"))
    rd = lambda n: open(p(n), "rb").read()
    subtree = lambda tag, v: der(0x30, der(tag, v))
    name_cn = der(0x30, der(0x31, der(0x30, der(0x06, b"\x55\x04\x03") + der(0x0c, b"fuzz"))))
    ncs = {
        "dns": der(0x30, der(0xa0, subtree(0x82, b"fuzz.example"))),
        "dns_dot": der(0x30, der(0xa0, subtree(0x82, b".example"))),
        "excl_dns": der(0x30, der(0xa1, subtree(0x82, b"fuzz.example"))),
        "ip": der(0x30, der(0xa0, subtree(0x87, bytes([127, 0, 0, 0, 255, 0, 0, 0])))),
        "ip6": der(0x30, der(0xa1, subtree(0x87, bytes(15) + b"\x01" + b"\xff" * 16))),
        "dir": der(0x30, der(0xa0, subtree(0xa4, name_cn))),
        "mixed": der(0x30, der(0xa0, subtree(0x82, b"example") + subtree(0x81, b"example"))
                 + der(0xa1, subtree(0x82, b""))),
    }
    ext = der(0x30, der(0x30, der(0x06, b"\x55\x1d\x1e") + b"\x01\x01\xff"
                        + der(0x04, ncs["dns"])))
    for name, nc in list(ncs.items()) + [("ext_list", ext)]:
        for cert in ("srv", "ca", "nc"):
            write(outdir, "%s_%s" % (name, cert),
                  bytes([len(nc) >> 8, len(nc) & 0xff]) + nc + rd(cert + ".der"))
    write(outdir, "cert_only", b"\0\0" + rd("nc.der"))


def verify_seeds(openssl, d, outdir):
    """fuzz_verify: an option byte, then a chain. root.pem is the target's
    trust anchor (read once, through IOTLS_FUZZ_SEEDS) and a seed itself."""
    p = lambda n: os.path.join(d, n)
    rd = lambda n: open(p(n), "rb").read()
    # an intermediate of the CA with non-critical name constraints, and a
    # leaf of it inside and outside them
    with open(p("int.cnf"), "w") as f:
        f.write("basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                "nameConstraints=permitted;DNS:.fuzz.example\n")
    with open(p("leaf.cnf"), "w") as f:
        f.write("subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                "subjectAltName=DNS:a.fuzz.example,DNS:*.fuzz.example,IP:127.0.0.1\n")
    run(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", p("int.key"), "-out", p("int.csr"), "-subj", "/CN=iotls fuzz NC int")
    run(openssl, "x509", "-req", "-in", p("int.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
        "-CAcreateserial", "-days", "30", "-out", p("int.pem"), "-extfile", p("int.cnf"))
    for name, san in (("in", "a.fuzz.example"), ("out", "other.example")):
        with open(p(name + ".cnf"), "w") as f:
            f.write("subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                    "subjectAltName=DNS:%s\n" % san)
        run(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", p(name + ".key"), "-out", p(name + ".csr"), "-subj", "/CN=" + san)
        run(openssl, "x509", "-req", "-in", p(name + ".csr"), "-CA", p("int.pem"),
            "-CAkey", p("int.key"), "-CAcreateserial", "-days", "30", "-out", p(name + ".pem"),
            "-extfile", p(name + ".cnf"))
    write(outdir, "root.pem", rd("ca.pem"))
    for opt in (0, 1, 2, 3, 4):
        write(outdir, "srv_%d" % opt, bytes([opt]) + rd("srv.pem"))
    write(outdir, "srv_der", b"\0" + rd("srv.der"))
    write(outdir, "srv_ca", b"\0" + rd("srv.pem") + rd("ca.pem"))
    write(outdir, "rsa_self", b"\0" + rd("rsa.pem"))
    for opt in (0, 3, 4):
        write(outdir, "nc_in_%d" % opt, bytes([opt]) + rd("in.pem") + rd("int.pem"))
        write(outdir, "nc_out_%d" % opt, bytes([opt]) + rd("out.pem") + rd("int.pem"))
    write(outdir, "empty", b"\0")


def write_nc_config(d):
    path = os.path.join(d, "nc.cnf")
    with open(path, "w") as f:
        f.write("[req]\ndistinguished_name=dn\n[dn]\n[dir_sect]\nCN=bad\n")
    return path


def plain_seeds(outdir, target):
    if target == "addr":
        for i, s in enumerate(["127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::",
                               "fe80::1%eth0", "::ffff:192.0.2.1", "2001:db8::1:0:0:1",
                               "2001:db8:0:0:1:0:0:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4",
                               "fuzz.example", "a-b_c.d", "x" * 64, "1.2.3.04"]):
            write(outdir, "s%02d" % i, s)
    elif target == "url_opts":
        argvs = [
            ["get", "https://fuzz.example:8443/a/b?c=d#frag", "--resolve",
             "fuzz.example:8443:127.0.0.1", "-m", "0.5", "--json", "-i", "-o", "out"],
            ["connect", "[::1]:4433", "--cacert", "ca.pem", "--sni", "x.example",
             "--connect-timeout", "3", "--debug", "2", "-v"],
            ["diagnose", "fuzz.example", "--resolve", "fuzz.example:443:[::1]", "--no-sni",
             "--cert", "c.pem", "--key", "k.pem"],
            ["--help"], ["--version"], ["get", "--", "https://[fe80::1%25eth0]/"],
            ["connect", "1.2.3.4:65535", "-vi", "--max-time=10"],
        ]
        for i, a in enumerate(argvs):
            write(outdir, "argv%d" % i, "\x80" + "\0".join(a))
    elif target == "http":
        resp = [
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5;ext=1\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: t\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.0 200 OK\r\n\r\nuntil close",
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
            "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            "SSH-2.0-x\r\n",
        ]
        for i, r in enumerate(resp):
            write(outdir, "r%d" % i, chr(0x80 | (7 * i % 64)) + r)
        write(outdir, "chunked_only", "\x3f" + "4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n")
    elif target == "json":
        for i, s in enumerate([b"plain", b"quote\" back\\slash\n\t\r\b\f",
                               "caf\u00e9 \u6771\u4eac \U0001F512".encode(),
                               b"\xff\xfe bad \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80",
                               b"\x00\x01\x1f\x7f", b"CN=fuzz.example, O=\"iotls\""]):
            write(outdir, "s%d" % i, s)


def bundle_seeds(openssl, outdir):
    """fuzz_bundle: certificates for the builder (first byte 2 or 6), and
    bundles made here (first byte 0: as is; 1: digest made to match): keys
    with the right shapes (the checker reads no key's mathematics)."""
    import hashlib
    import struct
    d = os.path.join(outdir, "certs")
    os.makedirs(d, exist_ok=True)
    make_certs(openssl, d)
    for n in ("ca", "srv", "rsa"):
        with open(os.path.join(d, n + ".der"), "rb") as f:
            der = f.read()
        write(outdir, "crt-%s" % n, b"\x02" + der)
        write(outdir, "crt-%s-names" % n, b"\x06" + der)
    for names in (0, 1):
        recs = []
        for i, (typ, klen) in enumerate([(1, 256), (3, 65), (4, 97), (2, 256), (5, 133)]):
            if typ in (1, 2):
                key = struct.pack(">H", klen) + b"\xc1" + bytes(range(klen - 2)) + b"\x01"
                if typ == 2:
                    key += b"\x01\x03"
            else:
                key = b"\x04" + bytes((i * 7 + k) & 0xff for k in range(klen - 1))
            rec = bytes([typ, i % 3, 0x4e, 0x20]) + key
            if names:
                nm = b"fuzz root %d" % i
                rec += bytes([len(nm)]) + nm
            recs.append((hashlib.sha256(b"subject %d" % i).digest()[:4], rec))
        recs.sort()
        off = 48 + len(recs) * 8
        idx, body = b"", b""
        for h, rec in recs:
            idx += h + struct.pack(">I", off + len(body))
            body += rec
        total = off + len(body)
        head = b"IOTB" + bytes([1, 4, names, 0]) + struct.pack(">HHI", len(recs), 0, total)
        digest = hashlib.sha256(head + idx + body).digest()
        blob = head + digest + idx + body
        write(outdir, "bundle-%d" % names, b"\x00" + blob)
        write(outdir, "bundle-%d-fixed" % names, b"\x01" + blob)


def main():
    target, outdir, openssl = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(outdir, exist_ok=True)
    if target in ("wiretap", "probe", "trust", "policy", "verify"):
        tls_seeds(openssl, outdir, target)
    elif target == "bundle":
        bundle_seeds(openssl, outdir)
    elif target == "handshake":
        handshake_seeds(openssl, outdir)
    else:
        plain_seeds(outdir, target)


if __name__ == "__main__":
    main()
