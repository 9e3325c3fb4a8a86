#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_request.h"
#include "ap_expr.h"
#include "apr_strings.h"
#include <jansson.h>
#include "svc_auth.h"
#include "svc_curl.h"
#include "svc_dbd.h"
#include "svc_generation.h"
#include "svc_log.h"
#include "svc_module.h"
#include "svc_time.h"

void *svc_module_create_dir(apr_pool_t *p, char *dir)
{
    svc_loc_t *loc = apr_pcalloc(p, sizeof(*loc));

    svc_loc_init(loc, dir);
    return loc;
}

void *svc_module_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    svc_loc_t *loc = apr_pcalloc(p, sizeof(*loc));

    svc_loc_merge(loc, basev, addv);
    return loc;
}

const char *svc_module_set_database(cmd_parms *cmd, void *dcfg, int on)
{
    (void)dcfg;
    return on ? svc_dbd_register(cmd, ((svc_app_t *)cmd->info)->mod->stmts)
              : NULL;
}

/* A store spec (<P>Cache, <P>NonceCache): main server only. */
static const char *set_spec(cmd_parms *cmd, const char **field,
                            const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (!err) {
        *field = arg;
    }
    return err;
}

const char *svc_module_set_cache(cmd_parms *cmd, void *dcfg, const char *arg)
{
    (void)dcfg;
    return set_spec(cmd, &((svc_app_t *)cmd->info)->cache_spec, arg);
}

const char *svc_module_set_nonce_cache(cmd_parms *cmd, void *dcfg,
                                       const char *arg)
{
    (void)dcfg;
    return set_spec(cmd, &((svc_app_t *)cmd->info)->nonce_spec, arg);
}

const char *svc_module_set_cache_max_age(cmd_parms *cmd, void *dcfg,
                                         const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dcfg;
    if (!err) {
        err = svc_seconds_parse(cmd->pool, arg,
                                &((svc_app_t *)cmd->info)->cache_max_age);
    }
    return err ? apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL) : NULL;
}

const char *svc_module_set_base(cmd_parms *cmd, void *dcfg, const char *arg)
{
    return svc_loc_set_base(cmd, (svc_loc_t *)dcfg, arg);
}

const char *svc_module_set_max_body(cmd_parms *cmd, void *dcfg, const char *arg)
{
    return svc_loc_set_max_body(cmd, (svc_loc_t *)dcfg, arg);
}

void svc_module_pre_config(svc_app_t *app, apr_pool_t *pconf)
{
    svc_cache_pre_config(pconf, app->mutex_type);
    svc_cache_pre_config(pconf, app->nonce_mutex_type);
    app->cache = NULL;
    app->nonces = NULL;
    app->cache_spec = NULL;
    app->nonce_spec = NULL;
    app->cache_max_age = SVC_DEFAULT_CACHE_MAX_AGE;
    app->auth = svc_auth_cfg_create(pconf);
}

static void add_default_roles(svc_app_t *app, apr_pool_t *pconf)
{
    const svc_default_role_t *role;

    for (role = app->default_roles; role && role->id; role++) {
        const char *scopes[4];
        int n;
        for (n = 0; n < 4 && role->suffixes[n]; n++) {
            scopes[n] = apr_pstrcat(pconf, app->scope_prefix, role->suffixes[n],
                                    NULL);
        }
        svc_auth_default_role(app->auth, role->id, scopes, n);
    }
}

/* One shared-memory store: `configured` (a <P>...Cache value), else shmcb
 * in the runtime dir named after its mutex. "none" makes none; without
 * mod_socache_shmcb the default is skipped with a warning saying what is
 * lost (a configured store that fails stops the start-up). */
static int make_store(svc_app_t *app, server_rec *s, apr_pool_t *pconf,
                      apr_pool_t *ptemp, const char *configured,
                      const char *mutex_type, apr_size_t size,
                      unsigned int obj_size, const char *lost,
                      svc_cache_t **out)
{
    const char *err, *spec;

    *out = NULL;
    if (configured && !strcasecmp(configured, "none")) {
        return OK;
    }
    spec = configured ? configured
        : apr_psprintf(ptemp, "shmcb:%s(%" APR_SIZE_T_FMT ")",
                       ap_runtime_dir_relative(ptemp, mutex_type), size);
    err = svc_cache_create(pconf, ptemp, spec, mutex_type, out);
    if (err && !configured) {
        svc_log_s(s, SVC_LOG_WARNING, 0, 42, "mod_%s runs without its %s "
                  "shared memory (%s): %s", app->mod->name, mutex_type, lost,
                  err);
        *out = NULL;
        return OK;
    }
    if (err) {
        svc_log_s(s, SVC_LOG_CRIT, 0, 41, "%s for mod_%s: %s", mutex_type,
                  app->mod->name, err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return svc_cache_init(*out, mutex_type, obj_size, s, pconf) == APR_SUCCESS
        ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

int svc_module_post_config(svc_app_t *app, apr_pool_t *pconf, apr_pool_t *ptemp,
                           server_rec *s)
{
    /* httpd runs post_config twice at start-up; shared memory is created on
     * the real pass only */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    /* process-wide library state, before any thread exists */
    json_object_seed(0);
    svc_curl_global_init();
    add_default_roles(app, pconf);
    if (svc_dbd_post_config() != 0) {
        svc_log_s(s, SVC_LOG_CRIT, 0, 40,
                  "mod_dbd is not loaded: load it and configure DBDriver/"
                  "DBDParams for mod_%s", app->mod->name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* Two stores in shared memory: the responses (and lookups) cached, and
     * the Hawk nonces seen. Apart, so that no amount of caching can evict a
     * nonce before its time (a replay window). */
    if (make_store(app, s, pconf, ptemp, app->cache_spec, app->mutex_type,
                   app->cache_size, app->cache_obj_size, "no response cache",
                   &app->cache) != OK
        || make_store(app, s, pconf, ptemp, app->nonce_spec,
                      app->nonce_mutex_type, SVC_NONCE_STORE_SIZE, 128,
                      "no Hawk replay protection", &app->nonces) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

void svc_module_child_init(svc_app_t *app, apr_pool_t *p, server_rec *s)
{
    svc_cache_child_init(app->cache, p, s);
    svc_cache_child_init(app->nonces, p, s);
    /* created here, so no curl handle is ever inherited over fork() */
    app->curl = svc_curl_pool_create(p);
}

int svc_module_handler(svc_app_t *app, request_rec *r, const svc_loc_t *loc,
                       void *cfg)
{
    if (!r->handler || strcmp(r->handler, app->handler_name)) {
        return DECLINED;
    }
    return svc_dispatch(r, app, loc, cfg);
}

/* The APIs' URIs name no files: httpd's translation of them into a path under
 * DocumentRoot and its directory walk are skipped, as mod_proxy does. Without
 * this a URI longer than a file name may be (a 5000-character tree name)
 * fails in core's translate_name with "File name too long" (AH00127, an
 * [error] line) and an HTML 403 before the module can answer, and every
 * request pays for stat() calls it does not need. translate_name runs after
 * httpd's first <Location> walk, so the request's SetHandler is known there
 * (hook LAST: mod_alias and mod_rewrite get their say first); map_to_storage
 * then sees a note. */
int svc_module_translate(svc_app_t *app, request_rec *r)
{
    core_dir_config *cd = ap_get_core_module_config(r->per_dir_config);
    const char *err = NULL, *handler;

    if (!cd || !cd->expr_handler) {
        return DECLINED;
    }
    handler = ap_expr_str_exec(r, cd->expr_handler, &err);
    if (err || !handler || strcasecmp(handler, app->handler_name)) {
        return DECLINED;
    }
    apr_table_setn(r->notes, "svc-nofs", app->handler_name);
    r->filename = apr_pstrcat(r->pool, app->handler_name, ":", r->uri, NULL);
    return OK;
}

int svc_module_map_to_storage(svc_app_t *app, request_rec *r)
{
    const char *owner = apr_table_get(r->notes, "svc-nofs");

    return owner && !strcmp(owner, app->handler_name) ? OK : DECLINED;
}
