/* mod_tooltool: Mozilla's ToolTool API as an httpd module.
 *
 * Glue only: the module record, directives and hooks. The work is done by
 * src/tooltool (routes, model, rendering) on top of src/common. */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "svc_aplog.h"
#include "svc_auth.h"
#include "svc_dbd.h"
#include "svc_module.h"
#include "tt_routes.h"
#include "tt_sql.h"

module AP_MODULE_DECLARE_DATA tooltool_module;

#ifndef SVC_VERSION
#define SVC_VERSION "0.0.0"
#endif
#ifndef SVC_COMMIT
#define SVC_COMMIT "unknown"
#endif

typedef struct {
    svc_loc_t loc;                 /* first: the shared setters rely on it */
} tt_dir_cfg;

static const svc_module_t tt_mod = {
    "tooltool", SVC_VERSION, SVC_COMMIT, SVC_PROBLEM_WRAPPED,
    tt_statements, "tt_ping", "tt_hawk_client_get"
};

static svc_app_t tt_app = {
    &tt_mod, tt_routes, "tooltool", "tooltool-cache", 256, 1048576, NULL, NULL, NULL,
    "project:releng:services/tooltool/api/", HTTP_UNAUTHORIZED, NULL, NULL
};

static void *tt_create_dir(apr_pool_t *p, char *dir)
{
    tt_dir_cfg *c = apr_pcalloc(p, sizeof(*c));

    svc_loc_init(&c->loc, dir);
    return c;
}

static void *tt_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    tt_dir_cfg *c = apr_pcalloc(p, sizeof(*c));

    svc_loc_merge(&c->loc, &((tt_dir_cfg *)basev)->loc,
                  &((tt_dir_cfg *)addv)->loc);
    return c;
}

static const char *tt_set_database(cmd_parms *cmd, void *dcfg, int on)
{
    (void)dcfg;
    return on ? svc_dbd_register(cmd, tt_statements) : NULL;
}

static const char *tt_set_cache(cmd_parms *cmd, void *dcfg, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dcfg;
    if (err) {
        return err;
    }
    tt_app.cache_spec = arg;
    return NULL;
}

static const command_rec tt_cmds[] = {
    AP_INIT_FLAG("TooltoolDatabase", tt_set_database, NULL, RSRC_CONF,
                 "On: prepare the tooltool SQL statements on mod_dbd's "
                 "connections (place after the DBD directives)"),
    AP_INIT_TAKE1("TooltoolBase", svc_module_set_base, NULL, ACCESS_CONF,
                  "URI prefix of the API (default: the enclosing <Location>)"),
    AP_INIT_TAKE1("TooltoolMaxBody", svc_module_set_max_body, NULL,
                  ACCESS_CONF, "Largest accepted request body in bytes "
                  "(default 1048576)"),
    AP_INIT_TAKE1("TooltoolCache", tt_set_cache, NULL, RSRC_CONF,
                  "Shared cache: 'shmcb', 'shmcb:/path(bytes)' or 'none' "
                  "(default shmcb)"),
    SVC_AUTH_DIRECTIVES("Tooltool", tt_app),
    {NULL}
};

SVC_MODULE_HOOKS(tt, tt_app, tt_dir_cfg, tooltool_module)

static void tt_register_hooks(apr_pool_t *p)
{
    (void)p;
    svc_aplog_init(&tooltool_module.module_index, "TT");
    tt_register_svc_hooks();
}

AP_DECLARE_MODULE(tooltool) = {
    STANDARD20_MODULE_STUFF,
    tt_create_dir,
    tt_merge_dir,
    NULL,
    NULL,
    tt_cmds,
    tt_register_hooks,
    AP_MODULE_FLAG_NONE
};
