#!/usr/bin/env python3
"""Generates the test PKI with the openssl command, at test time.

    pki.py --out DIR

Writes into DIR (replaced as a whole, so a half-written PKI is never used):
  ec-root, ec-int, ec-leaf          ECDSA P-256 root -> intermediate -> leaf
  rsa-root, rsa-int, rsa-leaf       RSA-2048 root -> intermediate -> leaf
  ec-expired, ec-future             leaves of ec-int outside their validity
  ec-other                          leaf of ec-int for other.iotls.example only
  ec-wrong-ip                       leaf of ec-int with only IP:127.0.0.2
  rogue-root, rogue-int, rogue-leaf a chain nobody trusts, with the right names
  self-signed                       a self-signed leaf with the right names
  rsa-sha1, rsa-1024                leaves of rsa-int: SHA-1 signed, RSA-1024 key
  rsa-int-1024, rsa-int-1024-leaf   an RSA-1024 intermediate of rsa-root, its (good) leaf
  sha1-int, sha1-int-leaf           an intermediate of rsa-root signed with SHA-1 (badssl's
                                    sha1-intermediate), its (good, SHA-256) leaf
  ec-no-ds, ec-clientauth           leaves of ec-int: keyUsage keyAgreement only
                                    (no digitalSignature), EKU clientAuth only
  client, rogue-client              client certificates of ec-int / rogue-int
  client-expired                    client certificate of ec-int, expired 30 days ago
  ed25519-root                      a CA Mbed TLS 2.28 cannot parse
  bundle-ed25519.pem                rsa-root, ed25519-root, ec-root
  bundle-corrupt.pem                rsa-root, a corrupted block, ec-root
  no-cert.pem, empty.pem            CA files without any certificate
  ec-root-int.pem                   ec-root then ec-int (s_server -cert2 sends no chain)
  ec-int-root.pem, rogue-int-root.pem  an intermediate then its root (a whole chain sent)
  chain-wrong.pem                   rsa-leaf then ec-int, which did not issue it
  rsa-int-ec-int.pem                rsa-int then ec-int (a chain with an extra intermediate)
  corrupt-only.pem                  a CA file whose only certificate is broken
  ec-root.der                       the EC root in DER
  old-root, old-expired             a root valid from 400 days ago and its leaf that
                                    expired 20 days ago (iotls verify --at)
  ca-dir/, empty-dir/               a CA directory (EC and RSA roots), an empty one
  crit-root, crit-leaf              a root with an unknown critical extension (well
                                    formed: it passes the load-time check, fails the
                                    full parse) and a leaf of it
  hash-dir/                         EC, RSA and crit roots with `openssl rehash` links
  hash-junk-dir/                    a hashed name (the EC root's) on a file of junk
  junk-dir/                         files of junk, a corrupted PEM, no certificate
  bundle-crit.pem                   ec-root, crit-root
  pinned-big.pem                    18 other certificates, then self-signed
  nc-int, nc-leaf                   an intermediate of ec-root whose NON-critical
                                    nameConstraints permit only DNS:.other.example,
                                    and its leaf for DNS:test.iotls.example (outside)
  ec-wild, ec-partial-wild          leaves of ec-int with only DNS:*.iotls.example /
                                    only DNS:t*.iotls.example (a partial wildcard)
  ec-cn-only                        leaf of ec-int with CN=test.iotls.example, no SAN
  ec-ip-as-dns                      leaf of ec-int with only DNS:127.0.0.1 (an IP
                                    literal written as a DNS name: never matches)
  ec-www                            leaf of ec-int with DNS:www.iotls.example,
                                    DNS:iotls.example (the domain, not test.)
  ec-unrelated                      leaf of ec-int for unrelated.test, www.unrelated.test
  ec-cn-not-san                     leaf of ec-int with CN=test.iotls.example but only
                                    DNS:www.iotls.example (the CN is never used)
  badssl cases (tests/scenarios/badssl.toml, docs/badssl.md):
  rsa-512, rsa-4096                 leaves of rsa-int with an RSA-512 / RSA-4096 key
  rsa-sha384                        leaf of rsa-int signed with SHA-384
  ec384-leaf                        leaf of ec-int with a P-384 key
  long-int1..long-int4, long-leaf   four intermediates below ec-root (no pathlen), the
                                    leaf of the fourth; long-chain.pem: int4..int1
  no-cn                             leaf of ec-int whose subject has no CN (O only)
  no-subject                        leaf of ec-int with an empty subject and a critical
                                    SAN (RFC 5280 4.1.2.6)
  ec-revoked                        leaf of ec-int, revoked
  ec-int.crl, ec-int.crl.der        ec-int's CRL listing ec-revoked (PEM, DER), valid
                                    now; ec-int-stale.crl: one whose nextUpdate passed
  dh480.pem, dh512.pem, dh1024.pem  PKCS#3 DH parameters (gnutls-serv --dhparams): a
                                    480/512-bit safe prime, a 1024-bit X9.42 group
  dh-composite.pem                  a 2048-bit modulus that is the product of two primes
  dh-small-subgroup.pem             a 2048-bit prime p whose g has a 256-bit order q
                                    (X9.42: p-1 has other small factors)
  facts.json                        numbers scenarios compare against

For each certificate NAME: NAME.pem (certificate), NAME.key (key) and, for
leaves, NAME-chain.pem (leaf then intermediate, for servers that take one
file). Good leaves carry SANs DNS:localhost, DNS:test.iotls.example,
IP:127.0.0.1, IP:::1.

Signing goes through `openssl ca` because OpenSSL 3.0's `x509 -req` cannot
set an arbitrary notBefore (expired / not-yet-valid certificates).
"""

import argparse
import base64
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

GOOD_SAN = "DNS:localhost,DNS:test.iotls.example,IP:127.0.0.1,IP:::1"

CA_CONF = """\
[ca]
default_ca = testca
[testca]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
[policy_no_cn]
commonName = optional
organizationName = supplied
[ext_root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ext_int]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ext_leaf]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = ${{ENV::IOTLS_SAN}}
[ext_leaf_nods]
basicConstraints = critical,CA:false
keyUsage = critical,keyAgreement
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = ${{ENV::IOTLS_SAN}}
[ext_leaf_clientauth]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = ${{ENV::IOTLS_SAN}}
[ext_client]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ext_root_crit]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
1.3.6.1.4.1.55555.1 = critical,ASN1:NULL
[ext_int_long]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ext_int_nc]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = permitted;DNS:.other.example
[ext_leaf_nosan]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ext_self]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = ${{ENV::IOTLS_SAN}}
"""


class Pki:
    def __init__(self, out, work):
        self.out = out
        self.work = work
        os.makedirs(os.path.join(work, "newcerts"))
        with open(os.path.join(work, "index.txt"), "w"):
            pass
        with open(os.path.join(work, "serial"), "w") as f:
            f.write("1000\n")
        with open(os.path.join(work, "crlnumber"), "w") as f:
            f.write("01\n")
        self.conf = os.path.join(work, "ca.cnf")
        with open(self.conf, "w") as f:
            f.write(CA_CONF.format(dir=work))
        self.now = datetime.datetime.now(datetime.timezone.utc)

    def openssl(self, *args, san=GOOD_SAN):
        env = dict(os.environ, IOTLS_SAN=san)
        r = subprocess.run(["openssl", *args], capture_output=True, text=True, env=env,
                           timeout=120)
        if r.returncode != 0:
            sys.exit("pki: openssl %s failed (exit %d):\n%s%s"
                     % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r.stdout

    def path(self, name, ext):
        return os.path.join(self.out, name + ext)

    def key(self, name, kind):
        opts = {
            "ec": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            "rsa1024": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
            "rsa512": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"],
            "rsa4096": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
            "ec384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            "ed25519": ["-algorithm", "ED25519"],
        }[kind]
        self.openssl("genpkey", *opts, "-out", self.path(name, ".key"))

    def date(self, days):
        t = self.now + datetime.timedelta(days=days)
        return t.strftime("%Y%m%d%H%M%SZ")

    def cert(self, name, kind, cn, issuer=None, ext="ext_leaf", san=GOOD_SAN,
             start=-1, end=365, md="sha256", subj=None):
        """Key + certificate NAME signed by issuer (None: self-signed).
        subj replaces the subject "/O=iotls tests/CN=<cn>" (no CN allowed)."""
        self.key(name, kind)
        csr = os.path.join(self.work, name + ".csr")
        self.openssl("req", "-new", "-key", self.path(name, ".key"), "-subj",
                     subj or "/O=iotls tests/CN=" + cn, "-out", csr)
        args = ["ca", "-batch", "-config", self.conf, "-notext", "-in", csr,
                "-out", self.path(name, ".pem"), "-extensions", ext,
                "-startdate", self.date(start), "-enddate", self.date(end), "-md", md]
        if subj is not None:
            args += ["-policy", "policy_no_cn"]
        if issuer is None:
            args += ["-selfsign", "-keyfile", self.path(name, ".key")]
        else:
            args += ["-cert", self.path(issuer, ".pem"), "-keyfile", self.path(issuer, ".key")]
        self.openssl(*args, san=san)
        if issuer is not None and ext.startswith("ext_leaf"):
            self.concat(name + "-chain.pem", [name + ".pem", issuer + ".pem"])

    def cert_no_subject(self, name, issuer):
        """A leaf with an empty subject: `openssl ca` refuses one, so
        `x509 -req`; the SAN is critical, as RFC 5280 4.1.2.6 requires."""
        self.key(name, "ec")
        csr = os.path.join(self.work, name + ".csr")
        ext = os.path.join(self.work, name + ".ext")
        with open(ext, "w") as f:
            f.write("basicConstraints = critical,CA:false\n"
                    "keyUsage = critical,digitalSignature\n"
                    "extendedKeyUsage = serverAuth\n"
                    "subjectKeyIdentifier = hash\n"
                    "authorityKeyIdentifier = keyid\n"
                    "subjectAltName = critical," + GOOD_SAN + "\n")
        self.openssl("req", "-new", "-key", self.path(name, ".key"), "-subj", "/", "-out", csr)
        self.openssl("x509", "-req", "-in", csr, "-CA", self.path(issuer, ".pem"), "-CAkey",
                     self.path(issuer, ".key"), "-set_serial", "0x7e57000000000001",
                     "-days", "365", "-sha256", "-extfile", ext, "-out", self.path(name, ".pem"))
        self.concat(name + "-chain.pem", [name + ".pem", issuer + ".pem"])

    def crl(self, name, issuer, revoke, last=-1, next_=30):
        """issuer's CRL listing revoke, valid from `last` to `next_` days from
        now: NAME.crl (PEM) and NAME.crl.der."""
        ca = ["-config", self.conf, "-cert", self.path(issuer, ".pem"), "-keyfile",
              self.path(issuer, ".key")]
        if revoke is not None:
            self.openssl("ca", *ca, "-revoke", self.path(revoke, ".pem"))
        self.openssl("ca", *ca, "-gencrl", "-crl_lastupdate", self.date(last),
                     "-crl_nextupdate", self.date(next_), "-out", self.path(name, ".crl"))
        self.openssl("crl", "-in", self.path(name, ".crl"), "-outform", "DER", "-out",
                     self.path(name, ".crl.der"))

    def key_id(self, name):
        """NAME's subjectKeyIdentifier as colon-separated upper-case hex."""
        out = self.openssl("x509", "-noout", "-ext", "subjectKeyIdentifier", "-in",
                           self.path(name, ".pem"))
        return out.strip().splitlines()[-1].strip().upper()

    def concat(self, target, parts):
        """Writes parts (file names in out) one after another. Returns the
        1-based line each part starts at."""
        starts = []
        line = 1
        with open(os.path.join(self.out, target), "w") as f:
            for p in parts:
                with open(os.path.join(self.out, p)) as src:
                    text = src.read()
                starts.append(line)
                f.write(text)
                line += text.count("\n")
        return starts


def der_int(n):
    body = n.to_bytes(n.bit_length() // 8 + 1, "big")  # a leading 0: never negative
    return b"\x02" + der_len(len(body)) + body


def der_len(n):
    if n < 128:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def write_dhparams(path, p, g):
    """PKCS#3 DHparameter ::= SEQUENCE { prime INTEGER, base INTEGER } as
    PEM: what gnutls-serv --dhparams and openssl read, whatever p is."""
    body = der_int(p) + der_int(g)
    der = b"\x30" + der_len(len(body)) + body
    b64 = base64.b64encode(der).decode()
    with open(path, "w") as f:
        f.write("-----BEGIN DH PARAMETERS-----\n")
        for i in range(0, len(b64), 64):
            f.write(b64[i:i + 64] + "\n")
        f.write("-----END DH PARAMETERS-----\n")


def dh_params(p, out):
    """The weak DH groups of badssl's dh* cases, made with the openssl
    command (primes, X9.42 groups) and written as PKCS#3."""
    def prime(bits, safe):
        return int(p.openssl("prime", "-generate", "-bits", str(bits),
                             *(["-safe"] if safe else [])).strip())

    def x942(bits):
        tmp = os.path.join(p.work, "x942-%d.pem" % bits)
        p.openssl("dhparam", "-dsaparam", "-out", tmp, str(bits))
        text = p.openssl("pkeyparam", "-in", tmp, "-noout", "-text")
        nums, cur = {}, None
        for line in text.splitlines():
            head = line.strip().rstrip(":")
            if head in ("P", "Q", "G"):
                cur = head
                nums[cur] = ""
            elif cur and all(c in "0123456789abcdef:" for c in line.strip()) and line.strip():
                nums[cur] += line.strip().replace(":", "")
            else:
                cur = None
        return int(nums["P"], 16), int(nums["G"], 16)

    write_dhparams(os.path.join(out, "dh480.pem"), prime(480, True), 2)
    write_dhparams(os.path.join(out, "dh512.pem"), prime(512, True), 2)
    write_dhparams(os.path.join(out, "dh1024.pem"), *x942(1024))
    write_dhparams(os.path.join(out, "dh-composite.pem"),
                   prime(1024, False) * prime(1024, False), 2)
    write_dhparams(os.path.join(out, "dh-small-subgroup.pem"), *x942(2048))


def corrupted_block(pem_path):
    """A PEM block with the shape of a certificate and garbage inside: the
    body of a real certificate with a run of its base64 replaced."""
    with open(pem_path) as f:
        lines = f.read().splitlines()
    body = lines[1:-1]
    body[2] = "!!!!" + body[2][4:]  # not base64 at all
    return "\n".join([lines[0]] + body + [lines[-1]]) + "\n"


def build(out):
    work = tempfile.mkdtemp(prefix="pki-work-", dir=os.path.dirname(out))
    try:
        p = Pki(out, work)
        p.cert("ec-root", "ec", "iotls test EC root", ext="ext_root", end=3650)
        p.cert("ec-int", "ec", "iotls test EC intermediate", "ec-root", ext="ext_int", end=1825)
        p.cert("ec-leaf", "ec", "test.iotls.example", "ec-int")
        p.cert("rsa-root", "rsa", "iotls test RSA root", ext="ext_root", end=3650)
        p.cert("rsa-int", "rsa", "iotls test RSA intermediate", "rsa-root", ext="ext_int",
               end=1825)
        p.cert("rsa-leaf", "rsa", "test.iotls.example", "rsa-int")
        p.cert("ec-expired", "ec", "test.iotls.example", "ec-int", start=-60, end=-30)
        p.cert("ec-future", "ec", "test.iotls.example", "ec-int", start=30, end=400)
        p.cert("ec-other", "ec", "other.iotls.example", "ec-int",
               san="DNS:other.iotls.example")
        p.cert("ec-wrong-ip", "ec", "127.0.0.2", "ec-int", san="IP:127.0.0.2")
        p.cert("rogue-root", "ec", "iotls test EC root", ext="ext_root", end=3650)
        p.cert("rogue-int", "ec", "iotls test EC intermediate", "rogue-root", ext="ext_int",
               end=1825)
        p.cert("rogue-leaf", "ec", "test.iotls.example", "rogue-int")
        p.cert("self-signed", "ec", "test.iotls.example", ext="ext_self")
        # Weak or misused server certificates (the cause scenarios).
        p.cert("rsa-sha1", "rsa", "test.iotls.example", "rsa-int", md="sha1")
        p.cert("rsa-1024", "rsa1024", "test.iotls.example", "rsa-int")
        p.cert("ec-no-ds", "ec", "test.iotls.example", "ec-int", ext="ext_leaf_nods")
        p.cert("ec-clientauth", "ec", "test.iotls.example", "ec-int",
               ext="ext_leaf_clientauth")
        # Weak intermediates: the diagnosis must name certificate #2.
        p.cert("rsa-int-1024", "rsa1024", "iotls test RSA-1024 intermediate", "rsa-root",
               ext="ext_int", end=1825)
        p.cert("rsa-int-1024-leaf", "rsa", "test.iotls.example", "rsa-int-1024")
        p.cert("sha1-int", "rsa", "iotls test SHA-1 intermediate", "rsa-root", ext="ext_int",
               end=1825, md="sha1")
        p.cert("sha1-int-leaf", "rsa", "test.iotls.example", "sha1-int")
        # Client certificates: one from the EC chain the servers trust, one
        # from the rogue chain they do not.
        p.cert("client", "ec", "iotls test client", "ec-int", ext="ext_client")
        p.cert("rogue-client", "ec", "iotls test client", "rogue-int", ext="ext_client")
        # ... and one of ec-int that expired 30 days ago (issue 12 rule 4)
        p.cert("client-expired", "ec", "iotls test client", "ec-int", ext="ext_client",
               start=-60, end=-30)
        # iotls verify --at: a root old enough that an expired leaf of it
        # was valid inside the root's validity (facts old_expired_*).
        p.cert("old-root", "ec", "iotls test old root", ext="ext_root", start=-400, end=3650)
        p.cert("old-expired", "ec", "test.iotls.example", "old-root", start=-380, end=-20)
        p.cert("ed25519-root", "ed25519", "iotls test Ed25519 root", ext="ext_root",
               end=3650)

        comment = "# iotls test bundle: three roots, one of them unusable\n"
        with open(os.path.join(out, "comment.txt"), "w") as f:
            f.write(comment)
        ed_starts = p.concat("bundle-ed25519.pem",
                             ["comment.txt", "rsa-root.pem", "ed25519-root.pem", "ec-root.pem"])
        with open(os.path.join(out, "corrupt-block.txt"), "w") as f:
            f.write(corrupted_block(p.path("ec-int", ".pem")))
        bad_starts = p.concat("bundle-corrupt.pem",
                              ["comment.txt", "rsa-root.pem", "corrupt-block.txt",
                               "ec-root.pem"])
        os.remove(os.path.join(out, "comment.txt"))
        os.rename(os.path.join(out, "corrupt-block.txt"), os.path.join(out, "corrupt-only.pem"))
        # Root and intermediate: for servers that cannot send the
        # intermediate (s_server's -cert2 has no chain option).
        p.concat("ec-root-int.pem", ["ec-root.pem", "ec-int.pem"])
        # A whole chain, root included (chain_path.toml: unknown_ca).
        p.concat("ec-int-root.pem", ["ec-int.pem", "ec-root.pem"])
        p.concat("rogue-int-root.pem", ["rogue-int.pem", "rogue-root.pem"])
        p.concat("chain-wrong.pem", ["rsa-leaf.pem", "ec-int.pem"])
        p.concat("rsa-int-ec-int.pem", ["rsa-int.pem", "ec-int.pem"])
        p.openssl("x509", "-in", p.path("ec-root", ".pem"), "-outform", "DER",
                  "-out", p.path("ec-root", ".der"))
        os.makedirs(os.path.join(out, "ca-dir"))
        os.makedirs(os.path.join(out, "empty-dir"))
        for root in ("ec-root.pem", "rsa-root.pem"):
            shutil.copy(os.path.join(out, root), os.path.join(out, "ca-dir", root))
        # The lazy trust store: hashed directories, junk, a root that only
        # the full parse refuses.
        p.cert("crit-root", "ec", "iotls test crit root", ext="ext_root_crit", end=3650)
        p.cert("crit-leaf", "ec", "test.iotls.example", "crit-root")
        p.concat("bundle-crit.pem", ["ec-root.pem", "crit-root.pem"])
        # The certificate policy on a live connection (policy.toml): name
        # constraints (non-critical: Mbed TLS cannot parse a critical one
        # during a handshake), wildcards that must not match, a CN alone.
        p.cert("nc-int", "ec", "iotls test NC intermediate", "ec-root", ext="ext_int_nc",
               end=1825)
        p.cert("nc-leaf", "ec", "test.iotls.example", "nc-int", san="DNS:test.iotls.example")
        p.cert("ec-wild", "ec", "*.iotls.example", "ec-int", san="DNS:*.iotls.example")
        p.cert("ec-partial-wild", "ec", "t*.iotls.example", "ec-int",
               san="DNS:t*.iotls.example")
        p.cert("ec-cn-only", "ec", "test.iotls.example", "ec-int", ext="ext_leaf_nosan")
        # Name matching explained (issue 12 rule 3): an IP written as a DNS
        # name, a SAN list of the same domain without the host, a
        # certificate for an unrelated domain (a server's default one).
        p.cert("ec-ip-as-dns", "ec", "127.0.0.1", "ec-int", san="DNS:127.0.0.1")
        p.cert("ec-www", "ec", "www.iotls.example", "ec-int",
               san="DNS:www.iotls.example,DNS:iotls.example")
        p.cert("ec-unrelated", "ec", "unrelated.test", "ec-int",
               san="DNS:unrelated.test,DNS:www.unrelated.test")
        p.cert("ec-cn-not-san", "ec", "test.iotls.example", "ec-int",
               san="DNS:www.iotls.example")
        # The badssl matrix (tests/scenarios/badssl.toml).
        p.cert("rsa-512", "rsa512", "test.iotls.example", "rsa-int")
        p.cert("rsa-4096", "rsa4096", "test.iotls.example", "rsa-int")
        p.cert("rsa-sha384", "rsa", "test.iotls.example", "rsa-int", md="sha384")
        p.cert("ec384-leaf", "ec384", "test.iotls.example", "ec-int")
        parent = "ec-root"
        for i in range(1, 5):
            p.cert("long-int%d" % i, "ec", "iotls test long-chain intermediate %d" % i, parent,
                   ext="ext_int_long", end=1825)
            parent = "long-int%d" % i
        p.cert("long-leaf", "ec", "test.iotls.example", "long-int4")
        p.concat("long-chain.pem", ["long-int4.pem", "long-int3.pem", "long-int2.pem",
                                    "long-int1.pem"])
        p.cert("no-cn", "ec", "", "ec-int", subj="/O=iotls tests")
        p.cert_no_subject("no-subject", "ec-int")
        p.cert("ec-revoked", "ec", "test.iotls.example", "ec-int")
        p.crl("ec-int-stale", "ec-int", None, last=-60, next_=-30)
        p.crl("ec-int", "ec-int", "ec-revoked")
        dh_params(p, out)
        # A pinned self-signed server certificate among more certificates
        # than the trust store parses eagerly (16): it goes through the CA
        # callback, where it must be accepted as in a small store.
        p.concat("pinned-big.pem",
                 ["rsa-root.pem", "rogue-root.pem", "old-root.pem", "crit-root.pem",
                  "ec-int.pem", "rsa-int.pem", "rogue-int.pem", "nc-int.pem", "ec-leaf.pem",
                  "rsa-leaf.pem", "ec-other.pem", "ec-wrong-ip.pem", "rogue-leaf.pem",
                  "ec-no-ds.pem", "ec-clientauth.pem", "client.pem", "ec-wild.pem",
                  "ec-cn-only.pem", "self-signed.pem"])
        hashed = os.path.join(out, "hash-dir")
        os.makedirs(hashed)
        for root in ("ec-root.pem", "rsa-root.pem", "crit-root.pem"):
            shutil.copy(os.path.join(out, root), os.path.join(hashed, root))
        p.openssl("rehash", hashed)
        ec_hash = p.openssl("x509", "-noout", "-subject_hash", "-in",
                            p.path("ec-root", ".pem")).strip()
        os.makedirs(os.path.join(out, "hash-junk-dir"))
        with open(os.path.join(out, "hash-junk-dir", ec_hash + ".0"), "w") as f:
            f.write("junk named as the EC root\n")
        os.makedirs(os.path.join(out, "junk-dir"))
        with open(os.path.join(out, "junk-dir", "README"), "w") as f:
            f.write("no certificate here\n")
        with open(os.path.join(out, "junk-dir", "random.bin"), "wb") as f:
            f.write(bytes([0x30, 0x82, 0xff, 0xff]) + bytes(range(256)) * 4)
        with open(os.path.join(out, "junk-dir", "broken.pem"), "w") as f:
            f.write(corrupted_block(p.path("ec-root", ".pem")))
        with open(os.path.join(out, "no-cert.pem"), "w") as f:
            f.write("This file is meant to hold CA certificates but holds none.\n")
        with open(os.path.join(out, "empty.pem"), "w"):
            pass

        facts = {
            # 1-based position of the broken certificate and its BEGIN line.
            "bundle_ed25519_index": 2,
            "bundle_ed25519_line": ed_starts[2],
            "bundle_corrupt_index": 2,
            "bundle_corrupt_line": bad_starts[2],
            "generated_utc": p.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            # subject key identifiers, as the diagnosis prints a missing
            # issuer's ("AB:CD:...")
            "ec_int_key_id": p.key_id("ec-int"),
            "rsa_int_key_id": p.key_id("rsa-int"),
            "rogue_root_key_id": p.key_id("rogue-root"),
            "ec_root_key_id": p.key_id("ec-root"),
            # inside old-expired's validity (and old-root's); after it
            "old_expired_valid_at": (p.now - datetime.timedelta(days=200))
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "old_expired_after_at": (p.now - datetime.timedelta(days=10))
            .strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        }
        with open(os.path.join(out, "facts.json"), "w") as f:
            json.dump(facts, f, indent=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="directory to (re)create")
    a = ap.parse_args()
    if shutil.which("openssl") is None:
        sys.exit("pki: FAILED: the openssl command is not installed (scripts/install-deps)")
    out = os.path.abspath(a.out)
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="pki-new-", dir=parent)
    try:
        build(tmp)
        old = out + ".old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(out):
            os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print("pki: generated in", out)


if __name__ == "__main__":
    main()
