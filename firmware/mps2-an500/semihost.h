/*
 * ARM semihosting (the debugger or QEMU services the calls): console, the
 * host's files and clock, the command line and the exit status.
 */
#ifndef SEMIHOST_H
#define SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

void semihost_write(const char *s);               /* NUL-terminated text */
/* Reads a whole host file into buf (at most cap bytes). Returns the length,
 * or -1 if it cannot be opened or is larger than cap. */
long semihost_read_file(const char *path, unsigned char *buf, size_t cap);
/* Writes buf[len] as the host file path (created or truncated). Returns 0
 * or -1. */
int semihost_write_file(const char *path, const unsigned char *buf, size_t len);
int64_t semihost_time(void);                      /* host seconds since 1970, -1 */
/* The command line QEMU was given (-semihosting-config arg=...), joined by
 * spaces. Returns 0 or -1. */
int semihost_cmdline(char *buf, size_t cap);
void semihost_exit(int status) __attribute__((noreturn));

#endif /* SEMIHOST_H */
