/* mod_tooltool: Mozilla's ToolTool API as an httpd module.
 *
 * Glue only: the module record, directives and hooks. The work is done by
 * src/tooltool (routes, model, rendering) on top of src/common. */
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_core.h"
#include "apr_strings.h"
#include "svc_aplog.h"
#include "svc_auth.h"
#include "svc_dbd.h"
#include "svc_log.h"
#include "svc_module.h"
#include "tt_conf.h"
#include "tt_local.h"
#include "tt_log.h"
#include "tt_routes.h"
#include "tt_sql.h"
#include "tt_sweep.h"

module AP_MODULE_DECLARE_DATA tooltool_module;

static const svc_module_t tt_mod = {
    .name = "tooltool",
    SVC_MODULE_BUILD_INFO,
    .problem_style = SVC_PROBLEM_WRAPPED,
    .stmts = tt_statements,
    .ping_label = "tt_ping",
    .hawk_client_label = "tt_hawk_client_get",
    .generation_label = "tt_gen_get",
    .generation_table = "svc_tooltool_generation",
};

static svc_app_t tt_app = {
    .mod = &tt_mod,
    .routes = tt_routes,
    .handler_name = "tooltool",
    .mutex_type = "tooltool-cache",
    .nonce_mutex_type = "tooltool-nonces",
    .cache_obj_size = 256,          /* download lookups */
    .cache_size = 1048576,
    .scope_prefix = TT_DEFAULT_SCOPE_PREFIX,
    .denied_status = HTTP_UNAUTHORIZED,
};

/* ---- storage, URLs and the sweeper: server-wide (tt_conf.h) */

static const char *cmd_error(cmd_parms *cmd, const char *err)
{
    return err ? apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", err, NULL) : NULL;
}

static const char *tt_set_region(cmd_parms *cmd, void *dcfg, int argc,
                                 char *const argv[])
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char **args;
    int i;

    (void)dcfg;
    if (err) {
        return err;
    }
    args = apr_pcalloc(cmd->pool, sizeof(char *) * (argc + 1));
    for (i = 0; i < argc; i++) {
        args[i] = argv[i];
    }
    /* a relative local directory is under ServerRoot, as for other paths */
    if (argc == 3 && !strcmp(args[1], "local")) {
        args[2] = ap_server_root_relative(cmd->pool, args[2]);
        if (!args[2]) {
            return cmd_error(cmd, "invalid directory");
        }
    }
    return cmd_error(cmd, tt_conf_add_region(tt_conf_get(), argc, args));
}

static const char *tt_set_key(cmd_parms *cmd, void *dcfg, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dcfg;
    return err ? err : cmd_error(cmd, tt_conf_set_secret(tt_conf_get(),
                                                         cmd->cmd->name, arg));
}

/* Read now, while the server still runs as root: the file can be 0600. */
static const char *tt_set_key_file(cmd_parms *cmd, void *dcfg, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *path;
    apr_file_t *f;
    char buf[4096];
    apr_size_t n = sizeof(buf) - 1;
    apr_status_t rv;

    (void)dcfg;
    if (err) {
        return err;
    }
    path = ap_server_root_relative(cmd->temp_pool, arg);
    rv = path ? apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT,
                              cmd->temp_pool) : APR_EBADPATH;
    if (rv == APR_SUCCESS) {
        rv = apr_file_read_full(f, buf, n, &n);
        apr_file_close(f);
        if (APR_STATUS_IS_EOF(rv)) {
            rv = APR_SUCCESS;
        }
    }
    if (rv != APR_SUCCESS) {
        char msg[120];
        return apr_psprintf(cmd->pool, "%s: cannot read %s: %s",
                            cmd->cmd->name, arg,
                            apr_strerror(rv, msg, sizeof(msg)));
    }
    buf[n] = '\0';
    err = tt_conf_set_secret(tt_conf_get(), cmd->cmd->name, buf);
    memset(buf, 0, sizeof(buf));
    return cmd_error(cmd, err ? apr_pstrcat(cmd->pool, arg, ": ", err, NULL)
                              : NULL);
}

/* cmd->info: which setting; the bounds are the directives' documented ones */
enum { TT_UPLOAD_EXPIRES, TT_DOWNLOAD_EXPIRES, TT_SWEEP, TT_ABANDON,
       TT_S3_TIMEOUT };

static const char *tt_set_seconds(cmd_parms *cmd, void *dcfg, const char *arg)
{
    tt_conf_t *c = tt_conf_get();
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    int which = (int)(apr_uintptr_t)cmd->info;
    apr_int64_t *out;
    apr_int64_t min = 1, max = 86400;

    (void)dcfg;
    if (err) {
        return err;
    }
    switch (which) {
    case TT_UPLOAD_EXPIRES:   out = &c->upload_expires; break;
    case TT_DOWNLOAD_EXPIRES: out = &c->download_expires; break;
    case TT_SWEEP:            out = &c->sweep_interval; min = 0; break;
    case TT_S3_TIMEOUT:       out = &c->s3_timeout; max = 3600; break;
    default:                  out = &c->abandon_after; min = 0;
                              max = 366 * 86400; break;
    }
    return cmd_error(cmd, tt_conf_seconds(cmd->pool, arg, min, max, out));
}

static const char *tt_set_inline_max(cmd_parms *cmd, void *dcfg,
                                     const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dcfg;
    return err ? err : cmd_error(cmd, tt_conf_bytes(cmd->pool, arg,
                                                    &tt_conf_get()->inline_max));
}

static const char *tt_set_anonymous(cmd_parms *cmd, void *dcfg, int on)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dcfg;
    if (!err) {
        tt_conf_get()->anonymous_public = on;
    }
    return err;
}

static const char *tt_set_client_url(cmd_parms *cmd, void *dcfg,
                                     const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dcfg;
    return err ? err : cmd_error(cmd, tt_conf_set_client_url(tt_conf_get(),
                                                             arg));
}

static const command_rec tt_cmds[] = {
    SVC_MODULE_DIRECTIVES("Tooltool", tt_app),
    SVC_AUTH_DIRECTIVES("Tooltool", tt_app),
    AP_INIT_TAKE_ARGV("TooltoolRegion", tt_set_region, NULL, RSRC_CONF,
                      "<name> local <directory> | <name> s3 bucket=<b> "
                      "[endpoint=..] [style=..] [credentials=<file> | "
                      "access_key=.. secret_key=..] ... | <name> none: a "
                      "storage region (repeatable; objects are sha512/<digest>)"),
    AP_INIT_TAKE1("TooltoolSigningKey", tt_set_key, NULL, RSRC_CONF,
                  "secret (>= 16 bytes) signing the local storage URLs "
                  "(default: random at each start-up)"),
    AP_INIT_TAKE1("TooltoolSigningKeyFile", tt_set_key_file, NULL, RSRC_CONF,
                  "file holding the secret signing the local storage URLs "
                  "(read at start-up as root)"),
    AP_INIT_TAKE1("TooltoolUploadExpires", tt_set_seconds,
                  (void *)TT_UPLOAD_EXPIRES, RSRC_CONF,
                  "seconds an upload URL (and its pending upload) lives "
                  "(1-86400, default 60)"),
    AP_INIT_TAKE1("TooltoolDownloadExpires", tt_set_seconds,
                  (void *)TT_DOWNLOAD_EXPIRES, RSRC_CONF,
                  "seconds a download URL lives (1-86400, default 60)"),
    AP_INIT_FLAG("TooltoolAnonymousPublicDownload", tt_set_anonymous, NULL,
                 RSRC_CONF, "On: anyone may download public files (default); "
                 "Off: the download/public scope is needed"),
    AP_INIT_TAKE1("TooltoolClientUrl", tt_set_client_url, NULL, RSRC_CONF,
                  "where GET /tooltool.py redirects (default: the client on "
                  "GitHub), or 'none' (404)"),
    AP_INIT_TAKE1("TooltoolVerifyInlineMax", tt_set_inline_max, NULL,
                  RSRC_CONF, "largest upload verified inside GET "
                  "/upload/complete, bytes with optional K/M/G (default 64M; "
                  "0 = leave all to the sweeper)"),
    AP_INIT_TAKE1("TooltoolSweepInterval", tt_set_seconds, (void *)TT_SWEEP,
                  RSRC_CONF, "seconds between sweeper runs (0-86400, default "
                  "600; 0 = no sweeper)"),
    AP_INIT_TAKE1("TooltoolAbandonAfter", tt_set_seconds, (void *)TT_ABANDON,
                  RSRC_CONF, "seconds after its expiry an unverified pending "
                  "upload is dropped (default 86400)"),
    AP_INIT_TAKE1("TooltoolS3Timeout", tt_set_seconds, (void *)TT_S3_TIMEOUT,
                  RSRC_CONF, "seconds an S3 request (HEAD, DELETE, copy) may "
                  "take, and an object transfer may stall (1-3600, default "
                  "30)"),
    {NULL}
};

SVC_MODULE_HOOKS(tt, tt_app, tooltool_module)

static int tt_conf_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    tt_conf_init(tt_conf_get(), pconf);
    return OK;
}

/* Without a configured key, one random key per start-up: every child gets
 * it (generated before the fork), URLs die with a restart, which only
 * matters for the few seconds they live. */
static int tt_random_key(apr_pool_t *pconf, server_rec *s, tt_conf_t *c)
{
    unsigned char *key = apr_palloc(pconf, 32);

    if (apr_generate_random_bytes(key, 32) != APR_SUCCESS) {
        svc_log_s(s, SVC_LOG_CRIT, 0, TTLOGNO(01024), "cannot generate a "
                  "random signing key: set TooltoolSigningKey");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    c->secret.bytes = key;
    c->secret.len = 32;
    svc_log_s(s, SVC_LOG_NOTICE, 0, TTLOGNO(01025), "no TooltoolSigningKey: "
              "storage URLs are signed with a random key for this start-up "
              "(set one when several servers share the storage)");
    return OK;
}

static int tt_conf_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp, server_rec *s)
{
    tt_conf_t *c = tt_conf_get();
    int i;

    (void)plog;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    if (c->regions->nelts == 0) {
        return OK; /* tooltool storage is not served by this server */
    }
    if (!c->secret.bytes && tt_random_key(pconf, s, c) != OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (i = 0; i < c->regions->nelts; i++) {
        const tt_region_t *rg = APR_ARRAY_IDX(c->regions, i, tt_region_t *);
        apr_finfo_t fi;

        if (tt_local_is(rg)
            && (apr_stat(&fi, tt_local_dir(rg), APR_FINFO_TYPE, ptemp)
                != APR_SUCCESS || fi.filetype != APR_DIR)) {
            svc_log_s(s, SVC_LOG_WARNING, 0, TTLOGNO(01026), "TooltoolRegion "
                      "%s: %s is not a directory: uploads to it will fail",
                      rg->name, tt_local_dir(rg));
        }
    }
    /* before mod_watchdog's post_config (APR_HOOK_LAST) starts instances */
    tt_sweep_register(pconf, s, c);
    return OK;
}

static void tt_register_hooks(apr_pool_t *p)
{
    (void)p;
    svc_aplog_init(&tooltool_module.module_index, "TT");
    tt_register_svc_hooks();
    ap_hook_pre_config(tt_conf_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(tt_conf_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(tt_sweep_child_init, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(tooltool) = {
    STANDARD20_MODULE_STUFF,
    svc_module_create_dir,
    svc_module_merge_dir,
    NULL,
    NULL,
    tt_cmds,
    tt_register_hooks,
    AP_MODULE_FLAG_NONE
};
