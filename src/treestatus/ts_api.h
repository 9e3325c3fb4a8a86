/* [ap] The treestatus route handlers (ts_read.c, ts_write.c), the shared
 * cache of rendered responses (ts_cache.c), and what mod_treestatus.c hands
 * them. */
#ifndef TS_API_H
#define TS_API_H

#include "svc_req.h"

/* The SetHandler name of the API. */
#define TS_HANDLER_NAME "treestatus"


/* ---- ts_cache.c: rendered documents keyed by generation (svc_generation.h) */

/* A cached document: 1 with etag and body (request pool copies), 0 on a miss. */
int ts_cache_fetch(svc_req_t *req, const char *key, const char **etag,
                   const char **body, apr_size_t *len);
void ts_cache_store(svc_req_t *req, const char *key, const char *etag,
                    const char *body, apr_size_t len);

/* ---- ts_read.c (public) */
int ts_get_trees(svc_req_t *req);        /* GET /trees */
int ts_get_trees2(svc_req_t *req);       /* GET /trees2 */
int ts_get_tree(svc_req_t *req);         /* GET /trees/{tree} */
int ts_get_v0_trees(svc_req_t *req);     /* GET /v0/trees, /v0/trees/ */
int ts_get_v0_tree(svc_req_t *req);      /* GET /v0/trees/{tree} */
int ts_get_logs(svc_req_t *req);         /* GET /trees/{tree}/logs[?all=1] */
int ts_get_logs_all(svc_req_t *req);     /* GET /trees/{tree}/logs_all */
int ts_get_stack(svc_req_t *req);        /* GET /stack */

/* ---- ts_write.c (scopes in ts_routes.c) */
int ts_patch_trees(svc_req_t *req);      /* PATCH /trees */
int ts_put_tree(svc_req_t *req);         /* PUT /trees/{tree} */
int ts_delete_tree(svc_req_t *req);      /* DELETE /trees/{tree} */
int ts_delete_trees2(svc_req_t *req);    /* DELETE /trees2 */
int ts_patch_stack(svc_req_t *req);      /* PATCH /stack/{id} */
int ts_delete_stack(svc_req_t *req);     /* DELETE /stack/{id}?revert=0|1 */
int ts_restore_stack(svc_req_t *req);    /* DELETE /stack2/restore/{id} */
int ts_discard_stack(svc_req_t *req);    /* DELETE /stack2/discard/{id} */
int ts_patch_log(svc_req_t *req);        /* PATCH /log/{id} */

#endif
