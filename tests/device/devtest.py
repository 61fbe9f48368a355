"""Shared pieces of the device tests and the device benchmark: test
certificates made with openssl, the TLS server on 127.0.0.1 and QEMU runs
of the firmware, each with a hard time bound."""
import argparse
import hashlib
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_NAME = "tls.device.test"   # a DNS-like name the certificate carries


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60)


def make_chain(workdir, kind, name=SERVER_NAME, key_kind=None):
    """Root CA -> server certificate for `name` in workdir/kind; the keys are
    key_kind (default: kind), "ecdsa" (P-256), "ecdsa384" (P-384) or "rsa"
    (2048). Returns (ca.pem, server chain pem, key)."""
    d = os.path.join(workdir, kind)
    os.makedirs(d, exist_ok=True)
    key_kind = key_kind or kind
    if key_kind in ("ecdsa", "ecdsa384"):
        curve = "P-384" if key_kind == "ecdsa384" else "P-256"
        newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + curve]
    else:
        newkey = ["-newkey", "rsa:2048"]
    run(["openssl", "req", "-x509", "-nodes", *newkey, "-sha256", "-days", "30",
         "-subj", "/CN=iotls device test root %s" % kind, "-keyout", "ca.key", "-out", "ca.pem",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    run(["openssl", "req", "-nodes", *newkey, "-subj", "/CN=%s" % name,
         "-keyout", "server.key", "-out", "server.csr"], d)
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature%s\nextendedKeyUsage=serverAuth\n"
                % (name, ",keyEncipherment" if key_kind == "rsa" else ""))
    run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-days", "30", "-sha256", "-extfile", "ext.cnf",
         "-out", "server.pem"], d)
    return (os.path.join(d, "ca.pem"), os.path.join(d, "server.pem"),
            os.path.join(d, "server.key"))


def make_body(workdir, size=20000):
    """A page larger than one 16 KB TLS record. Returns (path, sha256 hex)."""
    line = b"iotls on a Cortex-M7: the seed case, made right.\n"
    body = (line * (size // len(line) + 1))[:size]
    path = os.path.join(workdir, "index.txt")
    with open(path, "wb") as f:
        f.write(body)
    return path, hashlib.sha256(body).hexdigest()


def stop_process(proc):
    """Stops a server this test started, by its PID: TERM, then KILL after 5 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def wait_line(proc, prefix, timeout):
    """The first line of proc's stdout starting with prefix (str, without
    the newline), or None when proc exits or timeout seconds pass. Reads the
    pipe raw: a buffered readline() can keep that line in Python's buffer
    while select() waits on an empty pipe."""
    fd = proc.stdout.fileno()
    want = prefix.encode()
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        seen += chunk
        for line in seen.split(b"\n")[:-1]:
            if line.startswith(want):
                return line.decode(errors="replace").rstrip("\r")
    return None


class SServer:
    """openssl s_server -www on 127.0.0.1:<free port> with the given extra
    arguments (certificate, version, PSK, ...); ready at its ACCEPT line
    (another port if that one was taken meanwhile); stopped by its PID."""

    def __init__(self, openssl, args, workdir, tag):
        self.log_path = os.path.join(workdir, "s_server-%s.log" % tag)
        for _ in range(5):
            self.log = open(self.log_path, "a")
            self.port = closed_port()
            self.proc = subprocess.Popen(
                [openssl, "s_server", "-accept", "127.0.0.1:%d" % self.port, "-www"] + args,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.log, text=True)
            if wait_line(self.proc, "ACCEPT", 10) is not None:
                return
            self.stop()
        raise RuntimeError("openssl s_server did not start; see %s" % self.log_path)

    def stop(self):
        """Stops it; returns its log."""
        stop_process(self.proc)
        self.proc.stdout.close()
        self.log.close()
        with open(self.log_path) as f:
            return f.read()


class Server:
    """tls_server.py (or another script given as `script`, with `argv`) on
    127.0.0.1:<free port>; waits for its READY line; stopped by its PID."""

    def __init__(self, cert, key, body, workdir, tag, script="tls_server.py", argv=None):
        self.log_path = os.path.join(workdir, "server-%s.log" % tag)
        self.log = open(self.log_path, "w")
        if argv is None:
            argv = ["--cert", cert, "--key", key, "--name", SERVER_NAME, "--body", body]
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, script)] + argv,
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.port = None
        self.reader = None
        line = wait_line(self.proc, "READY ", 15)
        if line is not None:
            self.port = int(line.split()[1])
        if self.port is None:
            self.stop()
            raise RuntimeError("TLS server did not start; see %s" % self.log_path)
        # Keep reading its lines: a pipe nobody drains fills up after some
        # 700 connections' lines and the server blocks in print().
        self.lines = []
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self):
        stop_process(self.proc)
        if self.reader is not None:
            self.reader.join(timeout=10)
        rest = "".join(self.lines) if self.reader is not None else self.proc.stdout.read()
        self.log.write(rest)
        self.log.close()
        with open(self.log_path) as f:
            return f.read()


def closed_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def qemu_command(qemu, firmware, args, icount=False):
    """qemu-system-arm for mps2-an500: semihosting and console on stdout in
    order; user networking in which the guest's 10.0.2.2 is the host's
    127.0.0.1. The firmware only ever dials 10.0.2.2."""
    cmd = [qemu, "-M", "mps2-an500", "-m", "16M", "-nographic", "-monitor", "none",
           "-kernel", firmware, "-nic", "user,model=lan9118",
           "-chardev", "stdio,id=c0,mux=on", "-serial", "chardev:c0",
           "-semihosting-config",
           "enable=on,target=native,chardev=c0," + ",".join(
               ["arg=firmware.elf"] + ["arg=%s" % a for a in args])]
    if icount:
        cmd += ["-icount", "shift=0"]
    return cmd


def run_qemu(qemu, firmware, args, timeout, icount=False):
    """Returns (exit status, console text); status None on timeout."""
    cmd = qemu_command(qemu, firmware, args, icount)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate(timeout=10)
        return None, out.decode("utf-8", "replace")


def find_qemu(given):
    q = given or shutil.which("qemu-system-arm")
    if not q:
        raise SystemExit("qemu-system-arm not found")
    return q


def parse_args(description=None):
    """The arguments every device test takes; returns (args, qemu)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--qemu")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--lean", action="store_true",
                    help="the firmware is firmware-lean.elf: evidence, no diagnosis text")
    args = ap.parse_args()
    return args, find_qemu(args.qemu)
