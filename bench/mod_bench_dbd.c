/* bench/mod_bench_dbd.c: the reference "one-statement mod_dbd SELECT handler" of DESIGN.md
 * (like the sample of guides/environment.md §3), for the informative comparison 2b of
 * bench/run.sh: one prepared statement through mod_dbd (random=1), its first row as a JSON
 * object (jansson, dumped once), nothing else: no routing, no auth, no ETag.
 *
 *   LoadModule bench_dbd_module .../mod_bench_dbd.so     (after mod_dbd)
 *   BenchDBDQueryFile /path/query.sql                     apr_dbd SQL, at most one %s
 *   <Location "/bench-dbd"> SetHandler bench-dbd </Location>
 *   GET /bench-dbd?VALUE                                  VALUE binds the %s (no decoding)
 *
 * Built by bench/run.sh into its scratch directory; never part of the modules. */
#include <string.h>
#include <stdlib.h>
#include <jansson.h>
#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "apr_file_io.h"
#include "apr_optional.h"
#include "apr_dbd.h"
#include "mod_dbd.h"

#define LABEL "bench_dbd_query"

static APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *dbd_prepare;
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;

static const char *set_query_file(cmd_parms *cmd, void *dcfg, const char *path)
{
    apr_file_t *f;
    apr_finfo_t fi;
    char *sql;
    apr_size_t n;

    (void)dcfg;
    dbd_prepare = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (!dbd_prepare || !dbd_acquire) {
        return "BenchDBDQueryFile: load mod_dbd first";
    }
    if (apr_file_open(&f, path, APR_FOPEN_READ, APR_OS_DEFAULT, cmd->pool) != APR_SUCCESS
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) != APR_SUCCESS) {
        return apr_pstrcat(cmd->pool, "BenchDBDQueryFile: cannot read ", path, NULL);
    }
    n = (apr_size_t)fi.size;
    sql = apr_pcalloc(cmd->pool, n + 1);
    if (n && apr_file_read_full(f, sql, n, NULL) != APR_SUCCESS) {
        return apr_pstrcat(cmd->pool, "BenchDBDQueryFile: cannot read ", path, NULL);
    }
    apr_file_close(f);
    while (n && (sql[n - 1] == '\n' || sql[n - 1] == ';' || sql[n - 1] == ' ')) {
        sql[--n] = '\0';
    }
    dbd_prepare(cmd->server, sql, LABEL);
    return NULL;
}

static int bench_dbd_handler(request_rec *r)
{
    apr_dbd_prepared_t *stmt;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    ap_dbd_t *db;
    json_t *obj;
    char *text;
    int i, ncols;

    if (!r->handler || strcmp(r->handler, "bench-dbd")) {
        return DECLINED;
    }
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!dbd_acquire || !(db = dbd_acquire(r))) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    stmt = apr_hash_get(db->prepared, LABEL, APR_HASH_KEY_STRING);
    if (!stmt
        || apr_dbd_pvselect(db->driver, r->pool, db->handle, &res, stmt, 1,
                            r->args ? r->args : "", NULL) != 0) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (apr_dbd_get_row(db->driver, r->pool, res, &row, -1) != 0) {
        return HTTP_NOT_FOUND;
    }
    obj = json_object();
    ncols = apr_dbd_num_cols(db->driver, res);
    for (i = 0; i < ncols; i++) {
        const char *v = apr_dbd_get_entry(db->driver, row, i);
        json_object_set_new(obj, apr_dbd_get_name(db->driver, res, i),
                            v ? json_string(v) : json_null());
    }
    text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!text) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ap_set_content_type(r, "application/json");
    ap_rputs(text, r);
    free(text);
    return OK;
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_handler(bench_dbd_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

static const command_rec cmds[] = {
    AP_INIT_TAKE1("BenchDBDQueryFile", set_query_file, NULL, RSRC_CONF,
                  "file holding the one apr_dbd statement to run"),
    {NULL}
};

module AP_MODULE_DECLARE_DATA bench_dbd_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, cmds, register_hooks,
    AP_MODULE_FLAG_NONE
};
