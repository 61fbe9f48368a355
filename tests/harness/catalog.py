"""Loads the scenarios (tests/scenarios/*.toml) and checks their shape.

Each file holds [[scenario]] tables; see docs/testing.md for every key. A
key the runner does not know is an error, so a typo cannot silently turn a
check off.
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
    "client_prefix", "client_netns", "variants",
}
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
    """The ways a scenario is registered (none = plain, asan, valgrind)."""
    return sc.get("variants", list(VARIANTS))


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


LONGNAME_RE = re.compile(r"\{longname:(\d+)\}")
TOKEN_RE = re.compile(r"\{(port|pki|host|hostport|tmp)\}")


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
    """Replaces {port}, {pki}, {host}, {hostport}, {tmp}, {longname:N}."""
    text = LONGNAME_RE.sub(lambda m: long_name(int(m.group(1))), text)
    return TOKEN_RE.sub(lambda m: str(values[m.group(1)]), text)
