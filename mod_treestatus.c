/* mod_treestatus: Mozilla's TreeStatus API as an httpd module.
 *
 * Glue only: the module record, directives and hooks. The work is done by
 * src/treestatus (routes, model, rendering) on top of src/common. */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "apr_strings.h"
#include "svc_aplog.h"
#include "svc_auth.h"
#include "svc_dbd.h"
#include "svc_module.h"
#include "ts_api.h"
#include "ts_input.h"
#include "ts_routes.h"
#include "ts_sql.h"

module AP_MODULE_DECLARE_DATA treestatus_module;

#ifndef SVC_VERSION
#define SVC_VERSION "0.0.0"
#endif
#ifndef SVC_COMMIT
#define SVC_COMMIT "unknown"
#endif

static const svc_module_t ts_mod = {
    "treestatus", SVC_VERSION, SVC_COMMIT, SVC_PROBLEM_PLAIN,
    ts_statements, "ts_ping", "ts_hawk_client_get"
};

/* The roles the upstream service documented: sheriffs update trees and
 * revert changes, admins may do everything (prefix = TreestatusScopePrefix). */
static const svc_default_role_t ts_roles[] = {
    {"project:releng:treestatus/sheriff", {"trees/update", "recent_changes/revert"}},
    {"project:releng:treestatus/admin", {"*"}},
    {NULL, {NULL}}
};

static svc_app_t ts_app = {
    .mod = &ts_mod,
    .routes = ts_routes,
    .handler_name = TS_HANDLER_NAME,
    .mutex_type = "treestatus-cache",
    .cache_obj_size = 4096,         /* rendered trees */
    .cache_size = 4194304,
    .scope_prefix = "project:releng:services/treestatus/",
    .denied_status = HTTP_FORBIDDEN,
    .default_roles = ts_roles,
};

/* TreestatusCacheMaxAge: server-wide, reset for every configuration pass. */
static apr_interval_time_t ts_max_age = TS_DEFAULT_CACHE_MAX_AGE;

apr_interval_time_t ts_cache_max_age(void)
{
    return ts_max_age;
}

static const char *ts_set_cache_max_age(cmd_parms *cmd, void *dcfg,
                                        const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dcfg;
    if (err) {
        return err;
    }
    err = ts_seconds_parse(cmd->pool, arg, &ts_max_age);
    return err ? apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL) : NULL;
}

static int ts_reset_settings(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp)
{
    (void)pconf; (void)plog; (void)ptemp;
    ts_max_age = TS_DEFAULT_CACHE_MAX_AGE;
    return OK;
}

static const command_rec ts_cmds[] = {
    SVC_MODULE_DIRECTIVES("Treestatus", ts_app),
    AP_INIT_TAKE1("TreestatusCacheMaxAge", ts_set_cache_max_age, NULL,
                  RSRC_CONF, "Seconds (decimals allowed) a cached generation "
                  "is trusted before the database is asked again: the "
                  "staleness bound across httpd instances (default 1)"),
    SVC_AUTH_DIRECTIVES("Treestatus", ts_app),
    {NULL}
};

SVC_MODULE_HOOKS(ts, ts_app, treestatus_module)

static void ts_register_hooks(apr_pool_t *p)
{
    (void)p;
    svc_aplog_init(&treestatus_module.module_index, "TS");
    ts_register_svc_hooks();
    ap_hook_pre_config(ts_reset_settings, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(treestatus) = {
    STANDARD20_MODULE_STUFF,
    svc_module_create_dir,
    svc_module_merge_dir,
    NULL,
    NULL,
    ts_cmds,
    ts_register_hooks,
    AP_MODULE_FLAG_NONE
};
