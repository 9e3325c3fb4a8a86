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

static const svc_module_t ts_mod = {
    .name = "treestatus",
    SVC_MODULE_BUILD_INFO,
    .problem_style = SVC_PROBLEM_PLAIN,
    .stmts = ts_statements,
    .ping_label = "ts_ping",
    .hawk_client_label = "ts_hawk_client_get",
    .generation_label = "ts_gen_get",
    .generation_table = "svc_treestatus_generation",
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
    .nonce_mutex_type = "treestatus-nonces",
    .cache_obj_size = 4096,         /* rendered trees */
    .cache_size = 4194304,
    .scope_prefix = "project:releng:services/treestatus/",
    .denied_status = HTTP_FORBIDDEN,
    .default_roles = ts_roles,
};

static const command_rec ts_cmds[] = {
    SVC_MODULE_DIRECTIVES("Treestatus", ts_app),
    SVC_AUTH_DIRECTIVES("Treestatus", ts_app),
    {NULL}
};

SVC_MODULE_HOOKS(ts, ts_app, treestatus_module)

static void ts_register_hooks(apr_pool_t *p)
{
    (void)p;
    svc_aplog_init(&treestatus_module.module_index, "TS");
    ts_register_svc_hooks();
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
