/*
 * Shared by the fuzz targets: an assertion that stays on in every build
 * (libFuzzer treats the abort as a crash and keeps the input) and small
 * checks of the invariants the parsers promise.
 */
#ifndef IOTLS_FUZZ_UTIL_H
#define IOTLS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                              \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                   \
        }                                                                              \
    } while (0)

/* A char array the library fills must hold a NUL within its size. */
#define FUZZ_TERMINATED(arr) FUZZ_ASSERT(memchr((arr), '\0', sizeof(arr)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* IOTLS_FUZZ_UTIL_H */
