#!/usr/bin/env python3
"""ctest device.qemu_seed_case: the firmware in QEMU against a real TLS
server on 127.0.0.1. Certificates, the page, the port and the test entropy
seed are made here at run time and handed to the firmware through the
semihosting command line (the CA as a host file path).

Asserts the exit status and the console: the vendor example's SNI fails
with fatal alert 40 and iotls explains it (with --lean, firmware-lean.elf:
the explanation line, the evidence and the cause id, no diagnosis text); iotls's defaults fetch the page
over TLS 1.3 and its digest matches."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402


def main():
    args, qemu = devtest.parse_args()

    with tempfile.TemporaryDirectory(prefix="iotls-dev-") as work:
        ca, chain, key = devtest.make_chain(work, "ecdsa")
        body, digest = devtest.make_body(work)
        server = devtest.Server(chain, key, body, work, "seed")
        try:
            seed = os.urandom(32).hex()
            status, console = devtest.run_qemu(
                qemu, args.firmware,
                ["host=" + devtest.SERVER_NAME, "port=%d" % server.port, "ca=" + ca,
                 "sha256=" + digest, "seed=" + seed],
                timeout=args.timeout)
        finally:
            server_log = server.stop()

        print(console)
        print("---- server log ----\n" + server_log)
        failures = []

        def expect(pattern, what):
            if not re.search(pattern, console):
                failures.append("console lacks %s (/%s/)" % (what, pattern))

        if status is None:
            failures.append("QEMU did not finish within %.0f s" % args.timeout)
        elif status != 0:
            failures.append("firmware exit status %d, expected 0" % status)
        expect(r"\*\*\* TEST SEED", "the test-seed warning")
        expect(r"\[1\] failed as in the seed case: alert_received \(-31\), alert received 40",
               "the refused handshake with alert 40")
        expect(r"iotls: .*40", "iotls's explanation naming alert 40")
        expect(r"mbed TLS Server 1", "the SNI that was sent")
        # Both images give the evidence as data; firmware.elf adds the diagnosis.
        expect(r"evidence: stage=handshake code=alert_received\(-31\) mbedtls=-0x7780 "
               r"alert_received=40 .*sni=\"mbed TLS Server 1\"", "the evidence line")
        if args.lean:
            if re.search(r"^diagnosis:", console, re.M):
                failures.append("the lean image printed diagnosis text")
            # The text-free diagnosis (IOTLS_DIAG_TEXT 0) still names the cause.
            expect(r"cause: sni_rejected \(\w+\), see docs/causes/sni_rejected\.md",
                   "the lean image's cause id")
        else:
            expect(r"diagnosis: .*sni_rejected", "iotls's diagnosis naming the rejected SNI")
        # The server (Python ssl, OpenSSL 3) speaks TLS 1.2 and 1.3: iotls's
        # default offer must end in TLS 1.3.
        expect(r"\[2\] connected: TLSv1\.3, .*SNI \"%s\"" % re.escape(devtest.SERVER_NAME),
               "the TLS 1.3 connection with the right SNI")
        expect(r"\[2\] body sha256 matches", "the verified page")
        if not re.search(r"GET / HTTP/1.1 sni=%s " % re.escape(devtest.SERVER_NAME), server_log):
            failures.append("the server did not serve the page to SNI %s" % devtest.SERVER_NAME)
        expect(r"seed case: PASS", "the final verdict")
        if not re.search(r"sni rejected with alert 40: mbed TLS Server 1", server_log):
            failures.append("the server did not see the wrong SNI")
        if failures:
            print("FAIL:\n  " + "\n  ".join(failures))
            return 1
        print("PASS: device seed case")
        return 0


if __name__ == "__main__":
    sys.exit(main())
