/* [ap] Shared-memory cache through httpd's socache API (shmcb by default),
 * shared by all children of one httpd; values are copied in and out under a
 * global mutex (shmcb is not multi-process safe on its own), and the lock is
 * held only for that copy, never for I/O.
 *
 * Lifecycle (mod_cache_socache / mod_authn_socache pattern):
 *   pre_config   svc_cache_pre_config      registers the mutex type (Mutex directive)
 *   directive    svc_cache_create          picks the provider ("none" = no cache)
 *   post_config  svc_cache_init            (not on the dry-run pass) creates mutex + shm
 *   child_init   svc_cache_child_init      re-attaches the mutex in each child
 * The instance lives in pconf: a graceful restart starts a fresh cache for the
 * new generation, which is correct because entries are only a copy of the DB. */
#ifndef SVC_CACHE_H
#define SVC_CACHE_H

#include "httpd.h"
#include "http_config.h"

typedef struct svc_cache_t svc_cache_t;

void svc_cache_pre_config(apr_pool_t *pconf, const char *mutex_type);

/* spec: "shmcb", "shmcb:<provider args>", another provider name, or "none"
 * (then *out = NULL). Returns an error message for the config parser. */
const char *svc_cache_create(apr_pool_t *pconf, apr_pool_t *ptemp,
                             const char *spec, const char *mutex_type,
                             svc_cache_t **out);

apr_status_t svc_cache_init(svc_cache_t *c, const char *cname,
                            unsigned int avg_obj_size, server_rec *s,
                            apr_pool_t *pconf);

void svc_cache_child_init(svc_cache_t *c, apr_pool_t *p, server_rec *s);

/* Copies the value into buf (*len in: capacity, out: size). APR_NOTFOUND on
 * a miss; any other failure is also a miss for callers. */
apr_status_t svc_cache_get(svc_cache_t *c, server_rec *s, const char *key,
                           unsigned char *buf, unsigned int *len, apr_pool_t *p);

/* Stores a copy until `expiry` (absolute apr_time_t). */
apr_status_t svc_cache_put(svc_cache_t *c, server_rec *s, const char *key,
                           const void *val, unsigned int len, apr_time_t expiry,
                           apr_pool_t *p);

apr_status_t svc_cache_remove(svc_cache_t *c, server_rec *s, const char *key,
                              apr_pool_t *p);

/* Stores only when the key is absent, atomically for all children: returns
 * APR_SUCCESS when stored, APR_EEXIST when the key was already there (used
 * to reject replayed Hawk nonces). */
apr_status_t svc_cache_add(svc_cache_t *c, server_rec *s, const char *key,
                           const void *val, unsigned int len, apr_time_t expiry,
                           apr_pool_t *p);

/* One versioned stamp per cache, shared by all children: {version,
 * checked_at}, read without a lock. The stored version never goes backwards
 * (a slow reader cannot overwrite a newer version a writer just stored),
 * which is what read-after-write needs when the version names the current
 * generation of cached data. get: APR_NOTFOUND before the first put. */
apr_status_t svc_cache_stamp_get(svc_cache_t *c, apr_int64_t *version,
                                 apr_time_t *checked);
apr_status_t svc_cache_stamp_put(svc_cache_t *c, apr_int64_t version,
                                 apr_time_t checked);

/* Largest value that is worth offering to the cache: bigger ones are not
 * stored (shmcb logs an error for entries larger than its subcaches). */
unsigned int svc_cache_max_value(const svc_cache_t *c);

#endif
