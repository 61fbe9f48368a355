#!/usr/bin/env python3
"""A TCP server on 127.0.0.1:<free port> that accepts connections and never
sends a byte: a peer that stalls the handshake. Prints "READY <port>" and
runs until it is killed (the test stops it by PID)."""
import socket
import sys


def main():
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    print("READY %d" % lsock.getsockname()[1], flush=True)
    held = []
    while True:
        conn, peer = lsock.accept()
        print("accepted %s, staying silent" % peer[0], flush=True)
        held.append(conn)  # kept open, never written to


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
