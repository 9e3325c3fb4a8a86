/* The write requests as database transactions (spec §3): one unit per
 * endpoint, run with svc_db_transaction. Pure (svc_db only).
 *
 * Every unit starts with ts_gen_bump: the new cache generation is the
 * result, and taking that one row lock first serializes all writers, so
 * the tree rows each unit then locks are never taken in conflicting orders
 * (no deadlocks between PATCH /stack and PATCH /log, say), and each unit's
 * statements see everything committed before it. A unit returns 0 to
 * commit, an HTTP status (400/404, with `status`/`detail` set) to roll back
 * a rejected request, or an SVC_DB_* error. A unit may run twice (svc_db
 * replays it after a lost connection), so it rebuilds its results from
 * scratch each time. */
#ifndef TS_STORE_H
#define TS_STORE_H

#include <apr_pools.h>
#include <jansson.h>
#include "svc_db.h"
#include "ts_input.h"

typedef struct {
    apr_pool_t *p;
    const char *who;                  /* recorded in logs and changes */

    /* what to do: the endpoint's fields */
    const ts_update_t *update;        /* PATCH /trees */
    const ts_new_tree_t *new_tree;    /* PUT /trees/{tree} */
    const apr_array_header_t *names;  /* DELETE /trees/{tree}, /trees2 */
    int many;                         /* DELETE /trees2: list answers */
    const ts_amend_t *amend;          /* PATCH /stack/{id}, /log/{id} */
    int id;                           /* stack or log id */
    int revert;                       /* DELETE /stack/{id} */

    /* results */
    int status;                       /* of a rejection */
    const char *detail;
    json_t *result;                   /* response body (owned by p) */
    apr_int64_t gen;                  /* the committed generation */
} ts_write_t;

int ts_store_update(svc_db_t *db, void *w);       /* PATCH /trees */
int ts_store_create(svc_db_t *db, void *w);       /* PUT /trees/{tree} */
int ts_store_delete(svc_db_t *db, void *w);       /* DELETE /trees/{t}, /trees2 */
int ts_store_change_close(svc_db_t *db, void *w); /* DELETE /stack/{id}, /stack2/ */
int ts_store_change_amend(svc_db_t *db, void *w); /* PATCH /stack/{id} */
int ts_store_log_amend(svc_db_t *db, void *w);    /* PATCH /log/{id} */

/* The 404 detail naming those of `names` that are not trees, in request
 * order, or NULL when all are (no lock, no transaction): what spec D6 answers
 * before the 400 of a PATCH body that breaks its rules. */
int ts_store_missing(svc_db_t *db, apr_pool_t *p,
                     const apr_array_header_t *names, const char **detail);

#endif
