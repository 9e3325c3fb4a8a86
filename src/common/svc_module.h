/* [ap] What both modules' glue has in common: per-location config (base path,
 * body cap), the handler entry, and the post_config/child_init steps for the
 * database and the shared cache. Each mod_*.c keeps only its module struct,
 * its directives and its own settings. */
#ifndef SVC_MODULE_H
#define SVC_MODULE_H

#include "httpd.h"
#include "http_config.h"
#include "http_request.h"
#include "svc_cache.h"
#include "svc_req.h"

/* Default size of the Hawk nonce store: about 30,000 nonces (each kept for
 * twice the Hawk skew, 30 minutes by default). */
#define SVC_NONCE_STORE_SIZE (4 * 1024 * 1024)


/* The per-location config both modules use: a svc_loc_t. */
void *svc_module_create_dir(apr_pool_t *p, char *dir);
void *svc_module_merge_dir(apr_pool_t *p, void *basev, void *addv);

/* Directive setters; cmd->info is the module's svc_app_t where needed. */
const char *svc_module_set_base(cmd_parms *cmd, void *dcfg, const char *arg);
const char *svc_module_set_max_body(cmd_parms *cmd, void *dcfg, const char *arg);
const char *svc_module_set_database(cmd_parms *cmd, void *dcfg, int on);
const char *svc_module_set_cache(cmd_parms *cmd, void *dcfg, const char *arg);
const char *svc_module_set_nonce_cache(cmd_parms *cmd, void *dcfg,
                                       const char *arg);
const char *svc_module_set_cache_max_age(cmd_parms *cmd, void *dcfg,
                                         const char *arg);

/* The directives every module has, named with its prefix P ("Treestatus"). */
#define SVC_MODULE_DIRECTIVES(P, app) \
    AP_INIT_FLAG(P "Database", svc_module_set_database, &app, RSRC_CONF, \
        "On: prepare the module's SQL statements on mod_dbd's connections " \
        "(place after the DBD directives)"), \
    AP_INIT_TAKE1(P "Base", svc_module_set_base, NULL, ACCESS_CONF, \
        "URI prefix of the API (default: the enclosing <Location>)"), \
    AP_INIT_TAKE1(P "MaxBody", svc_module_set_max_body, NULL, ACCESS_CONF, \
        "Largest accepted request body in bytes (default 1048576)"), \
    AP_INIT_TAKE1(P "Cache", svc_module_set_cache, &app, RSRC_CONF, \
        "Shared cache: 'shmcb', 'shmcb:/path(bytes)' or 'none' (default shmcb)"), \
    AP_INIT_TAKE1(P "NonceCache", svc_module_set_nonce_cache, &app, RSRC_CONF, \
        "Store of the Hawk nonces seen: 'shmcb', 'shmcb:/path(bytes)' or " \
        "'none' (no replay protection; default shmcb, 4 MiB)"), \
    AP_INIT_TAKE1(P "CacheMaxAge", svc_module_set_cache_max_age, &app, \
        RSRC_CONF, "Seconds (decimals allowed) a cached generation is " \
        "trusted before the database is asked again: the staleness bound " \
        "across httpd instances (default 1)")

/* Hook bodies. */
void svc_module_pre_config(svc_app_t *app, apr_pool_t *pconf);
int svc_module_post_config(svc_app_t *app, apr_pool_t *pconf, apr_pool_t *ptemp,
                           server_rec *s);
void svc_module_child_init(svc_app_t *app, apr_pool_t *p, server_rec *s);

/* translate_name / map_to_storage: no filesystem mapping for our URIs. */
int svc_module_translate(svc_app_t *app, request_rec *r);
int svc_module_map_to_storage(svc_app_t *app, request_rec *r);

/* The handler: `loc` is the svc_loc_t embedded in the module's dir config. */
int svc_module_handler(svc_app_t *app, request_rec *r, const svc_loc_t *loc,
                       void *cfg);

#endif

/* Defines the static hook functions a module registers, all delegating to the
 * svc_module_* bodies above; `dir_type` is the module's dir config struct,
 * whose first member is its svc_loc_t. Keeps the two mod_*.c files down to
 * what really differs between them. */
#define SVC_MODULE_HOOKS(pfx, app, modrec)                                    \
    static int pfx##_pre_config(apr_pool_t *pconf, apr_pool_t *plog,          \
                                apr_pool_t *ptemp)                            \
    {                                                                         \
        (void)plog; (void)ptemp;                                              \
        svc_module_pre_config(&app, pconf);                                   \
        return OK;                                                            \
    }                                                                         \
    static int pfx##_post_config(apr_pool_t *pconf, apr_pool_t *plog,         \
                                 apr_pool_t *ptemp, server_rec *s)            \
    {                                                                         \
        (void)plog;                                                           \
        return svc_module_post_config(&app, pconf, ptemp, s);                 \
    }                                                                         \
    static void pfx##_child_init(apr_pool_t *p, server_rec *s)                \
    {                                                                         \
        svc_module_child_init(&app, p, s);                                    \
    }                                                                         \
    static int pfx##_handler(request_rec *r)                                  \
    {                                                                         \
        svc_loc_t *c = ap_get_module_config(r->per_dir_config, &modrec);     \
        return svc_module_handler(&app, r, c, c);                             \
    }                                                                         \
    static int pfx##_translate(request_rec *r)                                \
    {                                                                         \
        return svc_module_translate(&app, r);                                 \
    }                                                                         \
    static int pfx##_map_to_storage(request_rec *r)                           \
    {                                                                         \
        return svc_module_map_to_storage(&app, r);                            \
    }                                                                         \
    static void pfx##_register_svc_hooks(void)                                \
    {                                                                         \
        ap_hook_translate_name(pfx##_translate, NULL, NULL, APR_HOOK_LAST);   \
        ap_hook_map_to_storage(pfx##_map_to_storage, NULL, NULL,              \
                               APR_HOOK_FIRST);                               \
        ap_hook_pre_config(pfx##_pre_config, NULL, NULL, APR_HOOK_MIDDLE);    \
        ap_hook_post_config(pfx##_post_config, NULL, NULL, APR_HOOK_MIDDLE);  \
        ap_hook_child_init(pfx##_child_init, NULL, NULL, APR_HOOK_MIDDLE);    \
        ap_hook_handler(pfx##_handler, NULL, NULL, APR_HOOK_MIDDLE);          \
    }
