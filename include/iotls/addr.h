/*
 * Addresses and host names: the pieces of dialing that need no network.
 */
#ifndef IOTLS_ADDR_H
#define IOTLS_ADDR_H

#include <stddef.h>

#include "iotls/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Parse an IP literal: dotted-quad IPv4 (exactly four decimal parts, no
 * leading zeros beyond "0") or IPv6 text (RFC 4291, "::" compression, an
 * embedded IPv4 tail; no brackets; a "%zone" suffix is accepted and ignored).
 * Returns 1 and fills *out if s is one, 0 otherwise.
 */
int iotls_addr_parse(const char *s, iotls_addr *out);

/* Text form (RFC 5952 for IPv6). Returns as snprintf. */
int iotls_addr_format(const iotls_addr *a, char *buf, size_t len);

/*
 * Is name usable as a DNS host name for SNI and the certificate check?
 * Returns IOTLS_OK, or IOTLS_ERR_HOSTNAME when it is empty, longer than
 * IOTLS_MAX_HOSTNAME (RFC 1035/6066), has an empty or over-63 label, or
 * holds a character outside letters, digits, '-', '_' and '.'.
 */
int iotls_hostname_check(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* IOTLS_ADDR_H */
