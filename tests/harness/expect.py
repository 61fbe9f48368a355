"""Checks a client run against a scenario's expectations.

check(...) returns a list of failures, each one line "what: expected X, got Y".
The --json contract (docs/json.md) is checked on every run that asked for it.
"""

import glob
import json
import os
import re

import body

# Every field docs/json.md promises: absent values are null, never missing.
JSON_FIELDS = (
    "ok", "command", "host", "port", "address", "stage", "error", "error_code",
    "exit_code", "message", "mbedtls_code", "mbedtls_code_hex", "alert_received",
    "alert_sent", "verify_flags", "verify_flags_names", "errno", "sent", "negotiated",
    "resumed", "peer_chain", "anchor", "trust", "timings_ms", "http", "wire",
    "cause", "certainty", "summary", "evidence", "fix", "candidates", "doc", "notes",
)
# The fields of `negotiated` when it is an object (docs/json.md).
NEGOTIATED_FIELDS = ("version", "ciphersuite", "group", "signature_scheme", "alpn")
# `iotls diagnose` adds these (docs/json.md).
DIAGNOSE_FIELDS = ("attempts", "connections", "max_connections", "confirmed", "confirmed_by")
VALGRIND_LINE = re.compile(rb"^==\d+==")
SANITIZER_MARKS = (b"ERROR: AddressSanitizer", b"ERROR: LeakSanitizer", b"runtime error:",
                   b"SUMMARY: UndefinedBehaviorSanitizer")
TYPES = {"int": int, "str": str, "list": list, "object": dict, "bool": bool,
         "float": (int, float)}
MISSING = object()


def lookup(obj, path):
    """obj at dotted path ("peer_chain.0.key"); MISSING if absent."""
    for part in path.split("."):
        if isinstance(obj, dict) and part in obj:
            obj = obj[part]
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return MISSING
    return obj


def same(expected, got):
    # bool is an int in Python: true must not match 1.
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    return expected == got


def match(matcher, got, facts):
    """None if got satisfies matcher, else why not. A matcher is a plain value
    (equality) or a table of conditions that must all hold."""
    if not isinstance(matcher, dict):
        return None if same(matcher, got) else "expected %s" % json.dumps(matcher)
    problems = []
    for cond, want in matcher.items():
        if cond == "null":
            ok = (got is None) == want
            text = "expected null" if want else "expected a value, not null"
        elif cond == "fact":
            if want not in facts:
                problems.append("unknown PKI fact %r (see facts.json)" % want)
                continue
            ok = same(facts[want], got)
            text = "expected %s (PKI fact %s)" % (json.dumps(facts[want]), want)
        elif cond == "contains":
            ok = (isinstance(got, str) and isinstance(want, str) and want in got) or \
                 (isinstance(got, list) and any(same(want, g) for g in got))
            text = "expected to contain %s" % json.dumps(want)
        elif cond == "not_contains":
            ok = not ((isinstance(got, str) and want in got) or
                      (isinstance(got, list) and any(same(want, g) for g in got)))
            text = "expected not to contain %s" % json.dumps(want)
        elif cond == "one_of":
            ok = any(same(w, got) for w in want)
            text = "expected one of %s" % json.dumps(want)
        elif cond == "regex":
            ok = isinstance(got, str) and re.search(want, got) is not None
            text = "expected to match /%s/" % want
        elif cond == "min":
            ok = isinstance(got, (int, float)) and not isinstance(got, bool) and got >= want
            text = "expected >= %s" % want
        elif cond == "max":
            ok = isinstance(got, (int, float)) and not isinstance(got, bool) and got <= want
            text = "expected <= %s" % want
        elif cond == "len":
            ok = isinstance(got, (list, str)) and len(got) == want
            text = "expected length %d" % want
        elif cond == "type":
            ok = isinstance(got, TYPES[want]) and (want == "bool" or not isinstance(got, bool))
            text = "expected type %s" % want
        else:
            problems.append("unknown matcher %r" % cond)
            continue
        if not ok:
            problems.append(text)
    return "; ".join(problems) or None


def show(value):
    text = json.dumps(value) if value is not MISSING else "(missing)"
    return text if len(text) <= 300 else text[:300] + "..."


def tool_stderr(raw):
    """The tool's own stderr lines, without valgrind's."""
    lines = raw.splitlines()
    return [l for l in lines if not VALGRIND_LINE.match(l)]


def resolve(matcher, ctx):
    """Placeholders in a matcher: strings are expanded ("{longname:253}"),
    {is = "port"} becomes the run's value (an int)."""
    if isinstance(matcher, str):
        return ctx["expand"](matcher, ctx["values"])
    if isinstance(matcher, list):
        return [resolve(m, ctx) for m in matcher]
    if isinstance(matcher, dict):
        if set(matcher) == {"is"}:
            return ctx["values"][matcher["is"]]
        return {k: resolve(v, ctx) for k, v in matcher.items()}
    return matcher


def check_json(sc, res, ctx, wrapped_rc):
    facts = ctx["facts"]
    fails = []
    lines = res.stdout.decode("utf-8", "replace").splitlines()
    if len(lines) != 1:
        return ["--json: expected exactly one line on stdout, got %d" % len(lines)], None
    try:
        doc = json.loads(lines[0])
    except json.JSONDecodeError as e:
        return ["--json: stdout is not JSON (%s): %s" % (e, show(lines[0]))], None
    if not isinstance(doc, dict):
        return ["--json: expected an object, got %s" % show(doc)], None
    fields = JSON_FIELDS + (DIAGNOSE_FIELDS if sc["client"][:1] == ["diagnose"] else ())
    missing = [f for f in fields if f not in doc]
    if missing:
        fails.append("--json: fields missing (docs/json.md says null, never missing): %s"
                     % ", ".join(missing))
    neg = doc.get("negotiated")
    if isinstance(neg, dict):
        missing = [f for f in NEGOTIATED_FIELDS if f not in neg]
        if missing:
            fails.append("--json: negotiated fields missing (docs/json.md): %s" % ", ".join(missing))
        if doc.get("ok") is True and not all(isinstance(neg.get(f), str)
                                              for f in ("version", "ciphersuite")):
            fails.append("--json: negotiated.version and .ciphersuite must be names after a "
                         "handshake, got %s" % show(neg))
    if not wrapped_rc and doc.get("exit_code") != res.rc:
        fails.append("json exit_code: expected %d (the process exit code), got %s"
                     % (res.rc, show(doc.get("exit_code"))))
    if doc.get("ok") is not (sc["exit"] == 0):
        fails.append("json ok: expected %s, got %s" % (json.dumps(sc["exit"] == 0),
                                                       show(doc.get("ok"))))
    fails += check_diagnosis_shape(doc)
    for path, matcher in sc.get("json", {}).items():
        matcher = resolve(matcher, ctx)
        got = lookup(doc, path)
        why = "field missing" if got is MISSING else match(matcher, got, facts)
        if why:
            fails.append("json %s: %s, got %s" % (path, why, show(got)))
    return fails, doc


def check_diagnosis_shape(doc):
    """docs/json.md: a success carries no diagnosis; a failure of the
    library carries one whose doc page is docs/causes/<cause>.md and whose
    first candidate is the cause."""
    fails = []
    cause = doc.get("cause")
    if doc.get("ok") is True:
        for f in ("cause", "certainty", "summary", "fix", "doc"):
            if doc.get(f) is not None:
                fails.append("json %s: expected null on success, got %s" % (f, show(doc.get(f))))
        for f in ("evidence", "candidates", "notes"):
            if doc.get(f) not in ([], MISSING, None) and f in doc and doc[f] != []:
                fails.append("json %s: expected [] on success, got %s" % (f, show(doc.get(f))))
    elif isinstance(cause, str):
        if doc.get("doc") != "docs/causes/%s.md" % cause:
            fails.append("json doc: expected %s, got %s"
                         % (json.dumps("docs/causes/%s.md" % cause), show(doc.get("doc"))))
        cands = doc.get("candidates")
        if isinstance(cands, list) and cands and cands[0].get("cause") != cause:
            fails.append("json candidates.0.cause: expected the cause %s, got %s"
                         % (json.dumps(cause), show(cands[0].get("cause"))))
    return fails


def expected_bytes(spec, values, expand):
    if "pattern" in spec:
        return body.pattern(spec["pattern"])
    return expand(spec["text"], values).encode()


def check(sc, res, ctx):
    """ctx: wrap, facts, values (placeholders), expand, tmp, max_extra_s."""
    fails = []
    wrap = ctx["wrap"]
    if res.timed_out:
        return ["client hung: killed by the watchdog after %.1f s" % res.seconds]
    if wrap == "valgrind" and res.rc == 99:
        fails.append("valgrind reported errors (exit 99): see client.stderr")
    if wrap == "asan" and any(m in res.stderr for m in SANITIZER_MARKS):
        fails.append("sanitizer report on stderr: see client.stderr")
    if res.rc < 0:
        fails.append("client killed by signal %d" % -res.rc)
    if res.rc != sc["exit"] and not (wrap == "valgrind" and res.rc == 99):
        fails.append("exit code: expected %d, got %d" % (sc["exit"], res.rc))

    if "--json" in sc["client"]:
        if sc["exit"] == 2:
            if res.stdout:
                fails.append("usage error: expected no JSON on stdout, got %s"
                             % show(res.stdout.decode("utf-8", "replace")))
        else:
            jf, _ = check_json(sc, res, ctx, wrap == "valgrind" and res.rc == 99)
            fails += jf

    out = res.stdout.decode("utf-8", "replace")
    err_lines = [l.decode("utf-8", "replace") for l in tool_stderr(res.stderr)]
    err = "\n".join(err_lines)
    if sc.get("stdout_empty") and res.stdout:
        fails.append("stdout: expected empty, got %s" % show(out))
    for s in sc.get("stdout_contains", []):
        if s not in out:
            fails.append("stdout: expected to contain %s, got %s" % (json.dumps(s), show(out)))
    for s in sc.get("stderr_contains", []):
        s = ctx["expand"](s, ctx["values"])
        if s not in err:
            fails.append("stderr: expected to contain %s, got %s" % (json.dumps(s), show(err)))
    for s in sc.get("stderr_not_contains", []):
        if s in err:
            fails.append("stderr: expected not to contain %s, got %s" % (json.dumps(s), show(err)))
    if "stderr_max_lines" in sc:
        n = len([l for l in err_lines if l.strip()])
        if n > sc["stderr_max_lines"] or n == 0:
            fails.append("stderr: expected 1..%d non-empty lines, got %d: %s"
                         % (sc["stderr_max_lines"], n, show(err)))
    first = next((l for l in err_lines if l.strip()), "")
    for s in sc.get("stderr_first_line", []):
        s = ctx["expand"](s, ctx["values"])
        if s not in first:
            fails.append("stderr first line: expected to contain %s, got %s"
                         % (json.dumps(s), show(first)))
    for rx in sc.get("output_regex", []):
        if not re.search(rx, out + "\n" + err, re.S):
            fails.append("output (stdout+stderr): expected to match /%s/" % rx)

    if "stdout_body" in sc:
        want = expected_bytes(sc["stdout_body"], ctx["values"], ctx["expand"])
        if res.stdout != want:
            fails.append("body on stdout: expected %d bytes, got %d (%s)"
                         % (len(want), len(res.stdout), first_difference(want, res.stdout)))
    for spec in sc.get("files", []):
        path = ctx["expand"](spec["path"], ctx["values"])
        if not os.path.exists(path):
            fails.append("file %s: expected to exist" % path)
            continue
        with open(path, "rb") as f:
            got = f.read()
        want = expected_bytes(spec, ctx["values"], ctx["expand"])
        if got != want:
            fails.append("file %s: expected %d bytes, got %d (%s)"
                         % (path, len(want), len(got), first_difference(want, got)))
    for p in sc.get("file_absent", []):
        path = ctx["expand"](p, ctx["values"])
        if os.path.exists(path):
            fails.append("file %s: expected absent (no partial output), but it exists (%d bytes)"
                         % (path, os.path.getsize(path)))

    for p in sc.get("glob_absent", []):
        # e.g. the temporary file of -o FILE: nothing left after a failure
        found = glob.glob(ctx["expand"](p, ctx["values"]))
        if found:
            fails.append("files matching %s: expected none (no partial output), found %s"
                         % (p, ", ".join(sorted(os.path.basename(f) for f in found))))

    if "sni_seen" in sc:
        fails += check_sni(sc["sni_seen"], os.path.join(ctx["tmp"], "sni.jsonl"))

    if "request_contains" in sc:
        path = os.path.join(ctx["tmp"], "request.txt")
        got = open(path, "rb").read().decode("latin-1") if os.path.exists(path) else ""
        for want in sc["request_contains"]:
            want = ctx["expand"](want, ctx["values"])
            if want not in got:
                fails.append("request seen by the server: expected to contain %s, got %s"
                             % (json.dumps(want), show(got)))

    if "server_log_regex" in sc:
        text = ""
        for name in ("server.stdout", "server.stderr"):
            path = os.path.join(ctx["tmp"], name)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    text += f.read().decode("utf-8", "replace") + "\n"
        for rx in sc["server_log_regex"]:
            if not re.search(rx, text, re.S):
                fails.append("server log (server.stdout+stderr): expected to match /%s/" % rx)

    if "max_seconds" in sc:
        bound = sc["max_seconds"] + ctx["max_extra_s"]
        if res.seconds > bound:
            fails.append("wall time: expected at most %.1f s, took %.2f s" % (bound, res.seconds))
    return fails


def check_sni(want, path):
    """want: "none" (every ClientHello had no SNI) or the exact name."""
    if not os.path.exists(path):
        return ["sni on the wire: the server saw no ClientHello (%s missing)" % path]
    with open(path) as f:
        seen = [json.loads(l)["sni"] for l in f if l.strip()]
    expected = None if want == "none" else want
    if not seen:
        return ["sni on the wire: no ClientHello recorded"]
    bad = [s for s in seen if s != expected]
    if bad:
        return ["sni on the wire: expected %s in every ClientHello, got %s"
                % (json.dumps(expected), json.dumps(seen))]
    return []


def first_difference(want, got):
    for i, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return "first difference at byte %d" % i
    if len(want) != len(got):
        return "one is a prefix of the other"
    return "equal"
