/* [ap] The request context handed to every route handler, and the module
 * descriptor that tells the shared glue how a module behaves. */
#ifndef SVC_REQ_H
#define SVC_REQ_H

#include "httpd.h"
#include "http_config.h"
#include <jansson.h>
#include "svc_db.h"
#include "svc_problem.h"
#include "svc_route.h"

/* What GET /__version__ tells (Dockerflow's version.json plus the module's
 * name), given by the Makefile when it compiles mod_*.c. */
#ifndef SVC_VERSION
#define SVC_VERSION "0.0.0"
#endif
#ifndef SVC_COMMIT
#define SVC_COMMIT "unknown"
#endif
#ifndef SVC_SOURCE
#define SVC_SOURCE "unknown"
#endif
#ifndef SVC_BUILD
#define SVC_BUILD "unknown"
#endif
#define SVC_MODULE_BUILD_INFO \
    .version = SVC_VERSION, .commit = SVC_COMMIT, .source = SVC_SOURCE, \
    .build = SVC_BUILD

typedef struct svc_module_t {
    const char *name;              /* "treestatus" */
    const char *version;
    const char *commit;
    const char *source;            /* repository URL */
    const char *build;             /* CI build id or URL */
    svc_problem_style problem_style;
    const svc_db_stmt_t *stmts;    /* registered with mod_dbd, re-prepared on reset */
    const char *ping_label;        /* statement run by /__heartbeat__ */
    const char *hawk_client_label; /* SVC_AUTH_STATEMENTS' label */
    const char *generation_label;  /* SELECT of the data generation
                                      (svc_generation.h); its table */
    const char *generation_table;
} svc_module_t;

struct svc_cache_t;
struct svc_auth_cfg_t;
struct svc_curl_pool_t;

/* A module at run time: its descriptor, routes, and this configuration
 * generation's process resources (one per .so, reset in pre_config). */
typedef struct svc_app_t {
    const svc_module_t *mod;
    const svc_route_t *routes;
    const char *handler_name;      /* SetHandler value */
    const char *mutex_type;        /* Mutex directive name, also socache cname */
    const char *nonce_mutex_type;  /* the same for the Hawk nonce store */
    unsigned int cache_obj_size;   /* socache sizing hint */
    apr_size_t cache_size;         /* default shm size (bytes) */
    const char *cache_spec;        /* from the module's cache directive, NULL = default */
    apr_interval_time_t cache_max_age; /* <P>CacheMaxAge (svc_generation.h) */
    struct svc_cache_t *cache;     /* response cache of this generation, NULL = none */
    const char *nonce_spec;        /* <P>NonceCache, NULL = default */
    struct svc_cache_t *nonces;    /* Hawk nonces seen (a store of their own, so
                                      that responses never evict them), NULL = none */
    struct svc_auth_cfg_t *auth;   /* identities and scopes (svc_auth.h) */
    const char *scope_prefix;      /* prepended to route scopes */
    int denied_status;             /* route scope held by nobody: 403 */
    struct svc_curl_pool_t *curl;  /* per process (child_init) */
    /* built-in roles: id and scope suffixes (prefixed with scope_prefix),
     * ended by {NULL}; a role of the same id in the configuration wins */
    const struct svc_default_role_t *default_roles;
} svc_app_t;

typedef struct svc_default_role_t {
    const char *id;
    const char *suffixes[4];
} svc_default_role_t;

/* Per-location settings every module has (embedded in its dir config). */
typedef struct svc_loc_t {
    const char *base;              /* URI prefix the routes are relative to
                                      (…Base); NULL = found per request */
    apr_off_t max_body;            /* request body cap (bytes), -1 = unset */
} svc_loc_t;

typedef struct svc_req_t {
    request_rec *r;
    const svc_app_t *app;
    const svc_module_t *mod;
    svc_route_match_t match;
    const svc_loc_t *loc;
    const char *base;              /* the URI prefix the route is relative to */
    void *cfg;                     /* the module's own dir config */
    svc_db_t *db;                  /* acquired on first use */
    int auth_done;                 /* svc_auth_identify ran */
    const char *who;               /* authenticated identity, NULL = anonymous */
    const apr_array_header_t *scopes; /* const char * scopes of `who` (expanded) */
    const void *hawk;              /* svc_hawk_result_t when Hawk: payload check */
} svc_req_t;

#define SVC_DEFAULT_MAX_BODY (1024 * 1024)

/* Runs the module: base stripping, routing (404/405/OPTIONS), then the
 * route's handler. Always answers (never DECLINED once the handler name
 * matched), so httpd's default handler never serves a file under our prefix. */
int svc_dispatch(request_rec *r, const svc_app_t *app, const svc_loc_t *loc,
                 void *cfg);

/* Path parameter of the matched route. */
const char *svc_param(const svc_req_t *req, const char *name);

/* Query argument (decoded), NULL if absent; "" for a bare "?name". */
const char *svc_arg(const svc_req_t *req, const char *name);

/* The request's database connection (acquired once), NULL when mod_dbd has
 * none to give: the caller answers 503 with svc_send_db_error. */
svc_db_t *svc_req_db(svc_req_t *req);

/* Location config helpers: create (unset), merge, and directive setters. */
void svc_loc_init(svc_loc_t *loc, const char *dir);
void svc_loc_merge(svc_loc_t *out, const svc_loc_t *base, const svc_loc_t *add);
const char *svc_loc_set_base(cmd_parms *cmd, svc_loc_t *loc, const char *arg);
const char *svc_loc_set_max_body(cmd_parms *cmd, svc_loc_t *loc, const char *arg);

#endif
