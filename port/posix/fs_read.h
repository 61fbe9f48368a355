/*
 * POSIX port, private: reading a whole file into memory (trust_fs.c,
 * cred_fs.c).
 */
#ifndef IOTLS_POSIX_FS_READ_H
#define IOTLS_POSIX_FS_READ_H

#include <stddef.h>

/* *out (malloc'd, free() it) and *len. IOTLS_OK, IOTLS_ERR_TRUST_READ
 * (errno in *sys_err) or IOTLS_ERR_ALLOC. */
int iotls_posix_read_file(const char *path, unsigned char **out, size_t *len, int *sys_err);

#endif /* IOTLS_POSIX_FS_READ_H */
