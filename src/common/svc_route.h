/* Routes are data: one table per module of {methods, pattern, handler, scope}.
 * Matching is pure so it is unit-tested; 404 vs 405 (+ Allow) falls out of
 * the table: a path that matches some route but not for this method is 405. */
#ifndef SVC_ROUTE_H
#define SVC_ROUTE_H

#include <apr_pools.h>

#define SVC_M_GET     0x01u /* also answers HEAD */
#define SVC_M_POST    0x02u
#define SVC_M_PUT     0x04u
#define SVC_M_PATCH   0x08u
#define SVC_M_DELETE  0x10u
#define SVC_M_OPTIONS 0x20u /* answered by the dispatcher for every known path */
#define SVC_M_HEAD    0x40u

#define SVC_ROUTE_MAX_PARAMS 4

struct svc_req_t;
typedef int svc_handler_fn(struct svc_req_t *req);

typedef struct svc_route_t {
    unsigned methods;
    const char *pattern;      /* "/trees/{tree}/logs": {name} = one non-empty segment */
    svc_handler_fn *handler;
    const char *scope;        /* required scope (module adds its prefix); NULL = public */
} svc_route_t;

typedef enum {
    SVC_ROUTE_FOUND,
    SVC_ROUTE_NOT_FOUND,
    SVC_ROUTE_METHOD_NOT_ALLOWED
} svc_route_result;

typedef struct {
    const svc_route_t *route;
    int nparams;
    const char *names[SVC_ROUTE_MAX_PARAMS];
    const char *values[SVC_ROUTE_MAX_PARAMS];
    unsigned allowed;         /* methods of every route matching the path */
} svc_route_match_t;

/* Method name -> SVC_M_* bit (HEAD -> SVC_M_HEAD), 0 if unknown. */
unsigned svc_route_method(const char *method);

/* Table ends with an entry whose pattern is NULL. `path` is relative to the
 * module's base and starts with '/'. */
svc_route_result svc_route_find(apr_pool_t *p, const svc_route_t *table,
                                const char *method, const char *path,
                                svc_route_match_t *m);

/* "GET, HEAD, PATCH, OPTIONS" for an allowed mask. */
const char *svc_route_allow(apr_pool_t *p, unsigned allowed);

/* Value of a path parameter, NULL if the route has none of that name. */
const char *svc_route_param(const svc_route_match_t *m, const char *name);

/* Strips the base path from a decoded URI: "/treestatus/trees" with base
 * "/treestatus" -> "/trees"; the base itself -> "/". NULL when the URI is not
 * under the base (a "/treestatusX" URI is not under "/treestatus"). */
const char *svc_route_relative(apr_pool_t *p, const char *uri, const char *base);

#endif
