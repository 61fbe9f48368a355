"""Processes of a scenario: the server (started, waited for, stopped by its
PID) and the client (run under a watchdog). Every wait here is bounded."""

import os
import signal
import socket
import subprocess
import sys
import time

import body

HERE = os.path.dirname(os.path.abspath(__file__))
READY_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
POLL_S = 0.02


class ServerError(Exception):
    pass


def free_port(listen):
    """A port the kernel just gave us on listen. Another process may take it
    before the server binds; start_server() retries on that."""
    family = socket.AF_INET6 if ":" in listen else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((listen, 0))
        return s.getsockname()[1]


def ipv6_loopback():
    """None if ::1 can be bound, else the reason."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return None
    except OSError as e:
        return str(e)


def expand_paths(arg, pki, tmp):
    """{pki} and {tmp} in a server argument (the port is not known yet)."""
    return arg.replace("{pki}", pki).replace("{tmp}", tmp)


def server_command(srv, port, pki, tmp):
    listen = srv.get("listen", "127.0.0.1")
    if srv["kind"] == "s_server":
        accept = "[%s]:%d" % (listen, port) if ":" in listen else "%s:%d" % (listen, port)
        cmd = ["openssl", "s_server", "-accept", accept]
        if "cert" in srv:
            cmd += ["-cert", os.path.join(pki, srv["cert"] + ".pem"),
                    "-key", os.path.join(pki, srv["cert"] + ".key")]
        if "chain" in srv:
            cmd += ["-cert_chain", os.path.join(pki, srv["chain"] + ".pem")]
        # Serve exactly the chain the scenario names: s_server would
        # otherwise complete it from the default store.
        cmd += ["-no-CAfile", "-no-CApath", "-no-CAstore"]
        return cmd + [expand_paths(x, pki, tmp) for x in srv.get("args", [])]
    cmd = [sys.executable, os.path.join(HERE, "servers.py"), srv["behaviour"],
           "--listen", listen, "--port", str(port)]
    if "cert" in srv:
        chain = os.path.join(pki, srv["cert"] + "-chain.pem")
        if not os.path.exists(chain):
            chain = os.path.join(pki, srv["cert"] + ".pem")
        cmd += ["--cert", chain, "--key", os.path.join(pki, srv["cert"] + ".key")]
    for key, opt in (("mode", "--mode"), ("body_size", "--body-size"), ("name", "--name")):
        if key in srv:
            cmd += [opt, str(srv[key])]
    cmd += [expand_paths(x, pki, tmp) for x in srv.get("args", [])]
    cmd += ["--request-log", os.path.join(tmp, "request.txt")]
    if srv["behaviour"] == "sni-record":
        cmd += ["--record", os.path.join(tmp, "sni.jsonl")]
    return cmd


class Server:
    def __init__(self, proc, port, out_path, err_path, cmd):
        self.proc = proc
        self.port = port
        self.out_path = out_path
        self.err_path = err_path
        self.cmd = cmd

    def stop(self):
        """Terminate by PID, then kill after a bounded wait."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT_S)
        if self.proc.stdin:
            self.proc.stdin.close()
        return self.proc.returncode


def wait_ready(proc, out_path, listen, port, how):
    """Waits until the server reports ACCEPT on stdout (how == "line") or
    accepts a TCP connection (how == "port"). Returns None or the reason."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return "server exited with status %d before it was ready" % proc.returncode
        if how == "line":
            with open(out_path, "rb") as f:
                if b"ACCEPT" in f.read():
                    return None
        else:
            family = socket.AF_INET6 if ":" in listen else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(1.0)
                if s.connect_ex((listen, port)) == 0:
                    return None
        time.sleep(POLL_S)
    return "server not ready after %.0f s" % READY_TIMEOUT_S


def start_server(srv, pki, tmp, attempts=3):
    """Starts the scenario's server on a free port; raises ServerError (the
    scenario then FAILS, it is never skipped)."""
    listen = srv.get("listen", "127.0.0.1")
    how = srv.get("ready", "line")
    if "www_pattern" in srv:
        # s_server -WWW serves files from its working directory, the run's.
        with open(os.path.join(tmp, "page.txt"), "wb") as f:
            f.write(body.pattern(srv["www_pattern"]))
    reason = "not started"
    for attempt in range(1, attempts + 1):
        port = free_port(listen)
        cmd = server_command(srv, port, pki, tmp)
        out_path = os.path.join(tmp, "server.stdout")
        err_path = os.path.join(tmp, "server.stderr")
        with open(os.path.join(tmp, "server.cmd"), "a") as f:
            f.write(" ".join(cmd) + "\n")
        try:
            # stdin stays an open pipe: s_server treats EOF on stdin as "quit".
            with open(out_path, "wb") as out, open(err_path, "wb") as err:
                proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=err,
                                        cwd=tmp, start_new_session=True)
        except OSError as e:
            raise ServerError("cannot start server %s: %s" % (cmd[0], e)) from e
        reason = wait_ready(proc, out_path, listen, port, how)
        server = Server(proc, port, out_path, err_path, cmd)
        if reason is None:
            return server
        server.stop()
        with open(err_path, "rb") as f:
            in_use = b"in use" in f.read()
        if not in_use:
            break
        reason += " (port %d in use, attempt %d)" % (port, attempt)
    raise ServerError(reason)


class ClientResult:
    def __init__(self, rc, stdout, stderr, seconds, timed_out):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.timed_out = timed_out


def run_client(cmd, env, timeout, tmp):
    """Runs the client with a watchdog; a client still running after timeout
    seconds is killed (its whole process group) and reported as hung."""
    out_path = os.path.join(tmp, "client.stdout")
    err_path = os.path.join(tmp, "client.stderr")
    started = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=env, cwd=tmp, start_new_session=True)
        timed_out = False
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT_S)
        except BaseException:
            # The runner itself is being stopped: take the client along.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT_S)
            raise
    seconds = time.monotonic() - started
    with open(out_path, "rb") as f:
        stdout = f.read()
    with open(err_path, "rb") as f:
        stderr = f.read()
    return ClientResult(proc.returncode, stdout, stderr, seconds, timed_out)
