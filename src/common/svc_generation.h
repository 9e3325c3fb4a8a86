/* [ap] The generation of a module's data, shared by the children of one httpd.
 *
 * A module that caches answers in shared memory keys them with a generation
 * number kept in its database (a one-row table bumped by triggers in every
 * transaction that changes cached data: the modules' migrations in sql/).
 * The current number lives in the cache's stamp: a write publishes its new
 * number after COMMIT, so every child of this httpd reads its own writes;
 * writes through other httpd instances on the same database are seen once
 * the stamp is older than <P>CacheMaxAge and the number is read again. Keys
 * of old generations are never asked for again and age out of the cache.
 * Only used with a cache (app->cache). */
#ifndef SVC_GENERATION_H
#define SVC_GENERATION_H

#include "svc_req.h"

/* <P>CacheMaxAge's default: the staleness bound across httpd instances. */
#define SVC_DEFAULT_CACHE_MAX_AGE apr_time_from_sec(1)

/* The current generation: the stamp when it was checked within the max
 * age, else read from the database and stamped. 0 or an SVC_DB_* error. */
int svc_generation_current(svc_req_t *req, apr_int64_t *gen);

/* Reads the generation from the database now and stamps it (after a write
 * whose triggers bumped it). 0 or an SVC_DB_* error; the stamp is then
 * left as it was and bounds the staleness as usual. */
int svc_generation_refresh(svc_req_t *req);

/* After a write's COMMIT, before its response, when the write knows the
 * generation it committed: every child looks up that generation from then
 * on. A stamp never goes backwards. */
void svc_generation_publish(svc_req_t *req, apr_int64_t gen);

#endif
