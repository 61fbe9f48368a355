#!/usr/bin/env python3
"""Python test servers for the scenarios, one behaviour per run.

    servers.py BEHAVIOUR --listen ADDR --port N [--cert CHAIN.pem --key KEY]
               [--record FILE] [--body-size N] [--mode M] [--name NAME]
               [--tls 1.2|1.3]

--tls pins a TLS behaviour to that one protocol version (minimum = maximum);
without it the ssl module's defaults apply (TLS 1.2 and 1.3). It listens on
127.0.0.1 or ::1 only.

Prints "ACCEPT <port>" on stdout once listening (the runner waits for that
line), logs one line per event, and serves connections one at a time until
it is stopped by its PID. Every loop is bounded: at most MAX_CONNECTIONS
connections, at most LIFETIME_S seconds of life (an alarm ends a server whose
runner died), and socket timeouts on every blocking call.

Behaviours:
  seed        TLS for one name (--name); any other SNI, or none, gets fatal
              alert 40 (handshake_failure), like the server in seed-case.md.
              A correct client gets an HTTP response with a small body.
  http        HTTPS; --mode cl | chunked | close (Content-Length, chunked,
              close-delimited body) with --body-size bytes of body.pattern();
              404 (a Content-Length body with status 404); chunked-ext
              (chunk extensions and a trailer).
  truncate    HTTPS; --mode cl | close: headers and part of the body, then the
              TCP connection is shut WITHOUT close_notify.
              --mode notify: the same cut, but with a proper close_notify;
              stall: the same cut, then silence; reset: the cut, then RST.
  hangup      closes without a TLS answer: --mode fin-at-once (before reading),
              fin or rst (after the ClientHello arrived).
  stall       accepts TCP and never sends a byte.
  plain       plain-text HTTP (not TLS): answers 400 to whatever arrives.
  banner      plain text sent first, then silence: --mode ssh (default,
              an SSH banner) or smtp (an SMTP greeting).
  tls-silent  TLS; completes the handshake, reads the request, never answers.
  cert-close  TLS demanding a client certificate (--ca FILE); a client
              without one is not sent the alert OpenSSL prepared: the TCP
              connection is just closed (FIN), mid-handshake.
  full-backlog  listens with a backlog of 0 and never accepts; it fills its
              own accept queue with two connections of its own first, so the
              kernel drops the client's SYN: a TCP connect that times out.
  big-record  not TLS underneath: answers the ClientHello with a record header
              claiming a 20000-byte handshake record (above 16384 + 2048),
              sends 1000 bytes of it, then silence.
  sni-record  TLS; records the SNI of each ClientHello (null if none) as a
              JSON line in --record, then completes the handshake.
  bad-http    HTTPS with a broken response; --mode garbage | bad-status |
              chunk-overflow | endless-headers.
  http-api    HTTPS for the HTTP options of `iotls get`, routed by path:
              .../echo (the request as JSON: method, path, headers, body, the
              SNI seen), /redirect/CODE/N (N redirects with CODE, relative
              Locations, then /echo), /rel/a/b (Location ../echo?from=rel),
              /cross/CODE (CODE to https://ALT-NAME:PORT/echo), /cross-to/NAME
              (302 to https://NAME:PORT/echo), /to-http (302 to http://),
              /loop (302 to itself), /status/N (status N, a short body),
              /big/N (N bytes). A HEAD request gets the head only. With
              --alt-name/--alt-cert/--alt-key, a ClientHello with SNI
              ALT-NAME gets that certificate instead.
  tls13-intolerant  a server (or middlebox) intolerant of TLS 1.3: it reads
              the first record without consuming it (MSG_PEEK) and, if the
              ClientHello's supported_versions lists TLS 1.3 (0x0304),
              answers --mode alert70 (fatal alert 70 protocol_version) or
              close (FIN, no answer). Any other ClientHello gets a TLS 1.2
              handshake (ssl, pinned to 1.2) and a small HTTP response.
"""

import argparse
import json
import signal
import socket
import ssl
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import body
import catalog

MAX_CONNECTIONS = 50
LIFETIME_S = 900
IO_TIMEOUT_S = 30
MAX_REQUEST = 64 * 1024
ENDLESS_HEADER_BYTES = 1024 * 1024
ARGS = None  # the command line, set once in main()


def log(*parts):
    print(*parts, flush=True)


def read_request(conn):
    """Reads until the end of the request headers (bounded); returns bytes."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < MAX_REQUEST:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    log("request:", data.split(b"\r\n", 1)[0].decode("latin-1"), "(%d bytes)" % len(data))
    if ARGS.request_log:
        with open(ARGS.request_log, "ab") as f:
            f.write(data)
    return data


def close_notify(conn):
    try:
        conn.unwrap().close()
    except (OSError, ssl.SSLError) as e:
        log("unwrap:", e)
        conn.close()


def close_without_notify(conn):
    """FIN without close_notify: drop the TLS layer, then shut the TCP
    write side and drain, so the kernel sends FIN and not RST."""
    raw = socket.socket(fileno=conn.detach())
    try:
        raw.shutdown(socket.SHUT_WR)
        raw.settimeout(5)
        for _ in range(256):
            if not raw.recv(4096):
                break
    except OSError as e:
        log("drain:", e)
    raw.close()


def reset(sock):
    """Closes with RST: SO_LINGER with a zero timeout."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def response_head(status, headers):
    lines = ["HTTP/1.1 " + status] + ["%s: %s" % h for h in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def chunked(data, size=1000):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


# --- behaviours: each takes (conn, args) for one accepted connection --------

def serve_http(conn, a):
    read_request(conn)
    data = body.pattern(a.body_size)
    if a.mode == "cl":
        conn.sendall(response_head("200 OK", [("Content-Length", len(data)),
                                              ("Connection", "close")]) + data)
    elif a.mode == "chunked":
        conn.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked"),
                                              ("Connection", "close")]) + chunked(data))
    elif a.mode == "close":
        conn.sendall(response_head("200 OK", [("Connection", "close")]) + data)
    elif a.mode == "404":
        conn.sendall(response_head("404 Not Found", [("Content-Length", len(data)),
                                                     ("Connection", "close")]) + data)
    elif a.mode == "chunked-ext":
        # Chunk extensions and a trailer (RFC 9112 7.1): legal, and ignored.
        out = b""
        for i in range(0, len(data), 3000):
            part = data[i:i + 3000]
            out += b"%X;name=value;x=\"q\"\r\n" % len(part) + part + b"\r\n"
        out += b"0;last\r\nX-Trailer: yes\r\n\r\n"
        conn.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked"),
                                              ("Connection", "close")]) + out)
    else:
        sys.exit("unknown --mode for http: %s" % a.mode)
    log("sent body of %d bytes (%s)" % (len(data), a.mode))
    close_notify(conn)


def serve_truncate(conn, a):
    read_request(conn)
    data = body.pattern(a.body_size)
    cut = len(data) // 3
    if a.mode == "close":
        head = response_head("200 OK", [("Connection", "close")])
    else:
        head = response_head("200 OK", [("Content-Length", len(data)), ("Connection", "close")])
    conn.sendall(head + data[:cut])
    log("sent %d of %d body bytes, then: %s" % (cut, len(data), a.mode))
    if a.mode == "notify":
        close_notify(conn)
    elif a.mode == "stall":
        stall_until_closed(conn)
    elif a.mode == "reset":
        reset(conn)
    else:
        close_without_notify(conn)


def serve_seed(conn, a):
    read_request(conn)
    data = b"hello from " + a.name.encode() + b"\n"
    conn.sendall(response_head("200 OK", [("Content-Length", len(data)),
                                          ("Connection", "close")]) + data)
    close_notify(conn)


def serve_sni_record(conn, a):
    # The handshake (and the recording) already happened; a client that only
    # connects closes now, a client that GETs gets a small body.
    try:
        req = read_request(conn)
    except (OSError, ssl.SSLError) as e:
        log("read:", e)
        conn.close()
        return
    if req:
        data = b"recorded\n"
        conn.sendall(response_head("200 OK", [("Content-Length", len(data)),
                                              ("Connection", "close")]) + data)
    close_notify(conn)


def serve_bad_http(conn, a):
    read_request(conn)
    if a.mode == "garbage":
        conn.sendall(b"SSH-2.0-OpenSSH_9.2 this is not HTTP at all\r\n\r\n")
    elif a.mode == "bad-status":
        conn.sendall(b"HTTP/1.1 2x0 Maybe\r\nContent-Length: 3\r\n\r\nabc")
    elif a.mode == "chunk-overflow":
        conn.sendall(response_head("200 OK", [("Transfer-Encoding", "chunked")]) +
                     b"4\r\nabcd\r\nFFFFFFFFFFFFFFFFFFFFFFFF\r\nabcd\r\n0\r\n\r\n")
    elif a.mode == "endless-headers":
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
        sent = 0
        try:
            while sent < ENDLESS_HEADER_BYTES:
                conn.sendall(line)
                sent += len(line)
        except (OSError, ssl.SSLError) as e:
            log("client stopped reading after %d header bytes: %s" % (sent, e))
            conn.close()
            return
        log("sent %d header bytes without an end; now silent" % sent)
        stall_until_closed(conn)
        return
    else:
        sys.exit("unknown --mode for bad-http: %s" % a.mode)
    log("sent", a.mode)
    close_notify(conn)


MAX_DRAIN_BYTES = 64 * 1024 * 1024


def stall_until_closed(conn):
    """Holds the connection, sending nothing, until the client goes away
    (bounded: the lifetime, and at most MAX_DRAIN_BYTES read)."""
    conn.settimeout(LIFETIME_S)
    drained = 0
    try:
        while drained < MAX_DRAIN_BYTES:
            data = conn.recv(4096)
            if not data:
                break
            drained += len(data)
    except (OSError, ssl.SSLError) as e:
        log("stall ended:", e)
    log("client closed")
    conn.close()


def serve_plain(conn, a):
    first = conn.recv(4096)
    log("received %d bytes, first %s" % (len(first), first[:8].hex()))
    page = b"<html><body>400 Bad Request: this is plain HTTP</body></html>\n"
    conn.sendall(response_head("400 Bad Request", [("Content-Type", "text/html"),
                                                   ("Content-Length", len(page)),
                                                   ("Connection", "close")]) + page)
    conn.close()


def serve_hangup(conn, a):
    """Ends the TCP connection before any TLS answer: --mode fin-at-once (FIN
    before reading anything), fin or rst (FIN or RST once the ClientHello
    has arrived, so that the client is surely past its TCP connect)."""
    if a.mode != "fin-at-once":
        first = conn.recv(4096)
        log("received %d bytes, first %s" % (len(first), first[:8].hex()))
    if a.mode == "rst":
        reset(conn)
    else:
        conn.close()
    log("hung up (%s)" % a.mode)


BANNERS = {
    "ssh": b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
    "smtp": b"220 mail.iotls.example ESMTP Postfix (Debian/GNU)\r\n",
}


def serve_banner(conn, a):
    conn.sendall(BANNERS.get(a.mode, BANNERS["ssh"]))
    stall_until_closed(conn)


def serve_tls_silent(conn, a):
    read_request(conn)
    log("request read: answering nothing")
    stall_until_closed(conn)


BIG_RECORD_LEN = 20000


def serve_big_record(conn, a):
    first = conn.recv(4096)
    log("received %d bytes, first %s" % (len(first), first[:8].hex()))
    # A handshake record header (type 22, TLS 1.2) with a length no TLS 1.2
    # peer may send (RFC 5246 6.2.3: at most 2^14 + 2048).
    conn.sendall(struct.pack("!BHH", 22, 0x0303, BIG_RECORD_LEN) + bytes(1000))
    log("sent a record header claiming %d bytes" % BIG_RECORD_LEN)
    stall_until_closed(conn)


def serve_cert_close(conn, a):
    """The handshake runs over memory BIOs, so that when OpenSSL refuses a
    client without a certificate, the alert it queued is dropped and only
    the TCP connection is closed."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    pin_version(ctx, a)
    ctx.load_cert_chain(a.cert, a.key)
    ctx.load_verify_locations(a.ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(inc, out, server_side=True)
    for _ in range(64):
        try:
            tls.do_handshake()
            conn.sendall(out.read())
            log("handshake done: %s, client certificate %s"
                % (tls.version(), tls.getpeercert().get("subject")))
            conn.close()
            return
        except ssl.SSLWantReadError:
            pending = out.read()
            if pending:
                conn.sendall(pending)
            data = conn.recv(16384)
            if not data:
                log("client closed")
                conn.close()
                return
            inc.write(data)
        except ssl.SSLError as e:
            dropped = out.read()
            log("handshake refused (%s): dropping %d bytes (the alert), closing" % (e, len(dropped)))
            close_socket_fin(conn)
            return
    log("handshake did not finish in 64 rounds: closing")
    conn.close()


def close_socket_fin(sock):
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(5)
    try:
        for _ in range(256):
            if not sock.recv(4096):
                break
    except OSError as e:
        log("drain:", e)
    sock.close()


# --- http-api: what `iotls get -H -X -d -L -f` sends and follows -------------

MAX_API_BODY = 4 * 1024 * 1024
API_STATE = {"sni": None}  # the SNI of the connection being served
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other",
           307: "Temporary Redirect", 308: "Permanent Redirect", 404: "Not Found",
           500: "Internal Server Error"}


def read_api_request(conn):
    """(method, target, [(name, value)], body): the head, then a
    Content-Length body (bounded by MAX_API_BODY)."""
    data = read_request(conn)
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    method, target = (parts[0], parts[1]) if len(parts) == 3 else ("?", "/")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append([name, value.strip()])
    length = 0
    for name, value in headers:
        if name.lower() == "content-length":
            length = int(value)
    if length > MAX_API_BODY:
        raise OSError("request body of %d bytes: too large" % length)
    while len(rest) < length:  # each round reads at least one byte or ends
        chunk = conn.recv(min(65536, length - len(rest)))
        if not chunk:
            break
        rest += chunk
    return method, target, headers, rest[:length]


def api_send(conn, method, status, headers, data):
    head = response_head("%d %s" % (status, REASONS.get(status, "Status")),
                         headers + [("Content-Length", len(data)), ("Connection", "close")])
    conn.sendall(head if method == "HEAD" else head + data)
    log("answered %d with %d body bytes" % (status, 0 if method == "HEAD" else len(data)))


def serve_api(conn, a):
    method, target, headers, req_body = read_api_request(conn)
    path = target.split("?", 1)[0]
    seg = path.split("/")

    def redirect(code, location):
        api_send(conn, method, code, [("Location", location)],
                 b"redirecting to " + location.encode() + b"\n")

    if seg[-1] == "echo":
        doc = {"method": method, "path": target, "headers": headers,
               "body": req_body.decode("latin-1"), "sni": API_STATE["sni"],
               "tls": conn.version()}
        api_send(conn, method, 200, [("Content-Type", "application/json")],
                 (json.dumps(doc) + "\n").encode())
    elif len(seg) == 4 and seg[1] == "redirect" and seg[2].isdigit() and seg[3].isdigit():
        n = int(seg[3])
        redirect(int(seg[2]), "/redirect/%s/%d" % (seg[2], n - 1) if n > 1 else "/echo")
    elif seg[1] == "rel":
        redirect(302, "../echo?from=rel")
    elif len(seg) == 3 and seg[1] == "cross" and seg[2].isdigit():
        redirect(int(seg[2]), "https://%s:%d/echo" % (a.alt_name, a.port))
    elif len(seg) == 3 and seg[1] == "cross-to":
        redirect(302, "https://%s:%d/echo" % (seg[2], a.port))
    elif path == "/to-http":
        redirect(302, "http://%s:%d/echo" % (a.name, a.port))
    elif path == "/loop":
        redirect(302, "/loop")
    elif len(seg) == 3 and seg[1] == "status" and seg[2].isdigit():
        api_send(conn, method, int(seg[2]), [("Content-Type", "text/plain")],
                 b"status " + seg[2].encode() + b" body\n")
    elif len(seg) == 3 and seg[1] == "big" and seg[2].isdigit():
        api_send(conn, method, 200, [], body.pattern(int(seg[2])))
    else:
        api_send(conn, method, 404, [], b"no route for " + path.encode() + b"\n")
    log("%s %s (sni %r)" % (method, target, API_STATE["sni"]))
    close_notify(conn)


def api_context(a):
    """The main certificate, and the --alt-cert one for SNI --alt-name."""
    alt = None
    if a.alt_cert:
        alt = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        pin_version(alt, a)
        alt.load_cert_chain(a.alt_cert, a.alt_key)

    def on_sni(sslobj, server_name, ctx):
        API_STATE["sni"] = server_name
        if alt is not None and server_name == a.alt_name:
            sslobj.context = alt
            log("sni %r: the --alt-cert certificate" % server_name)
        else:
            log("sni %r" % server_name)
        return None
    return tls_context(a, on_sni)


# --- a server intolerant of TLS 1.3 ----------------------------------------------

TLS13 = 0x0304
MAX_HELLO_RECORD = 16384 + 5


def peek_record(conn):
    """The first TLS record, read with MSG_PEEK (so it stays in the socket
    for the ssl module): None if the peer sent something else or closed
    first. MSG_WAITALL makes the kernel wait for the whole record (Linux
    honours it with MSG_PEEK); each wait is bounded by the socket timeout."""
    head = conn.recv(5, socket.MSG_PEEK | socket.MSG_WAITALL)
    if len(head) < 5 or head[0] != 22:
        return None
    need = 5 + struct.unpack("!H", head[3:5])[0]
    if need > MAX_HELLO_RECORD:
        return None
    record = conn.recv(need, socket.MSG_PEEK | socket.MSG_WAITALL)
    return record if len(record) == need else None


def offered_versions(record):
    """The versions in the ClientHello's supported_versions extension (RFC
    8446 4.2.1), [] if it has none, None if the record is no ClientHello.
    Every length is checked against what is there."""
    body = record[5:]
    if len(body) < 4 or body[0] != 1:
        return None
    hello = body[4:4 + int.from_bytes(body[1:4], "big")]
    pos = 2 + 32                                    # legacy_version, random
    for width in (1, 2, 1):                         # session id, suites, compression
        if pos + width > len(hello):
            return None
        pos += width + int.from_bytes(hello[pos:pos + width], "big")
    if pos + 2 > len(hello):
        return []                                   # no extensions at all
    end = min(len(hello), pos + 2 + int.from_bytes(hello[pos:pos + 2], "big"))
    pos += 2
    while pos + 4 <= end:
        ext, size = struct.unpack("!HH", hello[pos:pos + 4])
        data = hello[pos + 4:pos + 4 + size]
        pos += 4 + size
        if ext == 43 and data:
            n = min(data[0], len(data) - 1)
            return [int.from_bytes(data[1 + i:3 + i], "big") for i in range(0, n - 1, 2)]
    return []


def serve_tls13_intolerant(conn, a):
    record = peek_record(conn)
    if record is None:
        log("no TLS ClientHello: closing")
        conn.close()
        return
    versions = offered_versions(record)
    log("ClientHello offers supported_versions %s"
        % (None if versions is None else ["0x%04x" % v for v in versions]))
    if versions and TLS13 in versions:
        conn.recv(len(record))  # consume it: closing with unread data would send RST
        if a.mode == "alert70":
            # A fatal protocol_version alert in a TLS 1.2 record.
            conn.sendall(bytes([21, 3, 3, 0, 2, 2, 70]))
            log("TLS 1.3 offered: answered fatal alert 70 (protocol_version)")
        else:
            log("TLS 1.3 offered: closing without an answer")
        close_socket_fin(conn)
        return
    ctx = tls_context(a)
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    tls = ctx.wrap_socket(conn, server_side=True)
    log("no TLS 1.3 offered: handshake done: %s %s" % (tls.version(), tls.cipher()[0]))
    try:
        req = read_request(tls)
    except (OSError, ssl.SSLError) as e:
        log("read:", e)
        tls.close()
        return
    if req:
        data = b"hello over " + tls.version().encode() + b"\n"
        tls.sendall(response_head("200 OK", [("Content-Length", len(data)),
                                             ("Connection", "close")]) + data)
    close_notify(tls)


# --- TLS contexts ----------------------------------------------------------------

TLS_PIN = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def pin_version(ctx, a):
    """--tls 1.2 / 1.3: that version only (minimum = maximum)."""
    if a.tls:
        ctx.minimum_version = ctx.maximum_version = TLS_PIN[a.tls]


def tls_context(a, sni_callback=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    pin_version(ctx, a)
    ctx.load_cert_chain(a.cert, a.key)
    if sni_callback is not None:
        ctx.sni_callback = sni_callback
    return ctx


def seed_context(a):
    def on_sni(sslobj, server_name, ctx):
        if server_name != a.name:
            log("sni %r: answering fatal alert 40" % server_name)
            return ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE
        log("sni %r: accepted" % server_name)
        return None
    return tls_context(a, on_sni)


def record_context(a):
    def on_sni(sslobj, server_name, ctx):
        log("sni %r" % server_name)
        with open(a.record, "a") as f:
            f.write(json.dumps({"sni": server_name}) + "\n")
        return None
    return tls_context(a, on_sni)


BEHAVIOURS = {
    # name: (make TLS context or None for plain TCP, serve one connection)
    "seed": (seed_context, serve_seed),
    "http": (tls_context, serve_http),
    "truncate": (tls_context, serve_truncate),
    "stall": (None, lambda conn, a: stall_until_closed(conn)),
    "plain": (None, serve_plain),
    "banner": (None, serve_banner),
    "tls-silent": (tls_context, serve_tls_silent),
    "cert-close": (None, serve_cert_close),
    "big-record": (None, serve_big_record),
    "full-backlog": (None, None),
    "hangup": (None, serve_hangup),
    "sni-record": (record_context, serve_sni_record),
    "bad-http": (tls_context, serve_bad_http),
    "tls13-intolerant": (None, serve_tls13_intolerant),
    "http-api": (api_context, serve_api),
}
# Behaviours that speak TLS through the ssl module and so take --tls: the
# catalog's list, so that it registers version runs for exactly these.
TLS_BEHAVIOURS = catalog.PYTHON_TLS_BEHAVIOURS
assert TLS_BEHAVIOURS <= set(BEHAVIOURS), "catalog.PYTHON_TLS_BEHAVIOURS names a behaviour servers.py lacks"


def hold_full_backlog(lsock, family):
    lsock.listen(0)
    addr = lsock.getsockname()[:2]
    fillers = []
    for _ in range(2):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(addr)  # the second one may itself stay in SYN_SENT
        fillers.append(s)
    log("accept queue filled with %d connections of our own" % len(fillers))
    log("ACCEPT %d" % addr[1])
    # Nothing more to do: SIGTERM (or the lifetime alarm, whose default
    # action ends the process) ends it. Bounded: each pause ends with a signal.
    for _ in range(MAX_CONNECTIONS):
        signal.pause()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("behaviour", choices=sorted(BEHAVIOURS))
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", help="certificate chain file (leaf first)")
    ap.add_argument("--key")
    ap.add_argument("--ca", help="CA file the cert-close server checks client certificates with")
    ap.add_argument("--record", help="file the sni-record server appends to")
    ap.add_argument("--body-size", type=int, default=2048)
    ap.add_argument("--mode", default="cl")
    ap.add_argument("--name", default="test.iotls.example", help="the seed server's name")
    ap.add_argument("--request-log", help="file the HTTP request heads are appended to")
    ap.add_argument("--alt-name", default="other.iotls.example",
                    help="http-api: the second name (SNI) it serves, and /cross redirects to")
    ap.add_argument("--alt-cert", help="http-api: certificate chain for --alt-name")
    ap.add_argument("--alt-key", help="http-api: its key")
    ap.add_argument("--tls", choices=sorted(TLS_PIN),
                    help="pin a TLS behaviour to this protocol version only")
    a = ap.parse_args()
    global ARGS
    ARGS = a
    if a.listen not in ("127.0.0.1", "::1"):
        sys.exit("servers.py: refusing to listen on %s: loopback only" % a.listen)
    if a.tls and a.behaviour not in TLS_BEHAVIOURS:
        sys.exit("servers.py: --tls: %s does not speak TLS through the ssl module, so it "
                 "cannot be pinned to a version" % a.behaviour)

    # Ends a server whose runner is gone; SIGTERM from the runner ends it now.
    signal.alarm(LIFETIME_S)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    make_ctx, serve = BEHAVIOURS[a.behaviour]
    ctx = make_ctx(a) if make_ctx else None
    if a.behaviour == "sni-record" and not a.record:
        sys.exit("servers.py: sni-record needs --record FILE")

    family = socket.AF_INET6 if ":" in a.listen else socket.AF_INET
    lsock = socket.socket(family, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((a.listen, a.port))
    if a.behaviour == "full-backlog":
        hold_full_backlog(lsock, family)
        return
    lsock.listen(8)
    log("ACCEPT %d" % lsock.getsockname()[1])

    for n in range(MAX_CONNECTIONS):
        conn, peer = lsock.accept()
        log("connection %d from %s" % (n + 1, peer[0]))
        conn.settimeout(IO_TIMEOUT_S)
        started = time.monotonic()
        try:
            if ctx is not None:
                conn = ctx.wrap_socket(conn, server_side=True)
                log("handshake done: %s %s" % (conn.version(), conn.cipher()[0]))
            serve(conn, a)
        except (OSError, ssl.SSLError) as e:
            log("connection %d failed: %s" % (n + 1, e))
            try:
                conn.close()
            except OSError:
                pass
        log("connection %d done in %.3f s" % (n + 1, time.monotonic() - started))
    log("served %d connections: exiting" % MAX_CONNECTIONS)


if __name__ == "__main__":
    main()
