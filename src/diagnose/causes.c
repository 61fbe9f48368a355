/*
 * The names of causes and certainties: stable strings (docs/causes/<name>.md,
 * --json "cause"), kept apart so every layer of the diagnosis can name a
 * cause without reaching up to the entry point.
 */
#include <string.h>

#include "iotls/diagnose.h"

static const char *const cause_names[IOTLS_CAUSE_END] = {
    "none",
    "sni_rejected",
    "sni_missing",
    "no_shared_cipher",
    "no_shared_group",
    "no_shared_signature_algorithm",
    "protocol_version",
    "client_cert_required",
    "client_cert_rejected",
    "cert_expired",
    "cert_not_yet_valid",
    "clock_not_set",
    "hostname_mismatch",
    "unknown_ca",
    "incomplete_chain",
    "self_signed",
    "weak_signature",
    "weak_key",
    "wrong_key_usage",
    "not_tls",
    "dns_failure",
    "connection_refused",
    "connection_reset",
    "connect_timeout",
    "handshake_timeout",
    "read_timeout",
    "peer_closed",
    "truncated",
    "record_too_large",
    "out_of_memory",
    "entropy_failure",
    "ca_load_error",
    "unknown",
    "name_constraints",
    "cert_profile",
    "pin_mismatch",
    "alpn_mismatch",
    "psk_mismatch",
    "cert_revoked",
};

const char *iotls_cause_name(iotls_cause cause)
{
    unsigned u = (unsigned)cause; /* enums may be unsigned (short enums on ARM) */
    if (u >= IOTLS_CAUSE_END)
        return NULL;
    return cause_names[u];
}

iotls_cause iotls_cause_from_name(const char *name)
{
    int i;
    if (name == NULL)
        return IOTLS_CAUSE_NONE;
    for (i = 1; i < IOTLS_CAUSE_END; i++)
        if (strcmp(cause_names[i], name) == 0)
            return (iotls_cause)i;
    return IOTLS_CAUSE_NONE;
}

const char *iotls_certainty_name(iotls_certainty c)
{
    switch (c) {
    case IOTLS_DIAG_CERTAIN: return "certain";
    case IOTLS_DIAG_LIKELY: return "likely";
    case IOTLS_DIAG_AMBIGUOUS: return "ambiguous";
    case IOTLS_DIAG_CONFIRMED: return "confirmed";
    case IOTLS_DIAG_UNEXPLAINED: return "unexplained";
    case IOTLS_DIAG_NONE: break;
    }
    return "none";
}

