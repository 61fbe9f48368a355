#!/usr/bin/env python3
"""ctest device.qemu_port_checks: the LwIP port's failure paths in QEMU.
A closed port must give connect_refused; a server that accepts and stays
silent must end in handshake_timeout on time (the port honours timeouts);
an allocator that runs out at several points must give a clean error with
nothing leaked; trusting another CA must fail verification; a normal connection afterwards must work and leak nothing.
When the image carries the device's own P-256, P-384 and x25519 arithmetic
(firmware/mbedtls_alt, IOTLS_FW_ECP_ALT) it must match RFC 7748's vectors
and the curves' algebra (ecp_p256, ecp_p384, ecp_x25519); an image on Mbed
TLS's own curve code says so and runs no ecp checks.
Then the board without a test seed, i.e. without any entropy source: iotls
must refuse to connect (IOTLS_ERR_ENTROPY) before a byte goes out."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import devtest  # noqa: E402

CHECKS = ["gmtime", "connect_refused", "handshake_timeout", "handshake_timeout_on_time",
          "alloc_failure_clean", "alloc_failure_named", "verify_required", "connect_ok", "no_leak"]
ECP_CHECKS = ["ecp_p256", "ecp_p384", "ecp_x25519"]


def main():
    args, qemu = devtest.parse_args()

    with tempfile.TemporaryDirectory(prefix="iotls-devchk-") as work:
        ca, chain, key = devtest.make_chain(work, "ecdsa")
        other_ca, _, _ = devtest.make_chain(work, "other", key_kind="ecdsa")
        body, _ = devtest.make_body(work, 100)
        tls = devtest.Server(chain, key, body, work, "tls")
        silent = None
        try:
            silent = devtest.Server(None, None, None, work, "silent", script="silent_server.py",
                                    argv=[])
            status, console = devtest.run_qemu(
                qemu, args.firmware,
                ["mode=checks", "host=" + devtest.SERVER_NAME, "port=%d" % tls.port, "ca=" + ca,
                 "ca2=" + other_ca,
                 "refused=%d" % devtest.closed_port(), "silent=%d" % silent.port,
                 "seed=" + os.urandom(32).hex()],
                timeout=args.timeout)
        finally:
            logs = [tls.stop()] + ([silent.stop()] if silent else [])

        # No seed: the seed case must stop at setup with the entropy error.
        tls2 = devtest.Server(chain, key, body, work, "noseed")
        try:
            status2, console2 = devtest.run_qemu(
                qemu, args.firmware,
                ["host=" + devtest.SERVER_NAME, "port=%d" % tls2.port, "ca=" + ca,
                 "sha256=" + "0" * 64],
                timeout=args.timeout)
        finally:
            log2 = tls2.stop()

    print(console)
    failures = []
    if status is None:
        failures.append("QEMU did not finish within %.0f s" % args.timeout)
    elif status != 0:
        failures.append("firmware exit status %d, expected 0" % status)
    checks = list(CHECKS)
    if not re.search(r"^ecp: Mbed TLS's own curve arithmetic", console, re.M):
        checks += ECP_CHECKS
    for name in checks:
        results = re.findall(r"^CHECK %s: (\w+)" % name, console, re.M)
        if not results:
            failures.append("check %s did not run" % name)
        elif any(r != "ok" for r in results):
            failures.append("check %s failed" % name)
    if not re.search(r"^checks: PASS", console, re.M):
        failures.append("no PASS verdict")
    # Each heap limit is explained as what it is, on the device console.
    oom = len(re.findall(r"^diagnosis: cause: out_of_memory", console, re.M))
    limits = len(re.findall(r"^  heap limit \d+:", console, re.M))
    if limits < 7 or oom < limits:
        failures.append("out of memory diagnosed %d times, expected once per heap limit (%d, "
                        "at least 7)" % (oom, limits))

    print("---- without a test seed ----\n" + console2)
    if status2 != 3:
        failures.append("no seed: exit status %s, expected 3 (step 1 not as expected)" % status2)
    if not re.search(r"\[1\] failed as in the seed case: entropy \(-3\)", console2):
        failures.append("no seed: iotls did not fail with IOTLS_ERR_ENTROPY")
    if not re.search(r"^diagnosis: cause: entropy_failure", console2, re.M):
        failures.append("no seed: the diagnosis did not name entropy_failure")
    if log2.strip():
        failures.append("no seed: the server saw a connection: %s" % log2.strip())
    if failures:
        print("---- server logs ----\n" + "\n".join(logs + [log2]))
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print("PASS: device port checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
