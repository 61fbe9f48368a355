/*
 * LwIP's compiler/platform header for the iotls LwIP port: GCC on a bare
 * metal Cortex-M with newlib. LwIP includes this through lwip/arch.h.
 */
#ifndef IOTLS_LWIP_ARCH_CC_H
#define IOTLS_LWIP_ARCH_CC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* newlib has errno.h with the usual values. */
#define LWIP_ERRNO_STDINCLUDE 1
/* struct timeval comes from newlib's sys/time.h. */
#define LWIP_TIMEVAL_PRIVATE 0

/* TCP initial sequence numbers and DNS ids: from the port's entropy. */
uint32_t iotls_port_lwip_rand(void);
#define LWIP_RAND() iotls_port_lwip_rand()

/* Diagnostics and assertions go to the board's console. */
void iotls_port_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void iotls_port_lwip_assert(const char *msg, const char *file, int line)
    __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x) do { iotls_port_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) iotls_port_lwip_assert((x), __FILE__, __LINE__)

#endif /* IOTLS_LWIP_ARCH_CC_H */
