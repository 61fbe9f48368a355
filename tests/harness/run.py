#!/usr/bin/env python3
"""Runs one scenario of tests/scenarios/*.toml against the iotls tool.

    run.py --list [--variant V]
    run.py RUN --iotls PATH --pki DIR --logs DIR [--wrap none|valgrind|asan] [--keep]

RUN is a scenario name, with the TLS version it runs against where it has
one: NAME.tls13 or NAME.tls12 (catalog.runs; --list prints them all).
Starts the scenario's server on a free loopback port, pinned to that TLS
version, waits for it (bounded),
runs the client under a watchdog, checks the outcome, stops the server by its
PID. Exit 0: pass. Exit 1: fail; both logs (server and client stdout/stderr)
are then kept in LOGS/RUN[.WRAP]/ and printed. A server that cannot start is
a failure, never a skip.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import catalog
import expect
import procs

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO_DIR = os.path.join(os.path.dirname(HERE), "scenarios")

VALGRIND = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible",
            "--show-leak-kinds=definite,indirect,possible"]
# Client watchdog multiplier and extra wall-time allowance per wrapper.
SLOWDOWN = {"none": (1, 0.0), "asan": (2, 2.0), "valgrind": (4, 8.0)}
DEFAULT_CLIENT_TIMEOUT_S = 30


def client_env(sc, wrap, values):
    env = dict(os.environ)
    # The scenario decides about the system store; nothing leaks in from
    # the caller's environment.
    env.pop("SSL_CERT_FILE", None)
    env.pop("SSL_CERT_DIR", None)
    for k, v in sc.get("env", {}).items():
        env[k] = catalog.expand(v, values)
    if wrap == "asan":
        env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=98"
        if sc.get("client_prefix"):
            # faketime preloads libfaketime before the ASan runtime.
            env["ASAN_OPTIONS"] += ":verify_asan_link_order=0"
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=98"
    return env


def print_logs(run_dir):
    for name in ("command.txt", "server.cmd", "server.stdout", "server.stderr",
                 "nginx-error.log",
                 "client.stdout", "client.stderr", "sni.jsonl", "request.txt"):
        path = os.path.join(run_dir, name)
        if not os.path.exists(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        tail = data[-6000:].decode("utf-8", "replace")
        print("----- %s (%d bytes%s) -----" % (name, len(data),
                                                ", last 6000" if len(data) > 6000 else ""))
        print(tail.rstrip("\n"))
    print("----- end of logs -----")


def run(sc, a):
    wrap = a.wrap
    mult, extra = SLOWDOWN[wrap]
    label = sc["name"] + ("" if wrap == "none" else "." + wrap)
    os.makedirs(a.logs, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=label + ".", dir=a.logs)
    print("scenario %s (%s)%s" % (sc["name"], sc["file"],
                                  ": " + sc["about"] if "about" in sc else ""))
    if sc.get("tls_version"):
        print("server pinned to TLS %s" % sc["tls_version"])
    fails = []
    server = None
    try:
        for p in sc.get("precondition", []):
            if p == "ipv6":
                why = procs.ipv6_loopback()
                if why:
                    fails.append("PRECONDITION FAILED: this scenario needs IPv6 loopback "
                                 "(::1), which cannot be bound here: %s" % why)
        facts = {}
        facts_path = os.path.join(a.pki, "facts.json")
        if not os.path.exists(facts_path):
            fails.append("no PKI in %s (run the pki fixture: ctest -R '^pki$')" % a.pki)
        else:
            with open(facts_path) as f:
                facts = json.load(f)
        if not os.access(a.iotls, os.X_OK):
            fails.append("iotls binary %s missing or not executable" % a.iotls)
        if wrap == "valgrind" and shutil.which("valgrind") is None:
            fails.append("valgrind is not installed (scripts/install-deps)")
        srv = sc.get("server")
        for tool in needed_tools(sc):
            if shutil.which(tool) is None:
                fails.append("%s is not installed (scripts/install-deps): this scenario "
                             "cannot run" % tool)
        if wrap not in catalog.variants(sc):
            fails.append("scenario %s is not registered for the %s variant (variants = %s)"
                         % (sc["name"], wrap, catalog.variants(sc)))
        if fails:
            return finish(label, tmp, fails, a)

        listen = srv.get("listen", "127.0.0.1") if srv else "127.0.0.1"
        values = {"pki": a.pki, "tmp": tmp, "host": listen, "port": 0, "hostport": "",
                  "slowdown": mult}
        values.update({"fact:" + k: v for k, v in (facts or {}).items()})
        if srv:
            try:
                server = procs.start_server(srv, a.pki, tmp, sc.get("tls_version"))
            except procs.ServerError as e:
                fails.append("SERVER DID NOT START: %s (see server.stderr)" % e)
                return finish(label, tmp, fails, a)
            values["port"] = server.port
        else:
            # A port nobody listens on (connection refused scenarios).
            values["port"] = procs.free_port(listen)
        values["hostport"] = ("[%s]:%d" if ":" in listen else "%s:%d") % (listen, values["port"])

        cmd = [a.iotls] + [catalog.expand(x, values) for x in sc["client"]]
        if wrap == "valgrind":
            cmd = VALGRIND + cmd
        cmd = [catalog.expand(x, values) for x in sc.get("client_prefix", [])] + cmd
        if sc.get("client_netns") == "server":
            # Join the gnutls server's own network namespace (procs.gnutls_command).
            cmd = ["nsenter", "-t", str(server.proc.pid), "-n", "--"] + cmd
        elif sc.get("client_netns") == "own":
            # A network namespace of its own with nothing in it but lo (down):
            # nothing the client sends can leave the machine.
            cmd = ["unshare", "-n", "--"] + cmd
        with open(os.path.join(tmp, "command.txt"), "w") as f:
            f.write(" ".join(shell_quote(x) for x in cmd) + "\n")
        print("client:", " ".join(shell_quote(x) for x in cmd))
        timeout = sc.get("timeout", DEFAULT_CLIENT_TIMEOUT_S) * mult
        res = procs.run_client(cmd, client_env(sc, wrap, values), timeout, tmp)
        print("client exit %s after %.2f s" % (res.rc, res.seconds))
        if server and server.proc.poll() is not None:
            print("note: the server exited on its own with status %d" % server.proc.returncode)
        fails += expect.check(sc, res, {"wrap": wrap, "facts": facts, "values": values,
                                        "expand": catalog.expand, "tmp": tmp,
                                        "max_extra_s": extra})
    finally:
        if server:
            server.stop()
    return finish(label, tmp, fails, a)


def needed_tools(sc):
    """Programs the scenario cannot run without (missing: FAIL, never skip)."""
    tools = []
    kind = (sc.get("server") or {}).get("kind")
    tools += {"s_server": ["openssl"], "gnutls": ["gnutls-serv", "unshare", "ip", "nsenter"],
              "nginx": ["nginx"]}.get(kind, [])
    if sc.get("client_netns") == "own":
        tools.append("unshare")
    prefix = sc.get("client_prefix", [])
    if prefix:
        tools.append(prefix[0])
    return tools


def finish(label, tmp, fails, a):
    if not fails:
        print("PASS", label)
        if a.keep:
            print("logs kept in", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        return 0
    kept = os.path.join(a.logs, label)
    shutil.rmtree(kept, ignore_errors=True)
    os.rename(tmp, kept)
    print("FAIL %s:" % label)
    for f in fails:
        print("  -", f)
    print("logs kept in", kept)
    print_logs(kept)
    return 1


def shell_quote(s):
    if s and all(c.isalnum() or c in "-_./:=@[]," for c in s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def main():
    # A runner stopped by ctest's timeout or ^C still stops its server: the
    # SystemExit unwinds through run()'s finally clause.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit("run.py: stopped by signal %d" % signum))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("name", nargs="?", help="NAME, or NAME.tls13 / NAME.tls12 (see --list)")
    ap.add_argument("--list", action="store_true",
                    help="print the run names (NAME.tls13, NAME.tls12 or NAME), ;-separated")
    ap.add_argument("--variant", choices=catalog.VARIANTS,
                    help="with --list: only the scenarios registered for this variant")
    ap.add_argument("--scenarios", default=SCENARIO_DIR)
    ap.add_argument("--iotls")
    ap.add_argument("--pki")
    ap.add_argument("--logs")
    ap.add_argument("--wrap", choices=sorted(SLOWDOWN), default="none")
    ap.add_argument("--keep", action="store_true", help="keep the logs of a passing run")
    a = ap.parse_args()
    try:
        scenarios = catalog.runs(catalog.load_all(a.scenarios))
    except catalog.ScenarioError as e:
        print("run.py: bad scenario data:", e, file=sys.stderr)
        return 1
    if a.list:
        print(";".join(n for n, sc in scenarios.items()
                       if a.variant is None or a.variant in catalog.variants(sc)))
        return 0
    if not (a.name and a.iotls and a.pki and a.logs):
        ap.error("NAME, --iotls, --pki and --logs are required")
    if a.name not in scenarios:
        runs = [n for n, sc in scenarios.items() if sc["base"] == a.name]
        print("run.py: no scenario run named %r%s" % (
            a.name, " (it runs as %s)" % ", ".join(runs) if runs else ""), file=sys.stderr)
        return 1
    a.iotls = os.path.abspath(a.iotls)
    a.pki = os.path.abspath(a.pki)
    a.logs = os.path.abspath(a.logs)
    return run(scenarios[a.name], a)


if __name__ == "__main__":
    sys.exit(main())
