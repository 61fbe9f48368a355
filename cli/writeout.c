/*
 * -w FORMAT, with curl's variable names and output forms: times in seconds
 * with six decimals, http_code as three digits (000 without a response).
 * The format is checked when the options are parsed, so a typo is a usage
 * error (exit 2) before anything is dialed.
 */
#include "writeout.h"

#include <string.h>

#include "http.h"
#include "opts.h"

typedef enum {
    W_HTTP_CODE, W_HTTP_VERSION, W_T_NAMELOOKUP, W_T_CONNECT, W_T_APPCONNECT, W_T_PRETRANSFER,
    W_T_STARTTRANSFER, W_T_REDIRECT, W_T_TOTAL, W_SIZE_DOWNLOAD, W_SIZE_HEADER, W_SIZE_REQUEST,
    W_SIZE_UPLOAD, W_SPEED_DOWNLOAD, W_URL, W_URL_EFFECTIVE, W_METHOD, W_REMOTE_IP, W_REMOTE_PORT,
    W_CONTENT_TYPE, W_REDIRECT_URL, W_ERRORMSG, W_EXITCODE, W_NUM_REDIRECTS, W_NUM_CONNECTS,
    W_SSL_VERIFY, W_SCHEME, W_STDOUT, W_STDERR
} wvar;

static const struct {
    const char *name;
    wvar id;
} vars[] = {
    {"http_code", W_HTTP_CODE},
    {"response_code", W_HTTP_CODE},
    {"http_version", W_HTTP_VERSION},
    {"time_namelookup", W_T_NAMELOOKUP},
    {"time_connect", W_T_CONNECT},
    {"time_appconnect", W_T_APPCONNECT},
    {"time_pretransfer", W_T_PRETRANSFER},
    {"time_starttransfer", W_T_STARTTRANSFER},
    {"time_redirect", W_T_REDIRECT},
    {"time_total", W_T_TOTAL},
    {"size_download", W_SIZE_DOWNLOAD},
    {"size_header", W_SIZE_HEADER},
    {"size_request", W_SIZE_REQUEST},
    {"size_upload", W_SIZE_UPLOAD},
    {"speed_download", W_SPEED_DOWNLOAD},
    {"url", W_URL},
    {"url_effective", W_URL_EFFECTIVE},
    {"method", W_METHOD},
    {"remote_ip", W_REMOTE_IP},
    {"remote_port", W_REMOTE_PORT},
    {"content_type", W_CONTENT_TYPE},
    {"redirect_url", W_REDIRECT_URL},
    {"errormsg", W_ERRORMSG},
    {"exitcode", W_EXITCODE},
    {"num_redirects", W_NUM_REDIRECTS},
    {"num_connects", W_NUM_CONNECTS},
    {"ssl_verify_result", W_SSL_VERIFY},
    {"scheme", W_SCHEME},
    {"stdout", W_STDOUT},
    {"stderr", W_STDERR},
};
#define N_VARS (sizeof vars / sizeof vars[0])

static int find_var(const char *name, size_t len)
{
    for (size_t i = 0; i < N_VARS; i++)
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
            return (int)vars[i].id;
    return -1;
}

#define HEADER_PREFIX "%header{"

int iotls_cli_writeout_check(const char *fmt, const char *opt, char *err, size_t errlen)
{
    for (const char *p = fmt; *p; p++) {
        const char *name, *close;
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (strncmp(p, HEADER_PREFIX, strlen(HEADER_PREFIX)) == 0) {
            name = p + strlen(HEADER_PREFIX);
            close = strchr(name, '}');
            if (!close)
                return iotls_cli_opt_fail(err, errlen, "%s: \"%%header{\" without a closing '}'",
                                          opt);
            if (close == name)
                return iotls_cli_opt_fail(err, errlen, "%s: %%header{} names no header", opt);
            p = close;
            continue;
        }
        if (p[1] != '{')
            continue; /* a lone '%' is printed as is, as curl does */
        name = p + 2;
        close = strchr(name, '}');
        if (!close)
            return iotls_cli_opt_fail(err, errlen, "%s: \"%%{%.40s\" without a closing '}'", opt,
                                      name);
        if (find_var(name, (size_t)(close - name)) < 0)
            return iotls_cli_opt_fail(err, errlen, "%s: unknown variable %%{%.*s} (docs/http.md "
                                      "lists them)", opt, (int)(close - name), name);
        p = close;
    }
    return 0;
}

static void put_header(const iotls_cli_wvals *v, const char *name, size_t len, FILE *out)
{
    char key[128], val[1024];
    if (!v->head || len >= sizeof key)
        return;
    memcpy(key, name, len);
    key[len] = '\0';
    if (iotls_cli_http_find_header(v->head, v->head_len, key, val, sizeof val) >= 0)
        fputs(val, out);
}

static void put_var(wvar id, const iotls_cli_wvals *v, FILE *out)
{
    char ct[256];
    switch (id) {
    case W_HTTP_CODE: fprintf(out, "%03d", v->http_code); break;
    case W_HTTP_VERSION:
        if (v->http_version_minor < 0)
            fputs("0", out);
        else
            fprintf(out, "1.%d", v->http_version_minor);
        break;
    case W_T_NAMELOOKUP: fprintf(out, "%.6f", v->t_namelookup); break;
    case W_T_CONNECT: fprintf(out, "%.6f", v->t_connect); break;
    case W_T_APPCONNECT: fprintf(out, "%.6f", v->t_appconnect); break;
    case W_T_PRETRANSFER: fprintf(out, "%.6f", v->t_appconnect); break;
    case W_T_STARTTRANSFER: fprintf(out, "%.6f", v->t_starttransfer); break;
    case W_T_REDIRECT: fprintf(out, "%.6f", v->t_redirect); break;
    case W_T_TOTAL: fprintf(out, "%.6f", v->t_total); break;
    case W_SIZE_DOWNLOAD: fprintf(out, "%llu", v->size_download); break;
    case W_SIZE_HEADER: fprintf(out, "%llu", v->size_header); break;
    case W_SIZE_REQUEST: fprintf(out, "%llu", v->size_request); break;
    case W_SIZE_UPLOAD: fprintf(out, "%llu", v->size_upload); break;
    case W_SPEED_DOWNLOAD:
        fprintf(out, "%.0f", v->t_total > 0 ? (double)v->size_download / v->t_total : 0.0);
        break;
    case W_URL: fputs(v->url ? v->url : "", out); break;
    case W_URL_EFFECTIVE: fputs(v->url_effective ? v->url_effective : "", out); break;
    case W_METHOD: fputs(v->method ? v->method : "", out); break;
    case W_REMOTE_IP: fputs(v->remote_ip ? v->remote_ip : "", out); break;
    case W_REMOTE_PORT:
        if (v->remote_port > 0)
            fprintf(out, "%d", v->remote_port);
        break;
    case W_CONTENT_TYPE:
        if (v->head && iotls_cli_http_find_header(v->head, v->head_len, "content-type", ct,
                                                  sizeof ct) >= 0)
            fputs(ct, out);
        break;
    case W_REDIRECT_URL: fputs(v->redirect_url ? v->redirect_url : "", out); break;
    case W_ERRORMSG: fputs(v->errormsg ? v->errormsg : "", out); break;
    case W_EXITCODE: fprintf(out, "%d", v->exitcode); break;
    case W_NUM_REDIRECTS: fprintf(out, "%d", v->num_redirects); break;
    case W_NUM_CONNECTS: fprintf(out, "%d", v->num_connects); break;
    case W_SSL_VERIFY: fprintf(out, "%lld", v->ssl_verify_result); break;
    case W_SCHEME: fputs("HTTPS", out); break;
    case W_STDOUT:
    case W_STDERR:
        break; /* handled by the caller */
    }
}

void iotls_cli_writeout_print(const char *fmt, const iotls_cli_wvals *v, FILE *out, FILE *err)
{
    FILE *to = out;
    for (const char *p = fmt; *p; p++) {
        if (*p == '\\' && p[1]) {
            char c = p[1];
            if (c == 'n' || c == 'r' || c == 't' || c == '\\') {
                fputc(c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : '\\', to);
                p++;
                continue;
            }
            fputc('\\', to); /* unknown escapes stay as written, as in curl */
            continue;
        }
        if (*p != '%') {
            fputc(*p, to);
            continue;
        }
        if (p[1] == '%') {
            fputc('%', to);
            p++;
            continue;
        }
        if (strncmp(p, HEADER_PREFIX, strlen(HEADER_PREFIX)) == 0) {
            const char *name = p + strlen(HEADER_PREFIX), *close = strchr(name, '}');
            if (close) {
                put_header(v, name, (size_t)(close - name), to);
                p = close;
                continue;
            }
        }
        if (p[1] == '{') {
            const char *name = p + 2, *close = strchr(name, '}');
            int id = close ? find_var(name, (size_t)(close - name)) : -1;
            if (id >= 0) {
                if (id == W_STDOUT)
                    to = out;
                else if (id == W_STDERR)
                    to = err;
                else
                    put_var((wvar)id, v, to);
                p = close;
                continue;
            }
        }
        fputc('%', to);
    }
    fflush(out);
    fflush(err);
}
