#!/usr/bin/env python3
"""A tiny DNS responder for the device DNS test (RFC 1035, UDP only).

Answers exactly one name (--name, compared without regard to case, as DNS
names are) with one A record (--address, TTL 0 so that every lookup of the
device reaches the wire) and every other name with NXDOMAIN. It answers
only standard queries with one question; other well-formed messages get
FORMERR or NOTIMP, and datagrams too short for a header are dropped.

Each query is logged as one line "query <name> type=<n> class=<n> from
<addr>" to --log, flushed at once: the test reads it to see what the device
asked for. Listens on 127.0.0.1 only, on a free port, prints "READY <port>"
and runs until it is killed (the test stops it by PID).
"""
import argparse
import socket
import struct
import sys

TYPE_A, CLASS_IN = 1, 1
RCODE_OK, RCODE_FORMERR, RCODE_NXDOMAIN, RCODE_NOTIMP = 0, 1, 3, 4
MAX_LABEL, MAX_NAME = 63, 255


class Malformed(Exception):
    pass


def parse_question(msg):
    """The question of a query: (labels, qtype, qclass, end offset).
    Queries carry no compression pointers (RFC 1035 4.1.4 allows them only
    to earlier names, and the question is the first name)."""
    pos, labels, total = 12, [], 0
    while True:
        if pos >= len(msg):
            raise Malformed("name runs past the end")
        n = msg[pos]
        pos += 1
        if n == 0:
            break
        if n & 0xC0:
            raise Malformed("pointer or reserved label type in the question")
        if n > MAX_LABEL or pos + n > len(msg):
            raise Malformed("bad label length")
        labels.append(msg[pos:pos + n])
        total += n + 1
        if total + 1 > MAX_NAME:
            raise Malformed("name too long")
        pos += n
    if pos + 4 > len(msg):
        raise Malformed("no type and class")
    qtype, qclass = struct.unpack("!HH", msg[pos:pos + 4])
    return labels, qtype, qclass, pos + 4


def display(labels):
    return ".".join(l.decode("ascii", "backslashreplace") for l in labels) or "."


def answer(msg, name, address, log, peer):
    """The reply to one datagram, or None to drop it."""
    if len(msg) < 12:
        return None
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    if flags & 0x8000:
        return None                      # a response: never answer those
    opcode = (flags >> 11) & 0xF
    rd = flags & 0x0100

    def header(rcode, ancount, qdcount):
        # QR=1, the query's opcode and RD, AA=1 (we are the authority here)
        f = 0x8000 | (opcode << 11) | 0x0400 | rd | rcode
        return struct.pack("!HHHHHH", qid, f, qdcount, ancount, 0, 0)

    if opcode != 0:
        return header(RCODE_NOTIMP, 0, 0)
    if qd != 1:
        return header(RCODE_FORMERR, 0, 0)
    try:
        labels, qtype, qclass, end = parse_question(msg)
    except Malformed as e:
        log.write("malformed query from %s: %s\n" % (peer, e))
        log.flush()
        return header(RCODE_FORMERR, 0, 0)
    question = msg[12:end]
    shown = display(labels)
    log.write("query %s type=%d class=%d from %s\n" % (shown, qtype, qclass, peer))
    log.flush()
    if shown.lower() != name.lower():
        return header(RCODE_NXDOMAIN, 0, 1) + question
    if qtype != TYPE_A or qclass != CLASS_IN:
        return header(RCODE_OK, 0, 1) + question     # the name exists, no such record
    # The answer's name is a pointer to the question's (offset 12).
    rr = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, 0, 4) + socket.inet_aton(address)
    return header(RCODE_OK, 1, 1) + question + rr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True, help="the only name that resolves")
    ap.add_argument("--address", required=True, help="its IPv4 address")
    ap.add_argument("--log", required=True, help="file the queries are logged to")
    args = ap.parse_args()
    socket.inet_aton(args.address)  # fail early on a bad address

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    with open(args.log, "a") as log:
        print("READY %d" % sock.getsockname()[1], flush=True)
        while True:
            msg, peer = sock.recvfrom(4096)
            reply = answer(msg, args.name, args.address, log, "%s:%d" % peer)
            if reply is not None:
                sock.sendto(reply, peer)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
