#!/usr/bin/env python3
"""A TLS 1.2 and 1.3 web server for the device tests, shaped like the seed case's
server: it serves one name, answers a ClientHello with any other SNI with a
fatal handshake_failure alert (40) as Google's front end does, and answers
GET with a fixed body, then close_notify.

Listens on 127.0.0.1 only, on a free port, and prints "READY <port>" once
it accepts connections. Runs until it is killed (the test stops it by PID).
"""
import argparse
import socket
import ssl
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True, help="leaf (+ intermediates) PEM")
    ap.add_argument("--key", required=True)
    ap.add_argument("--name", required=True, help="the only SNI served")
    ap.add_argument("--body", required=True, help="file served for GET")
    ap.add_argument("--hold", action="store_true",
                    help="after close_notify keep each TCP connection open (never send "
                         "FIN) until the server is stopped, like a server that ignores the "
                         "client's close")
    ap.add_argument("--tls", choices=("1.2", "1.3"),
                    help="serve this protocol version only (default: 1.2 and 1.3)")
    args = ap.parse_args()

    with open(args.body, "rb") as f:
        body = f.read()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if args.tls is not None:
        pinned = ssl.TLSVersion.TLSv1_3 if args.tls == "1.3" else ssl.TLSVersion.TLSv1_2
        ctx.minimum_version = ctx.maximum_version = pinned
    ctx.load_cert_chain(args.cert, args.key)

    last_sni = [None]  # connections are served one at a time
    held = []          # --hold: the connections kept open

    def on_sni(sslobj, server_name, _ctx):
        last_sni[0] = server_name
        # None: no SNI at all (an IP literal); serve the certificate then.
        if server_name is not None and server_name != args.name:
            print("sni rejected with alert 40: %s" % server_name, flush=True)
            return ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE
        return None

    ctx.sni_callback = on_sni

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    print("READY %d" % lsock.getsockname()[1], flush=True)

    while True:
        conn, peer = lsock.accept()
        conn.settimeout(30)
        last_sni[0] = None
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as e:
            print("handshake failed: %s" % e, flush=True)
            conn.close()
            continue
        try:
            req = b""
            while b"\r\n\r\n" not in req and len(req) < 8192:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                req += chunk
            line = req.split(b"\r\n", 1)[0].decode("latin-1")
            print("%s %s sni=%s cipher=%s" % (peer[0], line, last_sni[0],
                                              tls.cipher()[0]), flush=True)
            if line.startswith("GET "):
                head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                        "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
                tls.sendall(head.encode("ascii") + body)
            try:
                tls.unwrap()  # close_notify: a clean end for the client
                if args.hold:
                    held.append(tls)  # the TCP connection: its side never closed
            except (ssl.SSLError, OSError):
                pass
        except (ssl.SSLError, OSError) as e:
            print("connection error: %s" % e, flush=True)
        finally:
            if not held or held[-1] is not tls:
                tls.close()  # owns the descriptor (wrap_socket detached conn)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
