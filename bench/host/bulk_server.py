#!/usr/bin/env python3
"""HTTPS bulk server for bench/host/run.py's throughput figure.

    bulk_server.py --port N --cert CHAIN.pem --key KEY --size BYTES [--tls 1.2|1.3]

Listens on 127.0.0.1:N and answers every GET with an HTTP/1.1 200, a
Content-Length of BYTES and BYTES of body, sent in 1 MiB writes from one
buffer made at start (no file or generator in the loop, so the server costs
only OpenSSL's record encryption), then close_notify and close. Prints
"ACCEPT <port>" once listening. Bounded: at most MAX_CONNECTIONS
connections and LIFETIME_S seconds of life; socket timeouts on every call.
"""

import argparse
import signal
import socket
import ssl
import sys

MAX_CONNECTIONS = 100
LIFETIME_S = 1800
IO_TIMEOUT_S = 60
CHUNK = 1 << 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--tls", choices=("1.2", "1.3"))
    a = ap.parse_args()
    signal.alarm(LIFETIME_S)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    if a.tls:
        v = ssl.TLSVersion.TLSv1_2 if a.tls == "1.2" else ssl.TLSVersion.TLSv1_3
        ctx.minimum_version = ctx.maximum_version = v
    chunk = memoryview(bytes(range(256)) * (CHUNK // 256))
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {a.size}\r\nConnection: close\r\n\r\n").encode()

    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", a.port))
    lsock.listen(8)
    print(f"ACCEPT {a.port}", flush=True)
    for _ in range(MAX_CONNECTIONS):
        raw, _ = lsock.accept()
        raw.settimeout(IO_TIMEOUT_S)
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
            req = b""
            while b"\r\n\r\n" not in req and len(req) < 65536:
                d = conn.recv(4096)
                if not d:
                    break
                req += d
            if b"\r\n\r\n" not in req:
                conn.close()
                continue
            conn.sendall(head)
            left = a.size
            while left > 0:
                n = min(left, CHUNK)
                conn.sendall(chunk[:n])
                left -= n
            try:
                conn.unwrap()  # close_notify; waits for the client's
            except (ssl.SSLError, OSError):
                pass
            conn.close()
        except (ssl.SSLError, OSError) as e:
            print(f"connection failed: {e}", file=sys.stderr, flush=True)
            raw.close()


if __name__ == "__main__":
    main()
