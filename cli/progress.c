/*
 * One line, redrawn in place with '\r': a bar of '#' and the percentage
 * when the size is known, the bytes and the rate always.
 */
#include "progress.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define REDRAW_MS 200

void iotls_cli_progress_init(iotls_cli_progress *p, FILE *out, int wanted)
{
    struct winsize ws;

    memset(p, 0, sizeof *p);
    p->total = -1;
    if (!wanted || !out || !isatty(fileno(out)))
        return;
    p->out = out;
    p->cols = 80;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        p->cols = ws.ws_col;
    if (p->cols > 200)
        p->cols = 200;
}

static void human(double v, char *buf, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%.0f %s", v, units[u]);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
}

void iotls_cli_progress_format(const iotls_cli_progress *p, uint64_t now_ms, char *buf, size_t len)
{
    char got[32], all[32], rate[32], tail[128];
    uint64_t ms = now_ms > p->t0_ms ? now_ms - p->t0_ms : 0;
    int width, n;

    human((double)p->done, got, sizeof got);
    human(ms ? (double)p->done * 1000.0 / (double)ms : 0.0, rate, sizeof rate);
    if (p->total >= 0) {
        double frac = p->total > 0 ? (double)p->done / (double)p->total : 1.0;
        if (frac > 1.0)
            frac = 1.0;
        human((double)p->total, all, sizeof all);
        snprintf(tail, sizeof tail, " %5.1f%%  %s of %s  %s/s", frac * 100.0, got, all, rate);
        width = p->cols - 3 - (int)strlen(tail);
        if (width < 10)
            width = 10;
        if ((size_t)width + 3 + strlen(tail) >= len)
            width = (int)(len - 4 - strlen(tail));
        n = (int)(frac * width);
        buf[0] = '[';
        memset(buf + 1, '#', (size_t)n);
        memset(buf + 1 + n, ' ', (size_t)(width - n));
        buf[1 + width] = ']';
        snprintf(buf + 2 + width, len - 2 - (size_t)width, "%s", tail);
    } else {
        snprintf(buf, len, "%s received  %s/s", got, rate);
    }
}

static void draw(iotls_cli_progress *p, uint64_t now_ms)
{
    char line[256];
    iotls_cli_progress_format(p, now_ms, line, sizeof line);
    /* '\r' back to the start, the line, and erase what a longer one left */
    fprintf(p->out, "\r%s\033[K", line);
    fflush(p->out);
    p->drawn = 1;
    p->last_ms = now_ms;
}

void iotls_cli_progress_start(iotls_cli_progress *p, int64_t total, uint64_t now_ms)
{
    if (!p->out)
        return;
    p->started = 1;
    p->total = total;
    p->done = 0;
    p->t0_ms = now_ms;
    draw(p, now_ms);
}

void iotls_cli_progress_add(iotls_cli_progress *p, size_t n, uint64_t now_ms)
{
    if (!p->out || !p->started)
        return;
    p->done += n;
    if (now_ms - p->last_ms >= REDRAW_MS)
        draw(p, now_ms);
}

void iotls_cli_progress_end(iotls_cli_progress *p, uint64_t now_ms)
{
    if (!p->out || !p->started)
        return;
    draw(p, now_ms);
    fputc('\n', p->out);
    fflush(p->out);
    p->started = 0;
    p->drawn = 0;
}
