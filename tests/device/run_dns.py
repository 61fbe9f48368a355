#!/usr/bin/env python3
"""ctest device.qemu_dns: iotls resolving a name through LwIP's DNS client
in QEMU, on loopback only.

The test runs its own DNS responder (dns_server.py) on 127.0.0.1:<free UDP
port>; QEMU's user networking carries the guest's datagrams to 10.0.2.2 to
the host's 127.0.0.1, as it does TCP. The firmware (mode=dns) is told that
port and uses 10.0.2.2 as its only DNS server (never QEMU's forwarder
10.0.2.3, which would ask the host's resolver). The responder answers the
test name with 10.0.2.2 (TTL 0) and any other name with NXDOMAIN.

Asserts: the name resolves to 10.0.2.2; iotls connects to the TLS server by
name (no connect address) and verifies its certificate; a second name gives
IOTLS_ERR_DNS at stage dns with the dns_failure diagnosis and dials nothing;
the responder saw queries for exactly those two names and the TLS server
one connection; the firmware's egress guard blocked nothing (every packet
went to 10.0.2.2); nothing leaked."""
import os
import re
import socket
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402

NX_NAME = "missing.device.test"
ANSWER = "10.0.2.2"


def query(qid, name, qtype=1, raw_question=None):
    """A standard query (RD set) for name, as a resolver sends it."""
    q = raw_question
    if q is None:
        q = b"".join(bytes([len(l)]) + l.encode("ascii") for l in name.split(".")) + b"\0"
        q += struct.pack("!HH", qtype, 1)
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q


def parse_reply(msg):
    """(id, rcode, flags, ancount, first A record's address or None)."""
    qid, flags, qd, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
    addr = None
    if an:
        pos = 12
        for _ in range(qd):            # skip the echoed question
            while msg[pos] != 0:
                pos += 1 + msg[pos]
            pos += 5
        pos += 2                       # the answer's name: a pointer
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
        if rtype == 1 and rdlen == 4:
            addr = socket.inet_ntoa(msg[pos + 10:pos + 14])
    return qid, flags & 0xF, flags, an, addr


def closed_udp_port():
    """A UDP port on 127.0.0.1 that nothing listens on (bound, then released)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check_responder(port):
    """The responder, asked from the host before the device is: the right
    answers, and no answer (nor a crash) for junk. Returns failures."""
    failures = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.connect(("127.0.0.1", port))

    def ask(msg):
        s.send(msg)
        return parse_reply(s.recv(4096))

    cases = [
        (1, query(1, devtest.SERVER_NAME), (0, 1, ANSWER), "A for the test name"),
        (2, query(2, devtest.SERVER_NAME.upper()), (0, 1, ANSWER), "names are case-blind"),
        (3, query(3, NX_NAME), (3, 0, None), "NXDOMAIN for another name"),
        (4, query(4, devtest.SERVER_NAME, qtype=28), (0, 0, None), "no AAAA record"),
        (5, query(5, "", raw_question=b"\xc0\x0c\0\1\0\1"), (1, 0, None),
         "FORMERR for a pointer in the question"),
        (6, query(6, "", raw_question=b"\x05ab"), (1, 0, None), "FORMERR for a cut name"),
    ]
    try:
        for qid, msg, want, what in cases:
            got_id, rcode, flags, an, addr = ask(msg)
            if got_id != qid or not flags & 0x8000 or (rcode, an, addr) != want:
                failures.append("responder: %s: got rcode %d, %d answer(s), %s"
                                % (what, rcode, an, addr))
        # Too short for a header: dropped; the next query is still answered.
        s.send(b"\x00\x07\x01")
        got_id, rcode, _, _, addr = ask(query(7, devtest.SERVER_NAME))
        if (got_id, rcode, addr) != (7, 0, ANSWER):
            failures.append("responder: a runt datagram was answered or broke it")
    except (socket.timeout, OSError, struct.error, IndexError) as e:
        failures.append("responder: no usable answer from the host side: %s" % e)
    finally:
        s.close()
    return failures
CHECKS = ["egress_guard", "dns_resolve", "dns_connect", "dns_nxdomain", "dns_timeout",
          "dns_timeout_on_time", "dns_after_timeout", "dns_no_leak", "egress_host_only"]


def main():
    args, qemu = devtest.parse_args()

    with tempfile.TemporaryDirectory(prefix="iotls-devdns-") as work:
        ca, chain, key = devtest.make_chain(work, "ecdsa")
        body, _ = devtest.make_body(work, 100)
        queries_path = os.path.join(work, "dns-queries.log")
        tls = devtest.Server(chain, key, body, work, "tls")
        dns = None
        try:
            dns = devtest.Server(None, None, None, work, "dns", script="dns_server.py",
                                 argv=["--name", devtest.SERVER_NAME, "--address", "10.0.2.2",
                                       "--log", queries_path])
            host_failures = check_responder(dns.port)
            # The device's queries are what the log holds from here on.
            with open(queries_path) as f:
                host_queries = len(f.read())
            status, console = devtest.run_qemu(
                qemu, args.firmware,
                ["mode=dns", "host=" + devtest.SERVER_NAME, "port=%d" % tls.port, "ca=" + ca,
                 "dnsport=%d" % dns.port, "nxhost=" + NX_NAME,
                 "dnsdead=%d" % closed_udp_port(),
                 "seed=" + os.urandom(32).hex()],
                timeout=args.timeout)
        finally:
            tls_log = tls.stop()
            dns_log = dns.stop() if dns else ""
        with open(queries_path) as f:
            queries = f.read()[host_queries:]

    print(console)
    print("---- DNS queries ----\n" + queries)
    failures = list(host_failures)

    def expect(pattern, what):
        if not re.search(pattern, console, re.M):
            failures.append("console lacks %s (/%s/)" % (what, pattern))

    if status is None:
        failures.append("QEMU did not finish within %.0f s" % args.timeout)
    elif status != 0:
        failures.append("firmware exit status %d, expected 0" % status)
    for name in CHECKS:
        results = re.findall(r"^CHECK %s: (\w+)" % name, console, re.M)
        if not results:
            failures.append("check %s did not run" % name)
        elif any(r != "ok" for r in results):
            failures.append("check %s failed" % name)
    expect(r"^dns: server 10\.0\.2\.2 port %d " % dns.port, "the DNS server 10.0.2.2 and its port")
    expect(r"resolve %s: ok \(0\) -> 10\.0\.2\.2$" % re.escape(devtest.SERVER_NAME),
           "the name resolved to 10.0.2.2")
    expect(r"^\[dns\] connected to %s \(dialed 10\.0\.2\.2\): .*certificate verified for \"%s\""
           % (re.escape(devtest.SERVER_NAME), re.escape(devtest.SERVER_NAME)),
           "the connection by name")
    expect(r"^\[nx\] dns \(-10\) at stage dns$", "IOTLS_ERR_DNS at stage dns")
    expect(r"^iotls: .*%s" % re.escape(NX_NAME), "iotls's explanation naming the missing name")
    expect(r"^diagnosis: .*cause: dns_failure", "the dns_failure diagnosis")
    expect(r"^\[timeout\] dns_timeout \(-11\) at stage dns after \d+ ms$",
           "IOTLS_ERR_DNS_TIMEOUT at stage dns")
    expect(r"^iotls: .*no answer from DNS for \"%s\"" % re.escape(devtest.SERVER_NAME),
           "iotls's explanation of the DNS timeout")
    expect(r"^dns: PASS", "the verdict")
    if "EGRESS BLOCKED" in console:
        failures.append("the firmware tried to send to an address other than 10.0.2.2")
    if "10.0.2.3" in console:
        failures.append("the console mentions QEMU's DNS forwarder 10.0.2.3")

    # What the responder saw: both names, A/IN queries, nothing else.
    seen = re.findall(r"^query (\S+) type=(\d+) class=(\d+) from (\S+)$", queries, re.M)
    names = {n.lower() for n, _, _, _ in seen}
    if devtest.SERVER_NAME not in names:
        failures.append("the responder saw no query for %s" % devtest.SERVER_NAME)
    if NX_NAME not in names:
        failures.append("the responder saw no query for %s" % NX_NAME)
    if names - {devtest.SERVER_NAME, NX_NAME}:
        failures.append("the responder saw other names: %s"
                        % sorted(names - {devtest.SERVER_NAME, NX_NAME}))
    if any((t, c) != ("1", "1") for _, t, c, _ in seen):
        failures.append("a query that was not type A, class IN")
    if not all(src.startswith("127.0.0.1:") for _, _, _, src in seen):
        failures.append("a query that did not come from 127.0.0.1")
    if "malformed" in queries:
        failures.append("the responder found a malformed query")
    # The TLS server: one connection (the name that resolved), none for
    # the missing name.
    handshakes = re.findall(r"^127\.0\.0\.1 ", tls_log, re.M)
    if len(handshakes) != 1 or "handshake failed" in tls_log:
        failures.append("the TLS server saw %d connection(s), expected 1: %s"
                        % (len(handshakes), tls_log.strip()))
    if failures:
        print("---- TLS server log ----\n" + tls_log)
        print("---- DNS responder stderr ----\n" + dns_log)
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print("PASS: device DNS through LwIP, on loopback")
    return 0


if __name__ == "__main__":
    sys.exit(main())
