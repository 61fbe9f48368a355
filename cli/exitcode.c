/*
 * Stage -> exit code. The stage decides first: a reset during the handshake
 * is a handshake failure (6), during the body a read failure (8).
 */
#include "exitcode.h"

static int by_code(int err)
{
    switch (err) {
    case IOTLS_OK:
        return IOTLS_CLI_EXIT_OK;
    case IOTLS_ERR_USAGE:
    case IOTLS_ERR_HOSTNAME:
        return IOTLS_CLI_EXIT_USAGE;
    case IOTLS_ERR_TRUST_EMPTY:
    case IOTLS_ERR_TRUST_READ:
    case IOTLS_ERR_CRED_CERT:
    case IOTLS_ERR_CRED_KEY:
    case IOTLS_ERR_CRED_MISMATCH:
    case IOTLS_ERR_CRED_PASSWORD:
    case IOTLS_ERR_CHAIN_INPUT:
    case IOTLS_ERR_BUNDLE:
    case IOTLS_ERR_CRL:
        return IOTLS_CLI_EXIT_SETUP;
    case IOTLS_ERR_DNS:
    case IOTLS_ERR_DNS_TIMEOUT:
        return IOTLS_CLI_EXIT_DNS;
    case IOTLS_ERR_CONNECT_REFUSED:
    case IOTLS_ERR_CONNECT_TIMEOUT:
    case IOTLS_ERR_CONNECT:
        return IOTLS_CLI_EXIT_CONNECT;
    case IOTLS_ERR_HANDSHAKE_TIMEOUT:
    case IOTLS_ERR_ALERT_RECEIVED:
    case IOTLS_ERR_PEER_CLOSED:
    case IOTLS_ERR_RESET:
    case IOTLS_ERR_NOT_TLS:
    case IOTLS_ERR_PROTOCOL_VERSION:
    case IOTLS_ERR_HANDSHAKE:
    case IOTLS_ERR_RECORD_TOO_LARGE:
        return IOTLS_CLI_EXIT_HANDSHAKE;
    case IOTLS_ERR_VERIFY:
    case IOTLS_ERR_PIN_MISMATCH:
        return IOTLS_CLI_EXIT_VERIFY;
    case IOTLS_ERR_READ_TIMEOUT:
    case IOTLS_ERR_TRUNCATED:
    case IOTLS_ERR_READ:
        return IOTLS_CLI_EXIT_READ;
    case IOTLS_ERR_WRITE_TIMEOUT:
    case IOTLS_ERR_WRITE:
        return IOTLS_CLI_EXIT_WRITE;
    case IOTLS_ERR_CLOSE:
        return IOTLS_CLI_EXIT_CLOSE;
    default: /* alloc, entropy, config, not connected, unknown */
        return IOTLS_CLI_EXIT_INTERNAL;
    }
}

int iotls_cli_exit_code(int err, iotls_stage stage)
{
    if (err == IOTLS_OK)
        return IOTLS_CLI_EXIT_OK;
    /* Resource failures are internal wherever they happen. */
    if (err == IOTLS_ERR_ALLOC || err == IOTLS_ERR_ENTROPY)
        return IOTLS_CLI_EXIT_INTERNAL;
    switch (stage) {
    case IOTLS_STAGE_DNS:
        return IOTLS_CLI_EXIT_DNS;
    case IOTLS_STAGE_CONNECT:
        return IOTLS_CLI_EXIT_CONNECT;
    case IOTLS_STAGE_HANDSHAKE:
        /* A rejected certificate found during the handshake is still a
         * verify failure. */
        return err == IOTLS_ERR_VERIFY ? IOTLS_CLI_EXIT_VERIFY : IOTLS_CLI_EXIT_HANDSHAKE;
    case IOTLS_STAGE_VERIFY:
        return IOTLS_CLI_EXIT_VERIFY;
    case IOTLS_STAGE_READ:
        return IOTLS_CLI_EXIT_READ;
    case IOTLS_STAGE_WRITE:
        return IOTLS_CLI_EXIT_WRITE;
    case IOTLS_STAGE_CLOSE:
        return IOTLS_CLI_EXIT_CLOSE;
    default:
        return by_code(err);
    }
}
