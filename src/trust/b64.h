/*
 * Base64 for public data (private to the library): the PEM bodies of
 * certificates.
 */
#ifndef IOTLS_TRUST_B64_H
#define IOTLS_TRUST_B64_H

#include <stddef.h>

/*
 * Decodes src[0..slen) into dst[0..dlen), accepting exactly what
 * mbedtls_base64_decode() accepts (line breaks "\n" or "\r\n" anywhere,
 * spaces only before a line break or at the end, at most two '=' and only
 * at the end, whole quads) and writing the same bytes. Returns 0 with
 * *olen set; MBEDTLS_ERR_BASE64_INVALID_CHARACTER for a bad character,
 * bad padding or a truncated quad; MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL
 * with *olen set to the length needed (dst may then be NULL).
 *
 * NOT constant-time: a table lookup per character. Use it for public data
 * (certificates) only, never for keys or other secrets.
 */
int iotls_b64_decode(unsigned char *dst, size_t dlen, size_t *olen, const unsigned char *src,
                     size_t slen);

/* Room iotls_b64_decode() needs at most for slen characters. */
#define IOTLS_B64_MAX_DECODED(slen) ((slen) / 4 * 3 + 3)

#endif /* IOTLS_TRUST_B64_H */
