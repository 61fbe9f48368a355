#!/usr/bin/env python3
"""The progress bar of `iotls get` on a real terminal (a tmux pane).

    progress_tty.py --iotls PATH --pki DIR [--wrap none|asan|valgrind]

Starts the http-api server (tests/harness/servers.py) on a free loopback
port and a tmux server on a socket of its own; in one pane, one shell runs
iotls five times, each after a marker line:

  A  -o FILE, stderr the terminal: a bar that ends at 100.0% must appear
  B  the same with 2>FILE: nothing on the terminal, FILE empty
  C  the same with 2>&1 | cat >FILE (a pipe): FILE empty
  D  the same with -s: nothing on the terminal
  E  the body to the terminal itself (no -o): no bar mixed into it

and checks what the pane shows (tmux capture-pane) and the files. Every
wait is bounded (tmux wait-for under a timeout, the server's ACCEPT line);
the tmux server and the test server are stopped by their PIDs. A missing
tmux is a failure, never a skip.
"""

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "harness"))
sys.dont_write_bytecode = True
import procs  # noqa: E402

VALGRIND = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible"]
BODY = {"none": 3000000, "asan": 3000000, "valgrind": 300000}
WAIT_S = {"none": 60, "asan": 120, "valgrind": 300}
BAR = re.compile(r"\[#+\] 100\.0%  [0-9.]+ [KM]iB of [0-9.]+ [KM]iB")
SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def tmux(sock, *args, timeout=10):
    return subprocess.run(["tmux", "-S", sock] + list(args), capture_output=True, text=True,
                          timeout=timeout)


def section(screen, name):
    """The pane's lines after marker name, up to the next marker."""
    m = re.search(r"^=== %s ===\n(.*?)(?=^=== |\Z)" % name, screen, re.S | re.M)
    return m.group(1) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iotls", required=True)
    ap.add_argument("--pki", required=True)
    ap.add_argument("--wrap", choices=sorted(BODY), default="none")
    a = ap.parse_args()
    a.pki = os.path.abspath(a.pki)
    fails = []
    for tool in ["tmux"] + (["valgrind"] if a.wrap == "valgrind" else []):
        if shutil.which(tool) is None:
            print("FAIL: %s is not installed (scripts/install-deps)" % tool)
            return 1
    if not os.path.exists(os.path.join(a.pki, "ec-root.pem")):
        print("FAIL: no PKI in %s (run the pki fixture)" % a.pki)
        return 1

    tmp = tempfile.mkdtemp(prefix="progress-tty.")
    sock = os.path.join(tmp, "tmux.sock")
    server = None
    tmux_pid = None
    try:
        try:
            server = procs.start_server({"kind": "python", "behaviour": "http-api",
                                         "cert": "ec-leaf"}, a.pki, tmp, "1.3")
        except procs.ServerError as e:
            print("FAIL: the server did not start: %s (logs in %s)" % (e, tmp))
            return 1
        port = server.port
        url = "https://test.iotls.example:%d/big/%d" % (port, BODY[a.wrap])
        base = ([] if a.wrap != "valgrind" else VALGRIND) + [
            os.path.abspath(a.iotls), "get", "--resolve", "test.iotls.example:%d:127.0.0.1" % port,
            "--cacert", os.path.join(a.pki, "ec-root.pem")]
        cmd = lambda *extra: " ".join(shlex.quote(x) for x in base + list(extra))  # noqa: E731
        out = lambda n: os.path.join(tmp, n)  # noqa: E731
        echo_url = "https://test.iotls.example:%d/echo" % port
        script = "; ".join([
            "echo '=== A ==='", cmd(url, "-o", out("a.bin")) + "; echo \"rc=$?\"",
            "echo '=== B ==='", cmd(url, "-o", out("b.bin")) + " 2>" + out("b.err") + "; echo \"rc=$?\"",
            "echo '=== C ==='", cmd(url, "-o", out("c.bin")) + " 2>&1 | cat >" + out("c.err"),
            "echo '=== D ==='", cmd(url, "-s", "-o", out("d.bin")) + "; echo \"rc=$?\"",
            "echo '=== E ==='", cmd(echo_url) + "; echo \"rc=$?\"",
            "echo '=== end ==='",
            "tmux -S %s wait-for -S done" % shlex.quote(sock),
            "tmux -S %s wait-for hold" % shlex.quote(sock),
        ])
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:exitcode=98",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98")
        env.pop("SSL_CERT_FILE", None)
        env.pop("SSL_CERT_DIR", None)
        started = subprocess.run(["tmux", "-S", sock, "-f", "/dev/null", "new-session", "-d",
                                  "-x", "120", "-y", "50", "sh", "-c", script],
                                 capture_output=True, text=True, env=env, timeout=10)
        if started.returncode != 0:
            print("FAIL: tmux new-session: %s" % started.stderr.strip())
            return 1
        tmux_pid = int(tmux(sock, "display", "-p", "#{pid}").stdout.strip() or 0) or None
        try:
            tmux(sock, "wait-for", "done", timeout=WAIT_S[a.wrap])
        except subprocess.TimeoutExpired:
            fails.append("the five runs did not finish within %d s" % WAIT_S[a.wrap])
        screen = tmux(sock, "capture-pane", "-p", "-J", "-S", "-200").stdout
        tmux(sock, "wait-for", "-S", "hold")
        print("----- the pane -----\n%s\n----- end of the pane -----" % screen.rstrip())

        a_part = section(screen, "A") or ""
        if not BAR.search(a_part):
            fails.append("A: no progress bar ending at 100.0%% on the terminal: %r" % a_part)
        if "rc=0" not in a_part:
            fails.append("A: iotls did not exit 0: %r" % a_part)
        for name in ("B", "D"):
            part = section(screen, name)
            if part is None or part.strip() != "rc=0":
                fails.append("%s: expected only rc=0 on the terminal, got %r" % (name, part))
        c_part = section(screen, "C")
        if c_part is None or c_part.strip() != "":
            fails.append("C: expected nothing on the terminal, got %r" % c_part)
        e_part = section(screen, "E") or ""
        if '"path": "/echo"' not in e_part or "%" in e_part or "rc=0" not in e_part:
            fails.append("E: expected the echo body without a bar, got %r" % e_part)
        for f in ("b.err", "c.err"):
            data = open(out(f), "rb").read() if os.path.exists(out(f)) else None
            if data != b"":
                fails.append("%s: stderr to a %s must get nothing, got %r"
                             % (f, "file" if f == "b.err" else "pipe", data))
        for f in ("a.bin", "b.bin", "c.bin", "d.bin"):
            size = os.path.getsize(out(f)) if os.path.exists(out(f)) else -1
            if size != BODY[a.wrap]:
                fails.append("%s: expected %d bytes, got %d" % (f, BODY[a.wrap], size))
        if any(s in screen for s in SANITIZER) or "rc=98" in screen or "rc=99" in screen:
            fails.append("a sanitizer or valgrind report: see the pane")
    finally:
        if tmux_pid:
            tmux(sock, "kill-server")
            try:
                os.kill(tmux_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if server:
            server.stop()
    if fails:
        print("FAIL progress_tty (%s):" % a.wrap)
        for f in fails:
            print("  -", f)
        print("files kept in", tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("PASS progress_tty (%s)" % a.wrap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
