/* ARM semihosting calls (ARM IHI 0063 / "Semihosting for AArch32 and AArch64"). */
#include "semihost.h"

#include <string.h>

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06,
    SYS_FLEN = 0x0C, SYS_TIME = 0x11, SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* On M-profile the trap is BKPT 0xAB with the operation in r0 and the
 * argument (often a pointer to a parameter block) in r1. */
static int call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void semihost_write(const char *s)
{
    call(SYS_WRITE0, s);
}

long semihost_read_file(const char *path, unsigned char *buf, size_t cap)
{
    uint32_t open_args[3] = {(uint32_t)path, 1 /* "rb" */, (uint32_t)strlen(path)};
    int fd = call(SYS_OPEN, open_args);
    if (fd < 0)
        return -1;
    uint32_t h[1] = {(uint32_t)fd};
    long len = call(SYS_FLEN, h);
    long got = -1;
    if (len >= 0 && (size_t)len <= cap) {
        uint32_t rd[3] = {(uint32_t)fd, (uint32_t)buf, (uint32_t)len};
        /* SYS_READ returns the number of bytes NOT read. */
        got = call(SYS_READ, rd) == 0 ? len : -1;
    }
    call(SYS_CLOSE, h);
    return got;
}

int semihost_write_file(const char *path, const unsigned char *buf, size_t len)
{
    uint32_t open_args[3] = {(uint32_t)path, 5 /* "wb" */, (uint32_t)strlen(path)};
    int fd = call(SYS_OPEN, open_args);
    if (fd < 0)
        return -1;
    uint32_t wr[3] = {(uint32_t)fd, (uint32_t)buf, (uint32_t)len};
    /* SYS_WRITE returns the number of bytes NOT written. */
    int rc = call(SYS_WRITE, wr) == 0 ? 0 : -1;
    uint32_t h[1] = {(uint32_t)fd};
    if (call(SYS_CLOSE, h) != 0)
        rc = -1;
    return rc;
}

int64_t semihost_time(void)
{
    int t = call(SYS_TIME, NULL);
    return t <= 0 ? -1 : (int64_t)(uint32_t)t;
}

int semihost_cmdline(char *buf, size_t cap)
{
    uint32_t args[2] = {(uint32_t)buf, (uint32_t)cap};
    if (cap == 0 || call(SYS_GET_CMDLINE, args) != 0)
        return -1;
    buf[args[1] < cap ? args[1] : cap - 1] = '\0';
    return 0;
}

void semihost_exit(int status)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    call(SYS_EXIT_EXTENDED, block);
    for (;;)
        __asm__ volatile("wfi");
}
