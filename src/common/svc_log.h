/* Logging for the shared core without httpd.
 *
 * Pure files cannot call ap_log_*, so they log through a sink that the module
 * glue installs (the mod_md idea). Each .so has its own copy of the sink
 * (version script), so shared code logs under the loading module's name and
 * `LogLevel treestatus:debug` covers it.
 *
 * Tags: every call site has its own number. Numbers 00001-00999 belong to the
 * shared core and are printed with the module's prefix (TS00012 in
 * mod_treestatus, TT00012 in mod_tooltool); modules use 01000 and above with
 * TSLOGNO()/TTLOGNO(). scripts/check-log-tags.sh (run by make test) checks
 * that no number is used twice. */
#ifndef SVC_LOG_H
#define SVC_LOG_H

#include <apr_errno.h>

/* Same values as APLOG_* (syslog levels). */
#define SVC_LOG_EMERG   0
#define SVC_LOG_CRIT    2
#define SVC_LOG_ERR     3
#define SVC_LOG_WARNING 4
#define SVC_LOG_NOTICE  5
#define SVC_LOG_INFO    6
#define SVC_LOG_DEBUG   7

/* What a message is about: a request_rec or a server_rec (opaque here). */
typedef enum { SVC_LOG_SERVER = 0, SVC_LOG_REQUEST = 1 } svc_log_ctx_kind;

typedef void svc_log_sink_fn(const char *file, int line, int level,
                             apr_status_t rv, const void *ctx,
                             svc_log_ctx_kind kind, const char *msg);

/* Installs the sink and the two-letter tag prefix ("TS", "TT"). */
void svc_log_set_sink(svc_log_sink_fn *sink, const char *prefix);
const char *svc_log_prefix(void);

void svc_log_(const char *file, int line, int level, apr_status_t rv,
              const void *ctx, svc_log_ctx_kind kind, int tag,
              const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* svc_log_r(r, SVC_LOG_ERR, rv, 12, "failed: %s", why) — r is a request_rec*. */
#define svc_log_r(r, level, rv, tag, ...) \
    svc_log_(__FILE__, __LINE__, level, rv, r, SVC_LOG_REQUEST, tag, __VA_ARGS__)
#define svc_log_s(s, level, rv, tag, ...) \
    svc_log_(__FILE__, __LINE__, level, rv, s, SVC_LOG_SERVER, tag, __VA_ARGS__)

/* One-line text for logs: newlines (PostgreSQL errors have several) become
 * " | ", so every log line carries its tag. */
char *svc_log_oneline(char *buf, const char *text, unsigned long size);

#endif
