#!/usr/bin/env python3
"""Device benchmark: the firmware's flash and static RAM per component (from
the map file), and for full handshakes with an ECDSA P-256 chain and with
an RSA-2048 chain, each in TLS 1.2 and in TLS 1.3, the peak heap, the peak
stack (painted) and the instructions executed (QEMU -icount shift=0: one
instruction = 1 ns of virtual time, counted with SysTick; time asleep
waiting for the server is not counted).

Prints the figures next to the targets (Mbed TLS 3.6 issue, item 5).
Figures are reported, never asserted: --check only fails when no figures
came out at all.

Usage: bench.py FIRMWARE_BUILD_DIR [--check] [--qemu PATH]"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "device"))
sys.path.insert(0, HERE)
import devtest  # noqa: E402
import mapsize  # noqa: E402

# KB = 1024 bytes; M = 10^6 instructions.
TARGETS = {"flash": 132 * 1024,
           ("heap", "ecdsa", "TLSv1.2"): 22.5 * 1024, ("heap", "ecdsa", "TLSv1.3"): 26 * 1024,
           ("heap", "rsa", "TLSv1.2"): 27 * 1024, ("heap", "rsa", "TLSv1.3"): 27 * 1024,
           ("instr", "ecdsa", "TLSv1.2"): 27_000_000, ("instr", "ecdsa", "TLSv1.3"): 30_000_000}
RUNS = [("ecdsa", "TLSv1.2"), ("ecdsa", "TLSv1.3"), ("rsa", "TLSv1.2"), ("rsa", "TLSv1.3")]


def image_size(elf):
    out = subprocess.run(["arm-none-eabi-size", "-A", elf], capture_output=True, text=True,
                         check=True).stdout
    flash = ram = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3 or not parts[1].isdigit():
            continue
        name, size = parts[0], int(parts[1])
        if name in (".text", ".ARM.exidx", ".init_array", ".fini_array"):
            flash += size
        elif name == ".data":
            flash += size
            ram += size
        elif name == ".bss":
            ram += size
    return flash, ram


def verdict(value, target):
    return "met" if value <= target else "NOT met"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("builddir")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--qemu")
    ap.add_argument("--group", help="offer only this ECDHE group (secp256r1), to compare")
    ap.add_argument("--console", action="store_true", help="also print the firmware's console")
    ap.add_argument("--p384", action="store_true",
                    help="an ECDSA P-384 chain instead of P-256 (the generic curve code), to compare")
    args = ap.parse_args()
    # The budget image: the seed case with iotls_error_format's explanation.
    # firmware.elf adds the diagnosis and the test modes; it runs the
    # handshakes (same libraries, same code paths).
    lean_elf = os.path.join(args.builddir, "firmware-lean.elf")
    mapf = os.path.join(args.builddir, "firmware-lean.map")
    full_elf = os.path.join(args.builddir, "firmware.elf")
    qemu = devtest.find_qemu(args.qemu)

    print("== flash and static RAM per component (bytes, from %s) ==" % os.path.basename(mapf))
    sys.stdout.flush()
    flash, ram = image_size(lean_elf)
    sys.argv = ["mapsize", mapf, str(flash), "--elf", lean_elf]
    mapsize.main()
    print("whole image (firmware-lean.elf): %d bytes flash (text+data), %d bytes static RAM "
          "(data+bss, with LwIP's heap and pools)" % (flash, ram))
    if os.path.exists(full_elf):
        full_flash, _ = image_size(full_elf)
        print("with iotls's diagnosis and the test modes (firmware.elf): %d bytes flash "
              "(+%d)" % (full_flash, full_flash - flash))

    results = {}
    with tempfile.TemporaryDirectory(prefix="iotls-bench-") as work:
        body, _ = devtest.make_body(work, 100)
        servers = []
        try:
            cas = {}
            for kind in ("ecdsa", "rsa"):
                key_kind = "ecdsa384" if kind == "ecdsa" and args.p384 else kind
                ca, chain, key = devtest.make_chain(work, kind, key_kind=key_kind)
                servers.append(devtest.Server(chain, key, body, work, kind))
                cas[kind] = ca
            status, console = devtest.run_qemu(
                qemu, full_elf,
                ["mode=bench", "host=" + devtest.SERVER_NAME,
                 "port=%d" % servers[0].port, "ca=" + cas["ecdsa"],
                 "port2=%d" % servers[1].port, "ca2=" + cas["rsa"],
                 "seed=" + os.urandom(32).hex()] +
                (["group=" + args.group] if args.group else []),
                timeout=240, icount=True)
        finally:
            logs = [s.stop() for s in servers]
    if args.console:
        print("\n== firmware console ==\n" + console)
    for line in re.findall(r"^BENCH (.*)$", console, re.M):
        r = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        results[(r["kind"], r["version"])] = r

    print("\n== one full handshake (TCP connect + TLS handshake + verification) ==")
    ecdsa_label = "ECDSA P-384 chain" if args.p384 else "ECDSA P-256 chain"
    for kind, version in RUNS:
        r = results.get((kind, version))
        if r is None:
            continue
        label = ecdsa_label if kind == "ecdsa" else "RSA-2048 chain"
        print("%s, %s: suite %s, group %s, server signed %s:\n    peak heap %s bytes requested "
              "in %s blocks (%d allocations in all), peak stack %s bytes, %.1f M instructions"
              % (label, version, r["suite"], r["group"], r["sig_alg"], r["heap_peak"],
                 r["heap_peak_blocks"], int(r["heap_allocs"]), r["stack_peak"],
                 int(r["instructions"]) / 1e6))

    once = re.search(r"^BENCH_ONCE library_state=(\d+)", console, re.M)
    if once:
        print("library one-time state (PSA key store, from the first psa_crypto_init(), kept "
              "for the program's life, not in the peaks above): %s bytes" % once.group(1))

    print("\n== targets (16 KB input record buffer) ==")
    print("(KB = 1024 bytes; heap = bytes requested from the allocator at the peak; "
          "stack = painted, whole program, no target)")
    rows = [("whole image flash", flash, TARGETS["flash"])]
    for kind, version in RUNS:
        r = results.get((kind, version))
        if r is None:
            continue
        for what, field in (("heap", "heap_peak"), ("instr", "instructions")):
            target = TARGETS.get((what, kind, version))
            name = "%s %s %s" % ("peak heap," if what == "heap" else "instructions,",
                                 kind.upper(), version)
            rows.append((name, int(r[field]), target))
        rows.append(("peak stack, %s %s" % (kind.upper(), version), int(r["stack_peak"]), None))
    for name, value, target in rows:
        if target is None:
            print("%-30s %12d" % (name, value))
        else:
            print("%-30s %12d  target <= %-10d %s" % (name, value, target, verdict(value, target)))

    if len(results) != len(RUNS) or status != 0:
        print("\nbench: FAILED to produce figures (QEMU status %s)" % status)
        print(console)
        for log in logs:
            print(log)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
