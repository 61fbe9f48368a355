/*
 * Growable arrays on the port's allocator (there is no realloc in the port
 * interface): the trust store's roots, labels and seen-name lists, and the
 * bundle builder's entries.
 */
#include <string.h>

#include "iotls_internal.h"

void *iotls_array_reserve(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
    size_t nc;
    void *na;

    if (n < *cap)
        return arr;
    nc = *cap == 0 ? first : *cap * 2;
    na = iotls_port_calloc(nc, elem);
    if (na == NULL)
        return NULL;
    if (n > 0)
        memcpy(na, arr, n * elem);
    iotls_port_free(arr);
    *cap = nc;
    return na;
}
