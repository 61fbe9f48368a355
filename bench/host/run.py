#!/usr/bin/env python3
"""Host benchmark: iotls against openssl s_client, curl and Mbed TLS's
ssl_client2, side by side in one run.

    bench/host/run.py [--runs N] [--out FILE]

Every client does the same job against the same openssl s_server on
127.0.0.1 (a fresh PKI from tests/harness/pki.py): TCP connect, TLS 1.2
handshake, chain and name verification against the test root, GET /, read
the response, close. For each client and each chain (ECDSA P-256, RSA-2048):

  - instructions of the client process under callgrind (repeatable; the
    figure to compare),
  - median wall time of N runs (indicative only: it includes process start),
  - peak heap of the client process (massif: requested bytes plus
    allocator overhead).

The group each client negotiates explains much of the CPU: Mbed TLS's
default list (ssl_client2) starts with secp521r1, iotls offers x25519 first.

Ratios are given against iotls. ssl_client2 is compiled from Debian's Mbed
TLS source (deps/, fetched by scripts/fetch-device-sources) against the
system libmbedtls, so both Mbed TLS clients use the same library build.
Nothing here is a pass/fail assertion.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER_READY_S = 10
CLIENT_TIMEOUT_S = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_ssl_client2(out_dir):
    """Compile ssl_client2 from the Debian source tree in deps/."""
    deps = os.path.join(ROOT, "deps")
    src = None
    if os.path.isdir(deps):
        for d in sorted(os.listdir(deps)):
            if d.startswith("mbedtls-2.28") and os.path.isdir(os.path.join(deps, d)):
                src = os.path.join(deps, d)
    if src is None:
        fetch = os.path.join(ROOT, "scripts", "fetch-device-sources")
        subprocess.run([fetch], check=True)
        return build_ssl_client2(out_dir) if os.path.isdir(deps) else None
    exe = os.path.join(out_dir, "ssl_client2")
    if os.path.exists(exe):
        return exe
    cmd = ["cc", "-O2", "-I", os.path.join(src, "tests", "include"),
           "-I", os.path.join(src, "programs", "ssl"),
           os.path.join(src, "programs", "ssl", "ssl_client2.c"),
           os.path.join(src, "programs", "ssl", "ssl_test_lib.c"),
           os.path.join(src, "programs", "test", "query_config.c"),
           os.path.join(src, "tests", "src", "helpers.c"),
           "-o", exe, "-lmbedtls", "-lmbedx509", "-lmbedcrypto"]
    subprocess.run(cmd, check=True)
    return exe


def start_server(pki, chain, port, log):
    cmd = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}",
           "-cert", os.path.join(pki, f"{chain}-leaf.pem"),
           "-key", os.path.join(pki, f"{chain}-leaf.key"),
           "-cert_chain", os.path.join(pki, f"{chain}-int.pem"),
           "-no-CAfile", "-no-CApath", "-no-CAstore", "-www"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_READY_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"s_server exited early: {cmd}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.05)  # bounded poll of the port, not a synchronisation
    proc.kill()
    raise RuntimeError("s_server did not become ready")


def clients(pki, chain, port, iotls, sc2):
    ca = os.path.join(pki, f"{chain}-root.pem")
    url = f"https://localhost:{port}/"
    out = {
        "iotls": [iotls, "get", url, "--cacert", ca, "--resolve",
                  f"localhost:{port}:127.0.0.1"],
        "curl": ["curl", "-sS", "--cacert", ca, "--resolve",
                 f"localhost:{port}:127.0.0.1", url],
        "openssl s_client": ["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                             "-servername", "localhost", "-verify_hostname", "localhost",
                             "-CAfile", ca, "-verify_return_error", "-quiet",
                             "-no-CApath", "-no-CAstore"],
    }
    if sc2:
        out["mbedtls ssl_client2"] = [sc2, "server_name=localhost", "server_addr=127.0.0.1",
                                      f"server_port={port}", f"ca_file={ca}", "auth_mode=required"]
    return out


REQUEST = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"


def run_once(cmd, wrap=()):
    """Run one client; returns (seconds, rc, output)."""
    stdin = REQUEST if "s_client" in " ".join(cmd) else b""
    t0 = time.monotonic()
    proc = subprocess.Popen(list(wrap) + cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = proc.communicate(stdin, timeout=CLIENT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError(f"client timed out: {cmd}")
    return time.monotonic() - t0, proc.returncode, output


def peak_heap_kib(cmd, tmp):
    """Peak heap (requested + allocator overhead) of one run, under massif."""
    out = os.path.join(tmp, "massif.out")
    _, rc, output = run_once(cmd, ["valgrind", "--tool=massif", f"--massif-out-file={out}"])
    if rc != 0:
        raise RuntimeError(f"client failed under massif (rc {rc}): {cmd}")
    peak = 0
    heap = extra = 0
    with open(out) as f:
        for line in f:
            if line.startswith("mem_heap_B="):
                heap = int(line.split("=")[1])
            elif line.startswith("mem_heap_extra_B="):
                extra = int(line.split("=")[1])
                peak = max(peak, heap + extra)
    return peak / 1024


def callgrind_ir(cmd, tmp):
    out = os.path.join(tmp, "cg.out")
    wrap = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    _, rc, output = run_once(cmd, wrap)
    if rc != 0:
        raise RuntimeError(f"client failed under callgrind (rc {rc}): {cmd}\n"
                           + output.decode(errors="replace")[-2000:])
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("no callgrind total")


def fmt_ratio(x, base):
    return f"{x / base:.2f}x" if base else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="wall-time runs per client")
    ap.add_argument("--out", help="also write the report (Markdown) here")
    args = ap.parse_args()
    if not 1 <= args.runs <= 200:
        ap.error("--runs must be 1..200")

    iotls = os.environ.get("IOTLS", os.path.join(ROOT, "build", "bin", "iotls"))
    if not os.access(iotls, os.X_OK):
        sys.exit("build/bin/iotls is missing: run scripts/build first")
    for tool in ("openssl", "curl", "valgrind"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run scripts/install-deps first")

    tmp = tempfile.mkdtemp(prefix="iotls-bench-")
    lines = []
    try:
        pki = os.path.join(tmp, "pki")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "harness", "pki.py"),
                        "--out", pki], check=True, stdout=subprocess.DEVNULL)
        sc2 = build_ssl_client2(tmp)
        lines.append("# iotls host benchmark\n")
        lines.append(f"Each client: connect, TLS 1.2 handshake, verify, GET /, close; "
                     f"wall time = median of {args.runs} runs (includes process start).\n")
        for chain in ("ec", "rsa"):
            port = free_port()
            with open(os.path.join(tmp, f"server-{chain}.log"), "wb") as log:
                server = start_server(pki, chain, port, log)
                try:
                    rows = []
                    for name, cmd in clients(pki, chain, port, iotls, sc2).items():
                        ir = callgrind_ir(cmd, tmp)
                        rss = peak_heap_kib(cmd, tmp)
                        times = []
                        for _ in range(args.runs):
                            s, rc, _ = run_once(cmd)
                            if rc != 0:
                                raise RuntimeError(f"{name} failed (rc {rc})")
                            times.append(s)
                        rows.append((name, ir, statistics.median(times), rss))
                finally:
                    server.terminate()
                    try:
                        server.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        server.kill()
                        server.wait()
            base = rows[0]
            title = "ECDSA P-256 chain" if chain == "ec" else "RSA-2048 chain"
            lines.append(f"\n## {title}\n")
            lines.append("| client | instructions (callgrind) | vs iotls | wall ms (median) "
                         "| vs iotls | peak heap KiB | vs iotls |")
            lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for name, ir, sec, rss in rows:
                lines.append(f"| {name} | {ir:,} | {fmt_ratio(ir, base[1])} | "
                             f"{sec * 1000:.1f} | {fmt_ratio(sec, base[2])} | {rss:.1f} | "
                             f"{fmt_ratio(rss, base[3])} |")
        size = subprocess.run(["size", iotls], capture_output=True, text=True).stdout
        lines.append("\n## Size of the iotls tool (dynamically linked to libmbedtls)\n")
        lines.append("```\n" + size.strip() + "\n```")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)


if __name__ == "__main__":
    main()
