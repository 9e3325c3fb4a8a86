/* Log tags of mod_tooltool's own call sites (TT01000 and up; 00001-00999
 * belong to the shared core, src/common/svc_log.h).
 *
 * Pure files cannot call ap_log_*, so every tooltool file, glue included,
 * logs through svc_log_r/svc_log_s (or tt_log below), whose tag is a number
 * printed as "TT%05d: " by the module's sink. One macro for both kinds of
 * files, written with five digits like httpd's APLOGNO:
 *   svc_log_r(r, SVC_LOG_WARNING, 0, TTLOGNO(01001), "...");
 * The leading zero would make 01001 an octal literal, so the macro pastes a
 * 1 in front and subtracts 100000; the array size rejects at compile time
 * anything but five digits. scripts/check-log-tags.sh checks uniqueness.
 * Tags in use: 01001-01027 (API, local storage, verification, sweeper),
 * 01200-01209 (the s3 backend; 01208 is retired, not to be reused) and
 * 01230-01233 (replication by the sweeper). Next free tags: 01028, 01210
 * (s3) and 01234 (replication). */
#ifndef TT_LOG_H
#define TT_LOG_H

#include "svc_log.h"

#define TTLOGNO(n) \
    ((int)(sizeof(char[sizeof(#n) == 6 ? 1 : -1]) - 1) + 1##n - 100000)

/* Where a storage or verification step logs: a request, or the server when
 * the sweeper runs it (no request). */
typedef struct {
    const void *ctx;              /* request_rec, server_rec or NULL */
    svc_log_ctx_kind kind;
} tt_log_ctx_t;

#define tt_log(lc, level, rv, tag, ...) \
    svc_log_(__FILE__, __LINE__, level, rv, (lc)->ctx, (lc)->kind, tag, \
             __VA_ARGS__)

#endif
