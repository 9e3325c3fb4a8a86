#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "svc_log.h"

static svc_log_sink_fn *log_sink;
static const char *log_prefix = "SV";

void svc_log_set_sink(svc_log_sink_fn *sink, const char *prefix)
{
    log_sink = sink;
    log_prefix = prefix ? prefix : "SV";
}

const char *svc_log_prefix(void)
{
    return log_prefix;
}

void svc_log_(const char *file, int line, int level, apr_status_t rv,
              const void *ctx, svc_log_ctx_kind kind, int tag,
              const char *fmt, ...)
{
    char msg[2048];
    int n;
    va_list ap;

    if (!log_sink) {
        return;
    }
    n = snprintf(msg, sizeof(msg), "%s%05d: ", log_prefix, tag);
    if (n < 0 || (size_t)n >= sizeof(msg)) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
    va_end(ap);
    log_sink(file, line, level, rv, ctx, kind, msg);
}

char *svc_log_oneline(char *buf, const char *text, unsigned long size)
{
    unsigned long o = 0;
    const char *p;

    if (size == 0) {
        return buf;
    }
    for (p = text ? text : ""; *p && o + 1 < size; p++) {
        if (*p == '\n' || *p == '\r') {
            while (p[1] == '\n' || p[1] == '\r' || p[1] == ' ') {
                p++;
            }
            if (p[1]) {
                if (o + 4 > size) {
                    break; /* no room for the separator and what follows */
                }
                memcpy(buf + o, " | ", 3);
                o += 3;
            }
        }
        else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    return buf;
}
