/*
 * Unit-test helper: parse a command line given as a NULL-terminated list of
 * arguments (argv[0] "iotls" is added), as the tool's main() would.
 */
#ifndef IOTLS_TEST_OPTS_ARGS_H
#define IOTLS_TEST_OPTS_ARGS_H

#include <stdarg.h>
#include <stddef.h>

#include "opts.h"

static int parse_args_v(iotls_cli_opts *o, char *err, size_t errlen, const char *a0,
                        va_list ap)
{
    char *argv[32];
    int argc = 0;
    const char *a;

    argv[argc++] = (char *)"iotls";
    for (a = a0; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    argv[argc] = NULL;
    err[0] = '\0';
    return iotls_cli_opts_parse(argc, argv, o, err, errlen);
}

static int parse_args(iotls_cli_opts *o, char *err, size_t errlen, const char *a0, ...)
{
    va_list ap;
    int rc;

    va_start(ap, a0);
    rc = parse_args_v(o, err, errlen, a0, ap);
    va_end(ap);
    return rc;
}

#endif /* IOTLS_TEST_OPTS_ARGS_H */
