#!/usr/bin/env python3
"""x509-limbo through `iotls verify`: one line per case and a summary.

    run.py [LIMBO_JSON] --iotls PATH [--markdown FILE] [--min-agreement PCT]
           [--report-only] [--timeout S]

LIMBO_JSON defaults to tests/limbo/vectors/limbo.json (92 SERVER cases,
Apache-2.0, see the README there; C2SP/x509-limbo's format: {"version": 1, "testcases": [...]}).
For each case, in a temporary directory, the peer certificate and the
untrusted intermediates go to CHAIN.pem (in that order) and the trusted
certificates to ROOTS.pem, and the harness runs

    iotls verify CHAIN.pem --cacert ROOTS.pem --host NAME [--at TIME]
          [--max-intermediates N] --json

How the case's fields are used (docs/x509-limbo.md):
  expected_peer_name   DNS or IP: --host VALUE; null: --no-host (the chain
                       alone, no name check); any other kind: not applicable
  validation_time      --at; null: now
  max_chain_depth      --max-intermediates N (self-issued ones not counted)
  extended_key_usage   iotls verifies TLS servers: null or ["serverAuth"]
                       applies, anything else is not applicable
  key_usage            null or ["digitalSignature"] (what a TLS 1.3/ECDHE
                       server signs with) applies, anything else not
  signature_algorithms null applies; a list (a profile iotls cannot be
                       told) is not applicable
  validation_kind      SERVER applies; CLIENT is not applicable

Outcome: exit 0 = SUCCESS; exit 7 (rejected) or 3 (a certificate or the
trust store could not be read: nothing verifies) = FAILURE; anything else
(usage, crash, timeout) = ERROR, which never agrees.

The run fails (exit 1) when a case without `features` is accepted while
it must be rejected, when agreement over the applicable cases is below
--min-agreement (95), or when iotls crashed or timed out (ERROR), unless
--report-only. No case id is special anywhere: the rules decide.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_LIMBO = os.path.join(REPO, "tests", "limbo", "vectors", "limbo.json")

SERVER_EKUS = {"serverAuth"}
SERVER_KUS = {"digitalSignature"}


def not_applicable(tc):
    """The reason a case does not apply to iotls verify, or None."""
    kind = tc.get("validation_kind", "SERVER")
    if kind != "SERVER":
        return "validation_kind %s (iotls is a TLS client: it verifies servers)" % kind
    eku = tc.get("extended_key_usage")
    if eku and not set(eku) <= SERVER_EKUS:
        return "extended_key_usage %s (iotls verifies for serverAuth only)" % ",".join(eku)
    ku = tc.get("key_usage")
    if ku and not set(ku) <= SERVER_KUS:
        return "key_usage %s (a TLS server's key signs: digitalSignature)" % ",".join(ku)
    if tc.get("signature_algorithms"):
        return "signature_algorithms given (iotls's profile is fixed)"
    name = tc.get("expected_peer_name")
    if name is not None and name.get("kind") not in ("DNS", "IP"):
        return "expected_peer_name kind %s (iotls checks DNS names and IPs)" % name.get("kind")
    if name is None and tc.get("expected_peer_names"):
        return "several expected_peer_names (iotls checks one name)"
    return None


def tlv(der, i):
    """(tag, start of content, end of content) of the DER element at i."""
    tag, n = der[i], der[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(der[i:i + k], "big")
        i += k
    return tag, i, i + n


def names(pem):
    """(issuer, subject) DER of a PEM certificate, or None if unreadable."""
    try:
        body = "".join(l for l in pem.strip().splitlines() if not l.startswith("-----"))
        der = base64.b64decode(body)
        _, c, _ = tlv(der, 0)           # Certificate
        _, i, _ = tlv(der, c)           # TBSCertificate
        fields = []
        while len(fields) < 6:
            tag, s, e = tlv(der, i)
            if not (tag == 0xa0 and not fields):  # skip [0] version
                fields.append(der[i:e])
            i = e
        return fields[2], fields[4]     # serial, sigalg, issuer, validity, subject
    except (ValueError, IndexError):
        return None


def server_order(peer, pool):
    """The intermediates as a server sends them (RFC 8446 4.4.2: each one
    certifies the one before it): from the peer upwards by issuer name, a
    self-issued candidate first (its own issuer has the same name and must
    follow it), then whatever is left in the given order. Mbed TLS looks for
    a parent only among the certificates after the child, in a connection
    too: a chain sent out of order is rejected (docs/x509-limbo.md)."""
    left = [(c, names(c)) for c in pool]
    out = []
    cur = names(peer)
    while cur is not None and left:
        cands = [x for x in left if x[1] is not None and x[1][1] == cur[0]]
        if not cands:
            break
        cands.sort(key=lambda x: x[1][0] != x[1][1])  # self-issued first
        out.append(cands[0][0])
        left.remove(cands[0])
        cur = cands[0][1]
    return out + [c for c, _ in left]


def certs_text(items):
    if items is None:
        return ""
    if isinstance(items, str):
        items = [items]
    return "".join(c if c.endswith("\n") else c + "\n" for c in items)


def command(tc, iotls, tmp, keep_order=False):
    chain = os.path.join(tmp, "CHAIN.pem")
    roots = os.path.join(tmp, "ROOTS.pem")
    pool = tc.get("untrusted_intermediates") or []
    if not keep_order:
        pool = server_order(tc["peer_certificate"], pool)
    with open(chain, "w") as f:
        f.write(certs_text([tc["peer_certificate"]]) + certs_text(pool))
    with open(roots, "w") as f:
        f.write(certs_text(tc.get("trusted_certs") or []))
    args = [iotls, "verify", chain, "--cacert", roots]
    name = tc.get("expected_peer_name")
    if name is None:
        args.append("--no-host")
    else:
        args += ["--host", name["value"]]
    if tc.get("validation_time"):
        args += ["--at", tc["validation_time"]]
    if tc.get("max_chain_depth") is not None:
        args += ["--max-intermediates", str(min(int(tc["max_chain_depth"]), 255))]
    args.append("--json")
    return args


def run_case(tc, iotls, timeout, keep_order=False):
    """(actual, cause, rc)."""
    with tempfile.TemporaryDirectory(prefix="limbo-") as tmp:
        args = command(tc, iotls, tmp, keep_order)
        try:
            p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=timeout, env=dict(os.environ, LC_ALL="C"))
        except subprocess.TimeoutExpired:
            return "ERROR", "timeout after %d s" % timeout, None
    doc = None
    try:
        lines = p.stdout.decode("utf-8", "replace").strip().splitlines()
        doc = json.loads(lines[0]) if len(lines) == 1 else None
    except (ValueError, IndexError):
        doc = None
    if p.returncode == 0:
        return "SUCCESS", "", 0
    if p.returncode in (3, 7):
        cause = ""
        if isinstance(doc, dict):
            flags = ",".join(doc.get("verify_flags_names") or [])
            cause = doc.get("cause") or doc.get("error") or ""
            if flags:
                cause += " [%s]" % flags
            if doc.get("cause") in (None, "unknown") and doc.get("message"):
                cause += ": " + doc["message"]
        return "FAILURE", cause or "exit %d" % p.returncode, p.returncode
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    return "ERROR", "exit %d: %s" % (p.returncode, err[0] if err else ""), p.returncode


BEGIN_MARK = "<!-- limbo-table-begin: generated by tests/limbo/run.py --markdown -->"
END_MARK = "<!-- limbo-table-end -->"


def markdown(path, source, rows, summary):
    """The per-case table. When path already holds the two markers, only
    the text between them is replaced (docs/x509-limbo.md); otherwise path
    gets the table alone."""
    lines = [BEGIN_MARK, "", "Cases of `%s`, run through `iotls verify`." % source, ""]
    lines += ["- %s" % line for line in summary]
    lines += ["", "| id | expected | iotls | agrees | features | cause |",
              "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append("| `%s` | %s | %s | %s | %s | %s |" % (
            r["id"], r["expected"], r["actual"],
            "n/a" if r["actual"] == "N/A" else ("yes" if r["agree"] else "**no**"),
            ", ".join(r["features"]) if r["features"] else "",
            r["cause"].replace("|", "\\|")))
    lines += ["", END_MARK]
    table = "\n".join(lines) + "\n"
    old = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
    if BEGIN_MARK in old and END_MARK in old:
        head = old[:old.index(BEGIN_MARK)]
        tail = old[old.index(END_MARK) + len(END_MARK):].lstrip("\n")
        text = head + table + ("\n" + tail if tail else "")
    else:
        text = table
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("limbo", nargs="?", default=DEFAULT_LIMBO)
    ap.add_argument("--iotls", required=True, help="the iotls tool")
    ap.add_argument("--markdown", help="write the per-case table to this file (between "
                    "its limbo-table markers when it has them, e.g. docs/x509-limbo.md)")
    ap.add_argument("--min-agreement", type=float, default=95.0)
    ap.add_argument("--report-only", action="store_true",
                    help="always exit 0 (measure without failing)")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per case")
    ap.add_argument("--keep-order", action="store_true",
                    help="write the intermediates in the file's order, not a server's")
    a = ap.parse_args()

    with open(a.limbo) as f:
        data = json.load(f)
    cases = data["testcases"] if isinstance(data, dict) else data
    rows = []
    for tc in cases:
        feats = tc.get("features") or []
        why = not_applicable(tc)
        if why:
            row = dict(id=tc["id"], expected=tc["expected_result"], actual="N/A",
                       agree=False, features=feats, cause=why)
        else:
            actual, cause, _ = run_case(tc, a.iotls, a.timeout, a.keep_order)
            row = dict(id=tc["id"], expected=tc["expected_result"], actual=actual,
                       agree=actual == tc["expected_result"], features=feats, cause=cause)
        rows.append(row)
        print("%-60s expected %-7s got %-7s %s%s" % (
            row["id"], row["expected"], row["actual"],
            "" if row["agree"] or row["actual"] == "N/A" else "DISAGREE ",
            row["cause"]), flush=True)

    app = [r for r in rows if r["actual"] != "N/A"]
    agree = sum(1 for r in app if r["agree"])
    pct = 100.0 * agree / len(app) if app else 100.0
    wrong_acc = [r for r in app if r["expected"] == "FAILURE" and r["actual"] == "SUCCESS"]
    wa_plain = [r for r in wrong_acc if not r["features"]]
    wa_feat = [r for r in wrong_acc if r["features"]]
    wrong_rej = [r for r in app if r["expected"] == "SUCCESS" and r["actual"] == "FAILURE"]
    errors = [r for r in app if r["actual"] == "ERROR"]
    summary = [
        "cases: %d, applicable: %d, not applicable: %d" % (len(rows), len(app),
                                                           len(rows) - len(app)),
        "agreement: %d/%d = %.1f %%" % (agree, len(app), pct),
        "wrong accepts (expected FAILURE, got SUCCESS): %d without features, %d with features"
        % (len(wa_plain), len(wa_feat)),
        "wrong rejects (expected SUCCESS, got FAILURE): %d" % len(wrong_rej),
        "errors (crash, usage, timeout): %d" % len(errors),
    ]
    print()
    for line in summary:
        print(line)
    for title, lst in (("wrong accept (no features)", wa_plain),
                       ("wrong accept (features)", wa_feat),
                       ("wrong reject", wrong_rej), ("error", errors)):
        for r in lst:
            print("  %s: %s %s" % (title, r["id"], r["cause"]))
    if a.markdown:
        markdown(a.markdown, os.path.basename(a.limbo), rows, summary)
    failed = bool(wa_plain) or pct < a.min_agreement or bool(errors)
    if failed and not a.report_only:
        print("FAIL: %s" % "; ".join(
            x for x in ("%d wrong accept(s) without features" % len(wa_plain) if wa_plain else "",
                        "agreement %.1f %% < %.1f %%" % (pct, a.min_agreement)
                        if pct < a.min_agreement else "",
                        "%d error(s)" % len(errors) if errors else "") if x))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
