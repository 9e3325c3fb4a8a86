/* Timestamps as the upstream services printed them (pure). */
#ifndef SVC_TIME_H
#define SVC_TIME_H

#include <apr_pools.h>
#include <apr_time.h>

/* PostgreSQL's text for a UTC `timestamp without time zone`
 * ("2019-09-30 08:36:57.123" or "...T...") as Python's isoformat(): "T"
 * between date and time, six fraction digits or none at all when the
 * fraction is 0, then `zone` ("+00:00" for treestatus, "Z" for tooltool).
 * Text that is not such a timestamp is returned as it is; NULL stays NULL. */
const char *svc_time_iso(apr_pool_t *p, const char *sql, const char *zone);

/* A directive's duration: seconds, decimals allowed, 0 to 86400. NULL and
 * *out set, or the error text for the config parser. */
const char *svc_seconds_parse(apr_pool_t *p, const char *arg,
                              apr_interval_time_t *out);

#endif
