/*
 * A port (include/iotls/port.h) for fuzzing the connection: the network is
 * memory, the clock stands still, and every random byte (iotls's entropy
 * source and Mbed TLS's own, which the target's link wraps) comes from one
 * deterministic stream that starts over for each input. So the client says
 * the same thing, with the same keys, every time: a server flight recorded
 * once (seedgen_handshake) is still a valid answer when the fuzz target
 * replays it, encrypted TLS 1.3 records included.
 *
 * The allocator stays the POSIX port's (alloc_posix.c, linked after Mbed TLS).
 */
#ifndef IOTLS_FUZZ_MEM_PORT_H
#define IOTLS_FUZZ_MEM_PORT_H

#include <stddef.h>
#include <stdint.h>

/* The server's bytes for the next connections (each connect continues where
 * the last one stopped; the end of them is EOF), and the RNG from its start. */
void fuzz_mem_port_reset(const uint8_t *server_bytes, size_t len);

/* The seed maker's real server: with it set, connect, send and recv go to
 * these functions instead of memory (recv: > 0 bytes, 0 EOF, < 0 nothing
 * in time or a failure). */
typedef struct fuzz_mem_live {
    int (*connect)(void *ctx);
    int (*send)(void *ctx, const unsigned char *buf, size_t len);
    int (*recv)(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms);
    void (*close)(void *ctx);
    void *ctx;
} fuzz_mem_live;
void fuzz_mem_port_set_live(const fuzz_mem_live *live);

/* How often Mbed TLS asked its platform entropy source (0 means the link
 * did not wrap it, and the client is not deterministic). */
unsigned long fuzz_mem_port_platform_polls(void);

#endif /* IOTLS_FUZZ_MEM_PORT_H */
