#!/usr/bin/env python3
"""ctest device.qemu_small_records: small TLS records for small RAM, on
the small-record image (firmware-small.elf: IOTLS_FW_RECORD_LIMIT, a
4 KB input buffer), mode=records (firmware/mps2-an500/app/records.c):

  tls13  gnutls-serv --http over TLS 1.3, which honours the client's
         record_size_limit (RFC 8449)
  mfl12  OpenSSL (tls_server.py) over TLS 1.2, which honours
         max_fragment_length (RFC 6066) when the device asks for it
  big13  OpenSSL over TLS 1.3, which ignores record_size_limit and sends
         16 KB records: the device must fail with cause record_too_large

each serving a 20000-byte page (several times the buffer). Asserts tls13
and mfl12 fetch it whole (body SHA-256), big13 fails as said, and the
peak heap of the tls13 fetch is at least (16384 - buffer - 512) bytes below
the default image's (firmware.elf, same server). gnutls-serv cannot listen
on loopback only, so the whole test (servers and QEMU, whose guest reaches
the host's 127.0.0.1 as 10.0.2.2) runs in its own network namespace with
only lo."""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402

NETNS_ENV = "IOTLS_RECORDS_NETNS"


def in_own_netns():
    """Re-runs this script under unshare -n with lo up; returns its status."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if not unshare or not ip:
        raise SystemExit("unshare and ip (util-linux, iproute2) are needed")
    env = dict(os.environ, **{NETNS_ENV: "1"})
    cmd = [unshare, "-n", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
           sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    return subprocess.run(cmd, env=env, timeout=900).returncode


class Gnutls:
    """gnutls-serv --http on a free port, TLS 1.3 only, serving body."""

    def __init__(self, chain, key, body, workdir):
        gnutls = shutil.which("gnutls-serv")
        if not gnutls:
            raise SystemExit("gnutls-serv not found (gnutls-bin)")
        self.port = devtest.closed_port()
        self.log = open(os.path.join(workdir, "gnutls-serv.log"), "w")
        self.proc = subprocess.Popen(
            [gnutls, "-p", str(self.port), "--http", "--httpdata=" + body,
             "--x509certfile", chain, "--x509keyfile", key,
             "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)  # polling the port, bounded by the deadline
        self.stop()
        raise RuntimeError("gnutls-serv did not start; see %s" % self.log.name)

    def stop(self):
        devtest.stop_process(self.proc)
        self.log.close()


def lines(console):
    out = {}
    for m in re.finditer(r"^RECORDS (\w+) (rc=.*)$", console, re.M):
        out[m.group(1)] = dict(w.split("=", 1) for w in m.group(2).split() if "=" in w)
    return out


def run(qemu, firmware, ports, ca, timeout, failures, tag):
    argv = ["mode=records", "host=" + devtest.SERVER_NAME, "ca=" + ca,
            "seed=" + os.urandom(32).hex()]
    argv += ["%s=%d" % (k, v) for k, v in ports.items()]
    status, console = devtest.run_qemu(qemu, firmware, argv, timeout=timeout)
    print(console)
    if status is None:
        failures.append("%s: QEMU did not finish within %.0f s" % (tag, timeout))
    elif status != 0:
        failures.append("%s: firmware exit status %d, expected 0" % (tag, status))
    return lines(console)


def main():
    if os.environ.get(NETNS_ENV) != "1":
        return in_own_netns()
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--firmware", required=True, help="firmware-small.elf")
    ap.add_argument("--default-firmware", required=True, help="firmware.elf")
    ap.add_argument("--qemu")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    qemu = devtest.find_qemu(args.qemu)
    failures = []
    with tempfile.TemporaryDirectory(prefix="iotls-devrecords-") as work:
        ca, chain, key = devtest.make_chain(work, "ecdsa")
        body, digest = devtest.make_body(work, 20000)
        servers = []
        try:
            g = Gnutls(chain, key, body, work)
            servers.append(g)
            s12 = devtest.Server(chain, key, body, work, "tls12",
                                 argv=["--cert", chain, "--key", key, "--name",
                                       devtest.SERVER_NAME, "--body", body, "--tls", "1.2"])
            servers.append(s12)
            s13 = devtest.Server(chain, key, body, work, "tls13",
                                 argv=["--cert", chain, "--key", key, "--name",
                                       devtest.SERVER_NAME, "--body", body, "--tls", "1.3"])
            servers.append(s13)
            small = run(qemu, args.firmware,
                        {"port": g.port, "port2": s12.port, "port3": s13.port}, ca,
                        args.timeout, failures, "small image")
            default = run(qemu, args.default_firmware, {"port": g.port}, ca, args.timeout,
                          failures, "default image")
        finally:
            for s in servers:
                s.stop()
    for label, version in (("tls13", "TLSv1.3"), ("mfl12", "TLSv1.2")):
        r = small.get(label)
        if r is None:
            failures.append("%s: no RECORDS line" % label)
        elif (r.get("rc") != "ok" or r.get("http") != "1" or r.get("version") != version or
              r.get("sha256") != digest):
            failures.append("%s: rc %s http %s version %s body %s bytes, expected ok, 200, %s "
                            "and the page's SHA-256" % (label, r.get("rc"), r.get("http"),
                                                        r.get("version"), r.get("body"),
                                                        version))
    r = small.get("big13")
    if r is None:
        failures.append("big13: no RECORDS line")
    elif r.get("rc") != "record_too_large" or r.get("cause") != "record_too_large":
        failures.append("big13: rc %s cause %s, expected record_too_large (OpenSSL ignores "
                        "record_size_limit)" % (r.get("rc"), r.get("cause")))
    s, d = small.get("tls13", {}), default.get("tls13", {})
    if d.get("rc") != "ok" or d.get("sha256") != digest:
        failures.append("default image: rc %s, expected the page" % d.get("rc"))
    buf = int(s.get("in_buffer", 16384))
    sp, dp = int(s.get("heap_peak", 0)), int(d.get("heap_peak", 0))
    print("HEAP tls13 small=%d (input buffer %d) default=%d (input buffer %s) saved=%d"
          % (sp, buf, dp, d.get("in_buffer"), dp - sp))
    if buf >= 16384 or not sp or dp - sp < 16384 - buf - 512:
        failures.append("peak heap %d vs %d: expected at least %d bytes saved"
                        % (sp, dp, 16384 - buf - 512))
    for f in failures:
        print("FAIL:", f)
    print("device small records: %s" % ("PASS" if not failures else "FAIL"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
