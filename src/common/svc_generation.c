#include "httpd.h"
#include "apr_strings.h"
#include "svc_cache.h"
#include "svc_db.h"
#include "svc_generation.h"
#include "svc_log.h"

static int read_from_db(svc_req_t *req, apr_time_t now, apr_int64_t *gen)
{
    request_rec *r = req->r;
    const svc_module_t *mod = req->app->mod;
    svc_db_rows_t *rows;
    svc_db_t *db = svc_req_db(req);
    int rc;

    if (!db) {
        return SVC_DB_UNAVAILABLE;
    }
    rc = svc_db_select(db, mod->generation_label, SVC_DB_NOARGS, &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows != 1 || !svc_db_cell(rows, 0, 0)) {
        svc_log_r(r, SVC_LOG_ERR, 0, 60, "%s has no row: apply the %s "
                  "migrations (scripts/migrate.sh)", mod->generation_table,
                  mod->name);
        return SVC_DB_ERROR;
    }
    *gen = apr_atoi64(svc_db_cell(rows, 0, 0));
    /* never moves the stamp backwards: a newer published one stays */
    svc_cache_stamp_put(req->app->cache, *gen, now);
    return 0;
}

int svc_generation_current(svc_req_t *req, apr_int64_t *gen)
{
    apr_time_t now = apr_time_now(), checked;
    apr_int64_t v;

    if (svc_cache_stamp_get(req->app->cache, &v, &checked) == APR_SUCCESS
        && checked <= now && now - checked <= req->app->cache_max_age) {
        *gen = v;
        return 0;
    }
    return read_from_db(req, now, gen);
}

int svc_generation_refresh(svc_req_t *req)
{
    apr_int64_t gen;

    return req->app->cache ? read_from_db(req, apr_time_now(), &gen) : 0;
}

void svc_generation_publish(svc_req_t *req, apr_int64_t gen)
{
    if (req->app->cache && gen) {
        svc_cache_stamp_put(req->app->cache, gen, apr_time_now());
    }
}
