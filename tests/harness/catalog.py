"""Loads the scenarios (tests/scenarios/*.toml) and checks their shape.

Each file holds [[scenario]] tables; see docs/testing.md for every key. A
key the runner does not know is an error, so a typo cannot silently turn a
check off.

The TLS version dimension: a scenario whose server can be pinned to one
protocol version (s_server, gnutls-serv, nginx, the Python ssl servers) runs
once per version in its `tls` list (default ["1.3", "1.2"]), each run named
NAME.tls13 / NAME.tls12, the server pinned to that version by the harness
(procs.py). `[scenario.tls13]` / `[scenario.tls12]` hold what differs in that
version: `json` and `server` are merged key by key, other keys replace the
base. A scenario without such a server (none, raw TCP) or with `tls = []`
runs once, unsuffixed, the server's own settings deciding.
"""

import os
import re
import tomllib

SCENARIO_KEYS = {
    "name", "about", "server", "client", "env", "precondition", "timeout",
    "exit", "json", "stdout_empty", "stdout_contains", "stdout_body",
    "stderr_contains", "stderr_not_contains", "stderr_max_lines", "stderr_first_line",
    "output_regex",
    "files", "file_absent", "sni_seen", "request_contains", "max_seconds",
    "client_prefix", "client_netns", "variants", "server_log_regex",
    "tls", "tls13", "tls12", "glob_absent",
}
# TLS versions the harness can pin a server to, and the run-name suffix of each.
TLS_VERSIONS = {"1.3": "tls13", "1.2": "tls12"}
# Under valgrind, a scenario that runs against both versions runs in both
# (True), or only against TLS 1.3, its TLS 1.2 run being plain + ASan (False):
# the switch for the time budget (docs/testing.md, "Time"). A scenario that
# runs against one version only keeps all its variants either way.
VALGRIND_BOTH_VERSIONS = False
# A run with no server that must end in a usage error (exit 2) stops in the
# option parser, before any TLS or certificate code: plain + ASan only. The
# parser itself runs under valgrind in unit.opts, unit.http_script, ...
# (time budget, docs/testing.md "Time").
VALGRIND_USAGE_ERRORS = False
# Keys a [scenario.tls13] / [scenario.tls12] table may set.
OVERRIDE_KEYS = SCENARIO_KEYS - {"name", "tls", "tls13", "tls12"}
# Python behaviours that speak TLS through the ssl module, so they can be
# pinned to a version (servers.py --tls). The others are raw TCP.
PYTHON_TLS_BEHAVIOURS = {"seed", "http", "truncate", "tls-silent", "cert-close",
                         "sni-record", "bad-http", "http-api"}
# Server arguments that pin a version themselves: not allowed in a scenario
# with a version dimension (the harness pins), only with tls = [].
S_SERVER_VERSION_ARGS = {"-ssl3", "-tls1", "-tls1_1", "-tls1_2", "-tls1_3", "-no_ssl3",
                         "-no_tls1", "-no_tls1_1", "-no_tls1_2", "-no_tls1_3",
                         "-min_protocol", "-max_protocol"}
VARIANTS = ("none", "asan", "valgrind")
CLIENT_NETNS = {"server", "own"}
SERVER_KEYS = {
    "kind", "listen", "cert", "chain", "args", "behaviour", "mode", "body_size", "name",
    "ready", "www_pattern", "config",
}
SERVER_KINDS = {"s_server", "python", "gnutls", "nginx"}
PRECONDITIONS = {"ipv6"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ScenarioError(Exception):
    pass


def variants(sc):
    """The ways a scenario (or one version's run) is registered (none =
    plain, asan, valgrind)."""
    return sc.get("variants", list(VARIANTS))


def pinnable(srv):
    """True if the harness can pin this server to one TLS version."""
    if srv is None:
        return False
    if srv["kind"] == "python":
        return srv.get("behaviour") in PYTHON_TLS_BEHAVIOURS
    return srv["kind"] in ("s_server", "gnutls", "nginx")


def tls_versions(sc):
    """The versions a scenario runs with: its `tls` list, by default both
    where the server can be pinned, none otherwise."""
    if "tls" in sc:
        return list(sc["tls"])
    return ["1.3", "1.2"] if pinnable(sc.get("server")) else []


def pins_version(srv):
    """The server arguments that already choose a protocol version, if any."""
    args = srv.get("args", [])
    if srv["kind"] == "s_server":
        return [a for a in args if a in S_SERVER_VERSION_ARGS]
    if srv["kind"] == "gnutls":
        return [a for a in args if "VERS-" in a]
    if srv["kind"] == "python":
        return [a for a in args if a.startswith("--tls")]
    return []


def runs(scenarios):
    """{run name: run} in file order. A run is the scenario with its
    version's overrides applied, "name" = NAME.tls13 / NAME.tls12 (or NAME
    without a version dimension), "base" = NAME, "tls_version" = "1.3",
    "1.2" or None."""
    out = {}
    for name, sc in scenarios.items():
        versions = tls_versions(sc)
        for v in versions or [None]:
            run = {k: v2 for k, v2 in sc.items() if k not in ("tls", "tls13", "tls12")}
            run["base"] = name
            run["tls_version"] = v
            if v is not None:
                over = sc.get(TLS_VERSIONS[v], {})
                for k, val in over.items():
                    if k in ("json", "server") and isinstance(run.get(k), dict):
                        run[k] = dict(run[k], **val)
                    else:
                        run[k] = val
                run["name"] = "%s.%s" % (name, TLS_VERSIONS[v])
                if v == "1.2" and "1.3" in versions and not VALGRIND_BOTH_VERSIONS:
                    run["variants"] = [x for x in variants(run) if x != "valgrind"]
            if "server" not in run and run.get("exit") == 2 and not VALGRIND_USAGE_ERRORS:
                run["variants"] = [x for x in variants(run) if x != "valgrind"]
            out[run["name"]] = run
    return out


def load_all(directory):
    """Returns {name: scenario dict} for every scenario, in file order; each
    scenario gets a "file" key naming where it came from."""
    found = {}
    files = sorted(f for f in os.listdir(directory) if f.endswith(".toml"))
    if not files:
        raise ScenarioError("no scenario files (*.toml) in %s" % directory)
    for fname in files:
        path = os.path.join(directory, fname)
        with open(path, "rb") as f:
            try:
                data = tomllib.load(f)
            except tomllib.TOMLDecodeError as e:
                raise ScenarioError("%s: %s" % (path, e)) from e
        unknown = set(data) - {"scenario"}
        if unknown:
            raise ScenarioError("%s: unknown top-level keys %s" % (path, sorted(unknown)))
        for sc in data.get("scenario", []):
            check_shape(sc, fname)
            check_versions(sc, fname)
            if sc["name"] in found:
                raise ScenarioError("%s: scenario %s already defined in %s"
                                    % (fname, sc["name"], found[sc["name"]]["file"]))
            sc["file"] = fname
            found[sc["name"]] = sc
    return found


def check_shape(sc, fname):
    name = sc.get("name")
    where = "%s: scenario %r" % (fname, name)
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ScenarioError("%s: name must match %s" % (where, NAME_RE.pattern))
    unknown = set(sc) - SCENARIO_KEYS
    if unknown:
        raise ScenarioError("%s: unknown keys %s" % (where, sorted(unknown)))
    for key in ("client", "exit"):
        if key not in sc:
            raise ScenarioError("%s: missing %r" % (where, key))
    if not isinstance(sc["client"], list) or not all(isinstance(a, str) for a in sc["client"]):
        raise ScenarioError("%s: client must be a list of strings" % where)
    if not isinstance(sc["exit"], int):
        raise ScenarioError("%s: exit must be an integer" % where)
    srv = sc.get("server")
    if srv is not None:
        bad = set(srv) - SERVER_KEYS
        if bad:
            raise ScenarioError("%s: unknown server keys %s" % (where, sorted(bad)))
        if srv.get("kind") not in SERVER_KINDS:
            raise ScenarioError("%s: server.kind must be one of %s" % (where, sorted(SERVER_KINDS)))
        if srv.get("listen", "127.0.0.1") not in ("127.0.0.1", "::1"):
            raise ScenarioError("%s: servers listen on 127.0.0.1 or ::1 only" % where)
        if srv["kind"] == "python" and "behaviour" not in srv:
            raise ScenarioError("%s: a python server needs a behaviour" % where)
    if "variants" in sc:
        v = sc["variants"]
        if not isinstance(v, list) or "none" not in v or set(v) - set(VARIANTS):
            raise ScenarioError("%s: variants must be a list of %s including \"none\""
                                % (where, list(VARIANTS)))
    if "client_netns" in sc:
        if sc["client_netns"] not in CLIENT_NETNS:
            raise ScenarioError("%s: client_netns must be one of %s" % (where, sorted(CLIENT_NETNS)))
        if sc["client_netns"] == "server" and (srv is None or srv["kind"] != "gnutls"):
            raise ScenarioError("%s: client_netns = \"server\" needs a gnutls server" % where)
    if srv is not None and srv["kind"] == "gnutls" and sc.get("client_netns") != "server":
        raise ScenarioError("%s: a gnutls server lives in its own network namespace: "
                            "set client_netns = \"server\"" % where)
    if not isinstance(sc.get("client_prefix", []), list):
        raise ScenarioError("%s: client_prefix must be a list" % where)
    for p in sc.get("precondition", []):
        if p not in PRECONDITIONS:
            raise ScenarioError("%s: unknown precondition %r" % (where, p))
    if "request_contains" in sc and (srv is None or srv["kind"] != "python"):
        raise ScenarioError("%s: request_contains needs a python server" % where)
    if "sni_seen" in sc and (srv is None or srv.get("behaviour") != "sni-record"):
        raise ScenarioError("%s: sni_seen needs the sni-record server" % where)


def check_versions(sc, fname):
    """The version dimension: `tls`, the override tables, and no version
    pinned twice (by the scenario's server arguments and by the harness)."""
    where = "%s: scenario %r" % (fname, sc["name"])
    srv = sc.get("server")
    if "tls" in sc:
        t = sc["tls"]
        if not isinstance(t, list) or set(t) - set(TLS_VERSIONS) or len(set(t)) != len(t):
            raise ScenarioError("%s: tls must be a list of %s (or [] for no version dimension)"
                                % (where, sorted(TLS_VERSIONS)))
    versions = tls_versions(sc)
    if versions and not pinnable(srv):
        raise ScenarioError("%s: tls = %s, but this server cannot be pinned to a version "
                            "(set tls = [])" % (where, versions))
    if versions and pins_version(srv):
        raise ScenarioError("%s: the server arguments %s pin a version; the harness pins it "
                            "per run (drop them, and list the versions in tls, or set tls = [])"
                            % (where, pins_version(srv)))
    for v, key in TLS_VERSIONS.items():
        if key not in sc:
            continue
        over = sc[key]
        if v not in versions:
            raise ScenarioError("%s: [scenario.%s] but %s is not among its versions %s"
                                % (where, key, v, versions))
        if not isinstance(over, dict) or set(over) - OVERRIDE_KEYS:
            raise ScenarioError("%s: [scenario.%s] may only set %s"
                                % (where, key, sorted(OVERRIDE_KEYS)))
        merged = dict(sc)
        for k, val in over.items():
            merged[k] = dict(sc[k], **val) if k in ("json", "server") and k in sc else val
        merged.pop("tls13", None)
        merged.pop("tls12", None)
        check_shape(merged, fname)
        if merged.get("server") and pins_version(merged["server"]):
            raise ScenarioError("%s: [scenario.%s] server arguments %s pin a version"
                                % (where, key, pins_version(merged["server"])))


LONGNAME_RE = re.compile(r"\{longname:(\d+)\}")
TOKEN_RE = re.compile(r"\{(port|pki|host|hostport|tmp|fact:[a-z0-9_]+)\}")
# {secs:N}: N seconds times the wrapper's slowdown (1 plain, 2 ASan, 4
# valgrind), for a client bound (-m) that must leave the handshake time to
# finish before the behaviour under test (a stall after it) trips it.
SECS_RE = re.compile(r"\{secs:(\d+)\}")


def long_name(n):
    """A syntactically valid DNS name of exactly n characters (labels of at
    most 63 characters), ending in .example."""
    left = n - len(".example")
    labels = []
    while left > 0:
        if labels:
            left -= 1  # the dot before this label
        size = min(63, left)
        if left - size == 1:
            size -= 1  # leave room for a dot and a 1-character label
        labels.append(chr(ord("a") + len(labels) % 26) * size)
        left -= size
    return ".".join(labels) + ".example"


def expand(text, values):
    """Replaces {port}, {pki}, {host}, {hostport}, {tmp}, {longname:N}, {secs:N}, {fact:NAME}
    (facts.json's NAME, e.g. a time for iotls verify --at)."""
    text = LONGNAME_RE.sub(lambda m: long_name(int(m.group(1))), text)
    text = SECS_RE.sub(lambda m: str(int(m.group(1)) * int(values.get("slowdown", 1))), text)
    return TOKEN_RE.sub(lambda m: str(values[m.group(1)]), text)
