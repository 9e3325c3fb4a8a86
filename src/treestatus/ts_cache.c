/* [ap] The shared cache of rendered GET documents (DESIGN.md "Caching").
 *
 * Keys carry the data's generation (svc_treestatus_generation, bumped by
 * every write transaction): "ts:<gen>:trees", "ts:<gen>:tree:<name>", ... so
 * a write never has to find and remove entries, it only publishes its new
 * generation in the stamp "ts:gen" (after COMMIT, before answering), and
 * every child of this httpd looks up the new keys from then on. Writes made
 * through other httpd instances are seen when the stamp is older than
 * TreestatusCacheMaxAge and the generation is read from the database again.
 * Entries of old generations are simply never asked for again and age out.
 * A value is the ETag (TS_ETAG_LEN bytes) followed by the body. */
#include "httpd.h"
#include "apr_strings.h"
#include "svc_cache.h"
#include "svc_db.h"
#include "ts_api.h"
#include "ts_etag.h"
#include "ts_log.h"

#define TS_GEN_KEY "ts:gen"
#define TS_ENTRY_TTL apr_time_from_sec(600)

int ts_cache_generation(svc_req_t *req, apr_int64_t *gen)
{
    request_rec *r = req->r;
    svc_cache_t *c = req->app->cache;
    apr_time_t now = apr_time_now(), checked;
    apr_int64_t v;
    svc_db_rows_t *rows;
    svc_db_t *db;
    int rc;

    if (svc_cache_stamp_get(c, r->server, TS_GEN_KEY, &v, &checked, r->pool)
        == APR_SUCCESS && checked <= now && now - checked <= ts_cache_max_age()) {
        *gen = v;
        return 0;
    }
    db = svc_req_db(req);
    if (!db) {
        return SVC_DB_UNAVAILABLE;
    }
    rc = svc_db_select(db, "ts_gen_get", SVC_DB_NOARGS, &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows != 1 || !svc_db_cell(rows, 0, 0)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, TSLOGNO(01001)
                      "svc_treestatus_generation has no row: apply the "
                      "treestatus migrations (scripts/migrate.sh)");
        return SVC_DB_ERROR;
    }
    *gen = apr_atoi64(svc_db_cell(rows, 0, 0));
    /* never moves the stamp backwards: a newer published one stays */
    svc_cache_stamp_put(c, r->server, TS_GEN_KEY, *gen, now, r->pool);
    return 0;
}

void ts_cache_publish(svc_req_t *req, apr_int64_t gen)
{
    request_rec *r = req->r;

    if (req->app->cache && gen) {
        svc_cache_stamp_put(req->app->cache, r->server, TS_GEN_KEY, gen,
                            apr_time_now(), r->pool);
    }
}

int ts_cache_fetch(svc_req_t *req, const char *key, const char **etag,
                   const char **body, apr_size_t *len)
{
    request_rec *r = req->r;
    svc_cache_t *c = req->app->cache;
    unsigned int cap = svc_cache_max_value(c), n = cap;
    unsigned char *buf;

    if (cap <= TS_ETAG_LEN) {
        return 0;
    }
    buf = apr_palloc(r->pool, cap);
    if (svc_cache_get(c, r->server, key, buf, &n, r->pool) != APR_SUCCESS
        || n < TS_ETAG_LEN || buf[0] != '"' || buf[TS_ETAG_LEN - 1] != '"') {
        return 0;
    }
    *etag = apr_pstrmemdup(r->pool, (const char *)buf, TS_ETAG_LEN);
    *body = (const char *)buf + TS_ETAG_LEN;
    *len = n - TS_ETAG_LEN;
    return 1;
}

void ts_cache_store(svc_req_t *req, const char *key, const char *etag,
                    const char *body, apr_size_t len)
{
    request_rec *r = req->r;
    svc_cache_t *c = req->app->cache;
    unsigned int cap = svc_cache_max_value(c);
    char *val;

    if (len > cap || cap - len < TS_ETAG_LEN) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, TSLOGNO(01002)
                      "%s: %" APR_SIZE_T_FMT " bytes is more than the cache "
                      "takes (%u): served uncached", key, len, cap);
        return;
    }
    val = apr_palloc(r->pool, TS_ETAG_LEN + len);
    memcpy(val, etag, TS_ETAG_LEN);
    memcpy(val + TS_ETAG_LEN, body, len);
    if (svc_cache_put(c, r->server, key, val, (unsigned int)(TS_ETAG_LEN + len),
                      apr_time_now() + TS_ENTRY_TTL, r->pool) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, TSLOGNO(01003)
                      "%s: not stored in the cache", key);
    }
}
