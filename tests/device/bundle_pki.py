"""Test PKI for the root bundle tests (tests/bundle/run_bundle_host.py and
tests/device/run_bundle.py), made with openssl at test time:

- `n` roots that serve nobody (P-256, every fifth P-384);
- server A: an RSA-2048 root -> a P-256 intermediate -> a P-256 leaf
  (the server sends leaf + intermediate);
- server B: a P-384 root -> a P-256 leaf (leaf only);
- an impostor: a root with server A's root's exact name but its own key ->
  an intermediate with A's intermediate's name -> a leaf; not bundled.

Leaves carry DNS:tls.device.test and IP:127.0.0.1. roots.pem holds the n
roots with A's and B's among them (not first, not last)."""
import os
import subprocess

NAME = "tls.device.test"
ROOT_A = "iotls bundle server root A"
ROOT_B = "iotls bundle server root B"


def _run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60)


def _newkey(kind):
    if kind == "rsa":
        return ["-newkey", "rsa:2048"]
    curve = "P-384" if kind == "p384" else "P-256"
    return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + curve]


def _root(d, tag, cn, kind):
    _run(["openssl", "req", "-x509", "-nodes", *_newkey(kind), "-sha256", "-days", "30",
          "-subj", "/O=iotls test/CN=" + cn, "-keyout", tag + ".key", "-out", tag + ".pem",
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"], d)
    return os.path.join(d, tag + ".pem"), os.path.join(d, tag + ".key")


def _issue(d, tag, cn, kind, ca, ca_key, is_ca):
    _run(["openssl", "req", "-new", "-nodes", *_newkey(kind), "-subj",
          ("/O=iotls test/CN=" + cn) if is_ca else "/CN=" + cn,
          "-keyout", tag + ".key", "-out", tag + ".csr"], d)
    with open(os.path.join(d, tag + ".cnf"), "w") as f:
        if is_ca:
            f.write("basicConstraints=critical,CA:TRUE,pathlen:0\n"
                    "keyUsage=critical,keyCertSign,cRLSign\n")
        else:
            f.write("subjectAltName=DNS:%s,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n" % NAME)
    _run(["openssl", "x509", "-req", "-in", tag + ".csr", "-CA", ca, "-CAkey", ca_key,
          "-CAcreateserial", "-days", "30", "-sha256", "-extfile", tag + ".cnf",
          "-out", tag + ".pem"], d)
    return os.path.join(d, tag + ".pem"), os.path.join(d, tag + ".key")


def _cat(out, *files):
    with open(out, "w") as o:
        for p in files:
            with open(p) as f:
                o.write(f.read())
    return out


def make(work, n=40):
    d = os.path.join(work, "pki")
    os.makedirs(d, exist_ok=True)
    roots = []
    for i in range(n):
        p, _ = _root(d, "root%02d" % i, "iotls bundle test root %02d" % i,
                     "p384" if i % 5 == 4 else "p256")
        roots.append(p)
    a_root, a_key = _root(d, "a_root", ROOT_A, "rsa")
    a_int, a_int_key = _issue(d, "a_int", "iotls bundle intermediate A", "p256", a_root, a_key,
                              True)
    a_leaf, a_leaf_key = _issue(d, "a_leaf", NAME, "p256", a_int, a_int_key, False)
    b_root, b_key = _root(d, "b_root", ROOT_B, "p384")
    b_leaf, b_leaf_key = _issue(d, "b_leaf", NAME, "p256", b_root, b_key, False)
    x_root, x_key = _root(d, "x_root", ROOT_A, "p256")  # A's name, another key
    x_int, x_int_key = _issue(d, "x_int", "iotls bundle intermediate A", "p256", x_root, x_key,
                              True)
    x_leaf, x_leaf_key = _issue(d, "x_leaf", NAME, "p256", x_int, x_int_key, False)
    mixed = roots[: n // 3] + [a_root] + roots[n // 3: 2 * n // 3] + [b_root] + roots[2 * n // 3:]
    return {
        "dir": d,
        "roots": _cat(os.path.join(d, "roots.pem"), *mixed),
        "count": n + 2,
        "a_root": a_root, "a_int": a_int,
        "a_chain": _cat(os.path.join(d, "a_chain.pem"), a_leaf, a_int), "a_key": a_leaf_key,
        "b_root": b_root,
        "b_chain": _cat(os.path.join(d, "b_chain.pem"), b_leaf), "b_key": b_leaf_key,
        "x_root": x_root,
        "x_chain": _cat(os.path.join(d, "x_chain.pem"), x_leaf, x_int), "x_key": x_leaf_key,
    }
