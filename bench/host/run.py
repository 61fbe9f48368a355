#!/usr/bin/env python3
"""Host benchmark: iotls against openssl s_client, curl and Mbed TLS's
ssl_client2, side by side in one run.

    bench/host/run.py [--runs N] [--bulk-mb M] [--bulk-runs R] [--trust-only] [--out FILE]

Handshakes. Every client does the same job against the same openssl
s_server on 127.0.0.1 (a fresh PKI from tests/harness/pki.py): TCP connect,
one full handshake (no resumption), chain and name verification against
the test root, GET /, read the response, close. Each client is pinned to
TLS 1.3 and then to TLS 1.2 (iotls and curl: --tlsv1.3 / --tls-max 1.2;
s_client: -tls1_3 / -tls1_2; ssl_client2: force_version=tls13 / tls12);
the server offers both. For each chain (ECDSA P-256 leaf + intermediate,
RSA-2048 leaf + intermediate, one root) and version:

  - instructions of the client process under callgrind (repeatable; the
    figure to compare),
  - median wall time of N runs (indicative only: it includes process start),
  - peak heap of the client process (massif: requested bytes plus
    allocator overhead).

Trust store. The same ECDSA P-256 chain over TLS 1.2, each client once
with the test root alone and once with the system's trust store plus the
test root: Debian's ca-certificates bundle with the root appended (a temp
file), and a temp hashed directory (the bundle's roots and the test root,
`openssl rehash`). iotls reads the bundle as its system store
(SSL_CERT_FILE, no --cacert), the directory with --capath, and both at
once (SSL_CERT_FILE + SSL_CERT_DIR); s_client with -CAfile / -CApath; curl
with --cacert / --capath (curl also reads its default CA file with
--capath). Instructions under callgrind and the ratio store / one root for
each client (target for iotls with the bundle: <= 1.1).

Throughput. `iotls get` and `curl` fetch one M MB body (10^6 bytes) from
bench/host/bulk_server.py (Python ssl, the ECDSA chain, Content-Length,
1 MiB writes from memory), both writing to /dev/null; R alternating runs
each (default 5), the median wall time gives MB/s; the client process's own
CPU time (user + system) is shown too, as it moves less with the machine's
load. Each run is bounded by a timeout.

ssl_client2 is Mbed TLS 3.6.6's own (programs/ssl/ssl_client2.c from
deps/mbedtls), built once with Mbed TLS's CMake and its default
configuration (include/mbedtls/mbedtls_config.h as shipped; Release, -O2)
into build-bench-mbedtls/ and reused from there. iotls uses the same
source with config/mbedtls_host.h. Ratios are given against iotls. Nothing
here is a pass/fail assertion; the targets are printed next to the figures.
"""

import argparse
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MBEDTLS_SRC = os.path.join(ROOT, "deps", "mbedtls")
SC2_BUILD = os.path.join(ROOT, "build-bench-mbedtls")
SERVER_READY_S = 10
CLIENT_TIMEOUT_S = 60
BULK_TIMEOUT_S = 180
REQUEST = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
VERSIONS = (("1.3", "TLS 1.3"), ("1.2", "TLS 1.2"))
TARGET_HANDSHAKE = 45_000_000
TARGET_BULK_RATIO = 0.9
TARGET_TRUST_RATIO = 1.1
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mbedtls_version():
    with open(os.path.join(MBEDTLS_SRC, "include", "mbedtls", "build_info.h")) as f:
        for line in f:
            if line.startswith("#define MBEDTLS_VERSION_STRING "):
                return line.split('"')[1]
    return "?"


def build_ssl_client2():
    """Mbed TLS's own ssl_client2, built once with Mbed TLS's CMake and its
    default configuration into build-bench-mbedtls/ (~40 s), then reused."""
    if not os.path.isfile(os.path.join(MBEDTLS_SRC, "include", "mbedtls", "build_info.h")):
        sys.exit("deps/mbedtls is missing: run scripts/fetch-sources first")
    exe = os.path.join(SC2_BUILD, "programs", "ssl", "ssl_client2")
    stamp = os.path.join(SC2_BUILD, "iotls-bench-source")
    src = os.path.realpath(MBEDTLS_SRC)
    if os.path.exists(exe) and os.path.exists(stamp) and open(stamp).read() == src:
        return exe
    log = os.path.join(tempfile.gettempdir(), "iotls-bench-ssl_client2.log")
    print(f"building ssl_client2 from {src} (log: {log})", file=sys.stderr)
    with open(log, "wb") as f:
        subprocess.run(["cmake", "-S", MBEDTLS_SRC, "-B", SC2_BUILD,
                        "-DCMAKE_BUILD_TYPE=Release", "-DENABLE_TESTING=OFF",
                        "-DENABLE_PROGRAMS=ON"], check=True, stdout=f, stderr=subprocess.STDOUT)
        subprocess.run(["cmake", "--build", SC2_BUILD, "-j2", "--target", "ssl_client2"],
                       check=True, stdout=f, stderr=subprocess.STDOUT)
    with open(stamp, "w") as f:
        f.write(src)
    return exe


def wait_port(proc, port, what):
    deadline = time.monotonic() + SERVER_READY_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.05)  # bounded poll of the port, not a synchronisation
    proc.kill()
    raise RuntimeError(f"{what} did not become ready")


def start_server(pki, chain, port, log):
    cmd = ["openssl", "s_server", "-accept", f"127.0.0.1:{port}",
           "-cert", os.path.join(pki, f"{chain}-leaf.pem"),
           "-key", os.path.join(pki, f"{chain}-leaf.key"),
           "-cert_chain", os.path.join(pki, f"{chain}-int.pem"),
           "-no-CAfile", "-no-CApath", "-no-CAstore", "-www"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    return wait_port(proc, port, "s_server")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def clients(pki, chain, port, iotls, sc2, version):
    ca = os.path.join(pki, f"{chain}-root.pem")
    url = f"https://localhost:{port}/"
    pin = ["--tlsv1.3"] if version == "1.3" else ["--tls-max", "1.2"]
    return {
        "iotls": [iotls, "get", url, "--cacert", ca, "--resolve",
                  f"localhost:{port}:127.0.0.1"] + pin,
        "curl": ["curl", "-sS", "--cacert", ca, "--resolve",
                 f"localhost:{port}:127.0.0.1", url] + pin,
        "openssl s_client": ["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                             "-servername", "localhost", "-verify_hostname", "localhost",
                             "-CAfile", ca, "-verify_return_error", "-quiet",
                             "-no-CApath", "-no-CAstore",
                             "-tls1_3" if version == "1.3" else "-tls1_2"],
        "mbedtls ssl_client2": [sc2, "server_name=localhost", "server_addr=127.0.0.1",
                                f"server_port={port}", f"ca_file={ca}", "auth_mode=required",
                                "force_version=" + ("tls13" if version == "1.3" else "tls12")],
    }


def run_once(cmd, wrap=(), timeout=CLIENT_TIMEOUT_S, stdout=subprocess.PIPE):
    """Run one client; returns (seconds, rc, output)."""
    stdin = REQUEST if "s_client" in " ".join(cmd) else b""
    t0 = time.monotonic()
    proc = subprocess.Popen(list(wrap) + cmd, stdin=subprocess.PIPE,
                            stdout=stdout, stderr=subprocess.STDOUT)
    try:
        output, _ = proc.communicate(stdin, timeout=timeout)
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


def handshakes(pki, iotls, sc2, runs, tmp, lines, summary):
    for chain, title in (("ec", "ECDSA P-256 chain"), ("rsa", "RSA-2048 chain")):
        port = free_port()
        with open(os.path.join(tmp, f"server-{chain}.log"), "wb") as log:
            server = start_server(pki, chain, port, log)
            try:
                for version, vname in VERSIONS:
                    rows = []
                    for name, cmd in clients(pki, chain, port, iotls, sc2, version).items():
                        ir = callgrind_ir(cmd, tmp)
                        heap = peak_heap_kib(cmd, tmp)
                        times = []
                        for _ in range(runs):
                            sec, rc, out = run_once(cmd)
                            if rc != 0:
                                raise RuntimeError(f"{name} failed (rc {rc}): {cmd}\n"
                                                   + out.decode(errors="replace")[-2000:])
                            times.append(sec)
                        rows.append((name, ir, statistics.median(times), heap))
                        summary[(chain, version, name)] = ir
                    base = rows[0]
                    lines.append(f"\n## {title}, {vname}\n")
                    lines.append("| client | instructions (callgrind) | vs iotls | wall ms (median) "
                                 "| vs iotls | peak heap KiB | vs iotls |")
                    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
                    for name, ir, sec, heap in rows:
                        lines.append(f"| {name} | {ir:,} | {fmt_ratio(ir, base[1])} | "
                                     f"{sec * 1000:.1f} | {fmt_ratio(sec, base[2])} | "
                                     f"{heap:.1f} | {fmt_ratio(heap, base[3])} |")
            finally:
                stop(server)


def bulk(pki, iotls, size, runs, tmp, lines, summary):
    port = free_port()
    ca = os.path.join(pki, "ec-root.pem")
    url = f"https://localhost:{port}/bulk"
    resolve = f"localhost:{port}:127.0.0.1"
    cmds = {
        "iotls get": [iotls, "get", url, "--cacert", ca, "--resolve", resolve,
                      "-o", "/dev/null"],
        "curl": ["curl", "-sS", "--cacert", ca, "--resolve", resolve, url, "-o", "/dev/null"],
    }
    log = open(os.path.join(tmp, "bulk-server.log"), "wb")
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "host", "bulk_server.py"),
                               "--port", str(port), "--size", str(size),
                               "--cert", os.path.join(pki, "ec-leaf-chain.pem"),
                               "--key", os.path.join(pki, "ec-leaf.key")],
                              stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_port(server, port, "bulk_server.py")
        times = {name: [] for name in cmds}
        cpu = {name: [] for name in cmds}
        for _ in range(runs):
            for name, cmd in cmds.items():  # alternating, so load drift hits both
                ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                sec, rc, out = run_once(cmd, timeout=BULK_TIMEOUT_S)
                ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                if rc != 0:
                    raise RuntimeError(f"{name} failed (rc {rc}): {cmd}\n"
                                       + out.decode(errors="replace")[-2000:])
                times[name].append(sec)
                # The client's own CPU (user + system): the server is not
                # reaped until the end, so it is not in RUSAGE_CHILDREN yet.
                cpu[name].append(ru1.ru_utime - ru0.ru_utime + ru1.ru_stime - ru0.ru_stime)
    finally:
        stop(server)
        log.close()
    rate = {name: size / 1e6 / statistics.median(t) for name, t in times.items()}
    summary["bulk"] = (rate["iotls get"], rate["curl"])
    lines.append(f"\n## Throughput: one {size / 1e6:.0f} MB body over loopback\n")
    lines.append(f"Server: bench/host/bulk_server.py (ECDSA chain, TLS 1.3 as negotiated); "
                 f"output to /dev/null; median of {runs} alternating runs "
                 f"(process start and handshake included).\n")
    lines.append("| client | MB/s (median) | vs curl | wall s, each run | client CPU s "
                 "(median) | MB per CPU s |")
    lines.append("| --- | ---: | ---: | --- | ---: | ---: |")
    for name in cmds:
        c = statistics.median(cpu[name])
        lines.append(f"| {name} | {rate[name]:.0f} | {rate[name] / rate['curl']:.2f}x | "
                     f"{', '.join(f'{t:.2f}' for t in times[name])} | {c:.2f} | "
                     f"{size / 1e6 / c:.0f} |")


def system_store(pki, tmp):
    """A temp copy of the system store with the test root added: the bundle
    with the root appended, and a hashed directory of the same roots (one
    file per certificate, `openssl rehash`). Returns (bundle, dir, roots)."""
    root = os.path.join(pki, "ec-root.pem")
    with open(SYSTEM_BUNDLE) as f:
        text = f.read()
    with open(root) as f:
        test_root = f.read()
    bundle = os.path.join(tmp, "system-plus-test-root.pem")
    with open(bundle, "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")
        f.write(test_root)
    hashed = os.path.join(tmp, "system-plus-test-root.d")
    os.makedirs(hashed)
    end = "-----END CERTIFICATE-----"
    blocks = [b + end + "\n" for b in (text + "\n" + test_root).split(end) if "-----BEGIN" in b]
    for i, b in enumerate(blocks):
        with open(os.path.join(hashed, f"root-{i:03d}.pem"), "w") as f:
            f.write(b[b.index("-----BEGIN"):])
    r = subprocess.run(["openssl", "rehash", hashed], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("openssl rehash failed: " + r.stderr)
    return bundle, hashed, len(blocks)


def trust_store(pki, iotls, tmp, lines, summary):
    if not os.path.isfile(SYSTEM_BUNDLE):
        lines.append(f"\n## Trust store\n\nskipped: no {SYSTEM_BUNDLE} (Debian's ca-certificates)")
        return
    bundle, hashed, roots = system_store(pki, tmp)
    root = os.path.join(pki, "ec-root.pem")
    port = free_port()
    url = f"https://localhost:{port}/"
    resolve = f"localhost:{port}:127.0.0.1"
    s_client = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername",
                "localhost", "-verify_hostname", "localhost", "-verify_return_error", "-quiet",
                "-tls1_2"]
    # (client, store) -> (command, extra environment)
    cmds = {
        ("iotls", "one"): ([iotls, "get", url, "--resolve", resolve, "--tls-max", "1.2",
                            "--cacert", root], {}),
        ("iotls", "bundle"): ([iotls, "get", url, "--resolve", resolve, "--tls-max", "1.2"],
                              {"SSL_CERT_FILE": bundle}),
        ("iotls", "dir"): ([iotls, "get", url, "--resolve", resolve, "--tls-max", "1.2",
                            "--capath", hashed], {}),
        ("iotls", "both"): ([iotls, "get", url, "--resolve", resolve, "--tls-max", "1.2"],
                            {"SSL_CERT_FILE": bundle, "SSL_CERT_DIR": hashed}),
        ("openssl s_client", "one"): (s_client + ["-CAfile", root, "-no-CApath",
                                                  "-no-CAstore"], {}),
        ("openssl s_client", "bundle"): (s_client + ["-CAfile", bundle, "-no-CApath",
                                                     "-no-CAstore"], {}),
        ("openssl s_client", "dir"): (s_client + ["-CApath", hashed, "-no-CAfile",
                                                  "-no-CAstore"], {}),
        ("openssl s_client", "both"): (s_client + ["-CAfile", bundle, "-CApath", hashed,
                                                   "-no-CAstore"], {}),
        ("curl", "one"): (["curl", "-sS", "--tls-max", "1.2", "--resolve", resolve, url,
                           "--cacert", root], {}),
        ("curl", "bundle"): (["curl", "-sS", "--tls-max", "1.2", "--resolve", resolve, url,
                              "--cacert", bundle], {}),
        ("curl", "dir"): (["curl", "-sS", "--tls-max", "1.2", "--resolve", resolve, url,
                           "--capath", hashed], {}),
        ("curl", "both"): (["curl", "-sS", "--tls-max", "1.2", "--resolve", resolve, url,
                            "--cacert", bundle, "--capath", hashed], {}),
    }
    ir = {}
    env0 = dict(os.environ)
    with open(os.path.join(tmp, "server-trust.log"), "wb") as log:
        server = start_server(pki, "ec", port, log)
        try:
            for key, (cmd, env) in cmds.items():
                os.environ.pop("SSL_CERT_FILE", None)
                os.environ.pop("SSL_CERT_DIR", None)
                os.environ.update(env)
                try:
                    ir[key] = callgrind_ir(cmd, tmp)
                finally:
                    os.environ.clear()
                    os.environ.update(env0)
        finally:
            stop(server)
    summary["trust"] = ir
    lines.append("\n## Trust store: one root vs the system store (ECDSA P-256 chain, TLS 1.2)\n")
    lines.append(f"System store: {SYSTEM_BUNDLE} plus the test root ({roots} roots), as a "
                 f"bundle and as an `openssl rehash` directory. Instructions of the client "
                 f"process (callgrind); ratios against the same client with the test root "
                 f"alone.\n")
    lines.append("| client | one root file | system bundle | ratio | hashed directory | ratio "
                 "| bundle + directory | ratio |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("iotls", "openssl s_client", "curl"):
        one = ir[(name, "one")]
        cells = [f"{one / 1e6:.1f} M"]
        for store in ("bundle", "dir", "both"):
            v = ir[(name, store)]
            cells += [f"{v / 1e6:.1f} M", f"{v / one:.2f}x"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("\niotls: bundle = SSL_CERT_FILE (its system store), directory = --capath, "
                 "both = SSL_CERT_FILE + SSL_CERT_DIR. s_client: -CAfile / -CApath. "
                 "curl: --cacert / --capath (with --capath curl also reads its default CA "
                 "file).")


def targets(summary, lines):
    lines.append("\n## Targets\n")
    lines.append("| target | measured | met |")
    lines.append("| --- | ---: | --- |")
    for version, vname in VERSIONS:
        ir = summary.get(("ec", version, "iotls"))
        if ir is not None:
            lines.append(f"| iotls, ECDSA chain, {vname}: <= 45 M instructions | {ir / 1e6:.1f} M "
                         f"| {'yes' if ir <= TARGET_HANDSHAKE else 'no'} |")
    if "trust" in summary:
        ir = summary["trust"]
        r = ir[("iotls", "bundle")] / ir[("iotls", "one")]
        lines.append(f"| iotls connect with the system store <= {TARGET_TRUST_RATIO} x with one root "
                     f"file (ECDSA, TLS 1.2) | {r:.2f}x | "
                     f"{'yes' if r <= TARGET_TRUST_RATIO else 'no'} |")
    if "bulk" in summary:
        mine, curl = summary["bulk"]
        lines.append(f"| iotls get >= 0.9 x curl's throughput | {mine / curl:.2f}x "
                     f"| {'yes' if mine >= TARGET_BULK_RATIO * curl else 'no'} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="wall-time runs per handshake client")
    ap.add_argument("--bulk-mb", type=int, default=200, help="throughput body size, MB (0: skip)")
    ap.add_argument("--bulk-runs", type=int, default=5, help="throughput runs per client")
    ap.add_argument("--trust-only", action="store_true",
                    help="only the trust store comparison (no handshake tables, no throughput)")
    ap.add_argument("--out", help="also write the report (Markdown) here")
    args = ap.parse_args()
    if not 1 <= args.runs <= 200:
        ap.error("--runs must be 1..200")
    if not 0 <= args.bulk_mb <= 2000 or not 1 <= args.bulk_runs <= 20:
        ap.error("--bulk-mb must be 0..2000 and --bulk-runs 1..20")

    iotls = os.environ.get("IOTLS", os.path.join(ROOT, "build", "bin", "iotls"))
    if not os.access(iotls, os.X_OK):
        sys.exit(f"{iotls} is missing: run scripts/build first (or set IOTLS)")
    for tool in ("openssl", "curl", "valgrind", "cmake"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run scripts/install-deps first")

    sc2 = None if args.trust_only else build_ssl_client2()
    tmp = tempfile.mkdtemp(prefix="iotls-bench-")
    lines = []
    summary = {}
    load0 = os.getloadavg()
    t0 = time.monotonic()
    try:
        pki = os.path.join(tmp, "pki")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "harness", "pki.py"),
                        "--out", pki], check=True, stdout=subprocess.DEVNULL)
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        ossl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
        curlv = subprocess.run(["curl", "--version"], capture_output=True,
                               text=True).stdout.splitlines()[0]
        lines.append("# iotls host benchmark\n")
        lines.append(f"- machine: {platform.node()}, {os.cpu_count()} CPUs, {cpu}; "
                     f"load average at start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}")
        lines.append(f"- Mbed TLS {mbedtls_version()} (iotls: config/mbedtls_host.h; "
                     f"ssl_client2: Mbed TLS's default config), {ossl}, {curlv}")
        lines.append(f"- iotls: {iotls}")
        lines.append(f"- handshake rows: connect, full handshake, verify, GET /, close; "
                     f"wall time = median of {args.runs} runs (includes process start)")
        if not args.trust_only:
            handshakes(pki, iotls, sc2, args.runs, tmp, lines, summary)
        trust_store(pki, iotls, tmp, lines, summary)
        if args.bulk_mb and not args.trust_only:
            bulk(pki, iotls, args.bulk_mb * 1_000_000, args.bulk_runs, tmp, lines, summary)
        targets(summary, lines)
        load1 = os.getloadavg()
        lines.append(f"\nRun took {time.monotonic() - t0:.0f} s; load average at end "
                     f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}.")
        size = subprocess.run(["size", iotls], capture_output=True, text=True).stdout
        lines.append("\n## Size of the iotls tool (Mbed TLS linked in statically)\n")
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
