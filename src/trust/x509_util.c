/*
 * Small certificate helpers shared by the trust code and the diagnosis:
 * calendar arithmetic for certificate times, and a DN as text.
 */
#include <stdio.h>
#include <string.h>

#include "conn/engine.h"

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant's method:
 * years counted from March, so that the leap day is the last of its year). */
int64_t iotls_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t iotls_x509_epoch(const mbedtls_x509_time *t)
{
    return iotls_days_from_civil(t->year, t->mon, t->day) * 86400 + (int64_t)t->hour * 3600 +
           (int64_t)t->min * 60 + t->sec;
}

int iotls_x509_raw_eq(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && a->len > 0 && memcmp(a->p, b->p, a->len) == 0;
}

int iotls_x509_self_issued(const mbedtls_x509_crt *c)
{
    return iotls_x509_raw_eq(&c->issuer_raw, &c->subject_raw);
}

void iotls_x509_dn_text(const mbedtls_x509_name *n, char *buf, size_t len)
{
    if (mbedtls_x509_dn_gets(buf, len, n) < 0)
        snprintf(buf, len, "(unreadable)");
}
