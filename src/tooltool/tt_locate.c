/* Every build fetches its toolchains through GET /sha512/{digest}, so the
 * lookup behind it is kept in the module's shared cache: one entry a digest,
 * "<visibility>\n<region>\n<region>...", under a key that carries the data's
 * generation (svc_generation.h), "tt:<gen>:dl:<digest>". Any change to files
 * or instances bumps the generation, so no entry has to be found and
 * removed. Unknown digests (and files without an instance) are not cached:
 * they are not what builds ask for, and caching them would let anyone fill
 * the cache that also holds the Hawk nonces. */
#include "httpd.h"
#include "apr_strings.h"
#include "svc_cache.h"
#include "svc_db.h"
#include "svc_generation.h"
#include "tt_locate.h"

/* short: entries of a busy generation are re-read within a minute anyway,
 * and expired entries are the first to make room for Hawk nonces */
#define ENTRY_TTL apr_time_from_sec(60)
#define ENTRY_MAX 1024

static int from_cache(svc_req_t *req, const char *key, tt_location_t *loc)
{
    request_rec *r = req->r;
    /* straight into the request pool: the tokens below point into it */
    char *text = apr_palloc(r->pool, ENTRY_MAX), *last, *tok;
    unsigned int n = ENTRY_MAX - 1;

    if (svc_cache_get(req->app->cache, r->server, key, (unsigned char *)text,
                      &n, r->pool) != APR_SUCCESS) {
        return 0;
    }
    text[n] = '\0';
    loc->visibility = apr_strtok(text, "\n", &last);
    if (!loc->visibility) {
        return 0;
    }
    while ((tok = apr_strtok(NULL, "\n", &last))) {
        APR_ARRAY_PUSH(loc->regions, const char *) = tok;
    }
    return loc->regions->nelts > 0;
}

static void to_cache(svc_req_t *req, const char *key, const tt_location_t *loc)
{
    request_rec *r = req->r;
    char *text = apr_pstrdup(r->pool, loc->visibility);
    int i;

    for (i = 0; i < loc->regions->nelts; i++) {
        const char *rg = APR_ARRAY_IDX(loc->regions, i, const char *);
        if (!*rg || strchr(rg, '\n')) {
            return; /* not representable: such a row is always read anew */
        }
        text = apr_pstrcat(r->pool, text, "\n", rg, NULL);
    }
    if (strlen(text) < ENTRY_MAX
        && strlen(text) <= svc_cache_max_value(req->app->cache)) {
        svc_cache_put(req->app->cache, r->server, key, text,
                      (unsigned int)strlen(text), apr_time_now() + ENTRY_TTL,
                      r->pool);
    }
}

int tt_locate(svc_req_t *req, const char *digest, tt_location_t *loc)
{
    request_rec *r = req->r;
    const char *key = NULL;
    svc_db_rows_t *rows;
    svc_db_t *db;
    apr_int64_t gen;
    int rc, i;

    loc->visibility = NULL;
    loc->regions = apr_array_make(r->pool, 4, sizeof(const char *));
    if (req->app->cache) {
        if ((rc = svc_generation_current(req, &gen)) != 0) {
            return rc;
        }
        key = apr_psprintf(r->pool, "tt:%" APR_INT64_T_FMT ":dl:%s", gen,
                           digest);
        if (from_cache(req, key, loc)) {
            return 0;
        }
        apr_array_clear(loc->regions);
    }
    if (!(db = svc_req_db(req))) {
        return SVC_DB_UNAVAILABLE;
    }
    rc = svc_db_select(db, "tt_download", SVC_DB_ARGS(digest), &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    for (i = 0; i < rows->nrows; i++) {
        loc->visibility = svc_db_cell(rows, i, 0);
        APR_ARRAY_PUSH(loc->regions, const char *) = svc_db_cell(rows, i, 1);
    }
    if (key && rows->nrows > 0) {
        to_cache(req, key, loc);
    }
    return 0;
}

void tt_locate_changed(svc_req_t *req)
{
    /* on failure the stamp stays: TooltoolCacheMaxAge still bounds it */
    (void)svc_generation_refresh(req);
}
