/*
 * Trust store internals shared by trust.c, name.c and the unit tests
 * (private to the library).
 */
#ifndef IOTLS_TRUST_STORE_H
#define IOTLS_TRUST_STORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A key for a Name (the DER of a Name, SEQUENCE header included) under
 * which two names compare equal exactly when Mbed TLS's chain building
 * (x509_name_cmp) would call them equal: same attribute types in the same
 * RDN structure, values byte-equal, or both UTF8String/PrintableString and
 * equal but for ASCII case. A 32-bit hash of that form: equal names give
 * equal keys; a collision costs a parse, Mbed TLS decides.
 */
uint32_t iotls_name_key(const unsigned char *name, size_t len);

/*
 * OpenSSL's X509_NAME_hash_ex() of a Name (the DER of a Name, SEQUENCE
 * header included): the first four bytes, little-endian, of SHA-1 over its
 * canonical encoding (each RDN a SET of its attributes with string values
 * as lower-cased UTF8String, white space trimmed and collapsed), which is
 * what c_rehash / `openssl rehash` name a hashed directory's files by.
 * Returns 0 and *hash, or -1 (malformed name, a string that does not
 * convert, a name too large, or a build without SHA-1).
 */
int iotls_name_hash(const unsigned char *name, size_t len, uint32_t *hash);

/*
 * The structural check of a certificate that is not parsed yet: the outer
 * DER, version, serial, signature algorithm (known to this Mbed TLS
 * build), the subject and the SubjectPublicKeyInfo's algorithm and curve.
 * Returns 0 and the subject (*subj, *subj_len: its DER, header included)
 * and the certificate's length, or the negative Mbed TLS code a full parse
 * would most likely return (the same reason text). A certificate that
 * passes may still fail the full parse (a bad key, date or extension).
 */
int iotls_cert_shape(const unsigned char *der, size_t len, const unsigned char **subj,
                     size_t *subj_len, size_t *cert_len);

#endif /* IOTLS_TRUST_STORE_H */
