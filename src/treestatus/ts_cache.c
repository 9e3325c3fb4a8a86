/* [ap] The shared cache of rendered GET documents (DESIGN.md "Caching").
 *
 * Keys carry the data's generation (svc_generation.h; the table
 * svc_treestatus_generation, bumped by every write transaction):
 * "ts:<gen>:trees", "ts:<gen>:tree:<name>", ... so a write never has to find
 * and remove entries. A value is the ETag (TS_ETAG_LEN bytes) followed by
 * the body. */
#include "httpd.h"
#include "apr_strings.h"
#include "svc_cache.h"
#include "ts_api.h"
#include "ts_etag.h"
#include "ts_log.h"

#define TS_ENTRY_TTL apr_time_from_sec(600)

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
