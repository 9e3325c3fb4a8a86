/* [ap] Files: search, lookup, administrative PATCH and the download
 * redirect (spec §2.8-§2.11). */
#include "httpd.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "svc_auth.h"
#include "svc_body.h"
#include "svc_json.h"
#include "svc_send.h"
#include "tt_api.h"
#include "tt_input.h"
#include "tt_locate.h"
#include "tt_log.h"
#include "tt_render.h"
#include "tt_sha512.h"

static const char *const region_only[] = {"region", NULL};

int tt_api_files_search(svc_req_t *req)
{
    svc_db_t *db;
    svc_db_rows_t *rows;
    const char *q;
    int rc;

    if (tt_api_query(req, NULL, "q")) {
        return OK;
    }
    if (!(db = svc_req_db(req))) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    q = tt_utf8_clean(req->r->pool, svc_arg(req, "q"));
    rc = svc_db_select(db, "tt_files_search", SVC_DB_ARGS(q, q), &rows);
    if (rc != SVC_DB_OK) {
        return svc_send_db_error(req, rc);
    }
    return svc_send_json(req, HTTP_OK, svc_json_own(req->r->pool,
                         tt_render_wrap(tt_render_files(rows))));
}

int tt_api_file_get(svc_req_t *req)
{
    const char *digest = svc_param(req, "digest");
    svc_db_t *db;
    svc_db_rows_t *rows;
    int rc;

    if (tt_api_query(req, NULL, NULL)) {
        return OK;
    }
    if (!tt_digest_valid(digest)) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, "Invalid sha512 digest");
    }
    if (!(db = svc_req_db(req))) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    rc = svc_db_select(db, "tt_file_get", SVC_DB_ARGS(digest), &rows);
    if (rc != SVC_DB_OK) {
        return svc_send_db_error(req, rc);
    }
    if (rows->nrows != 1) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    return svc_send_json(req, HTTP_OK, svc_json_own(req->r->pool,
                         tt_render_file(rows, 0, 1)));
}

/* ---- PATCH /file/sha512/{digest} --------------------------------------- */

typedef struct {
    svc_req_t *req;
    const char *digest;
    const apr_array_header_t *ops;
    int status;
    const char *detail;
    json_t *file;                  /* the response, read inside the transaction */
} patch_t;

/* D20: every object first (an absent one counts as deleted), then the rows,
 * all while the file row is locked; a storage failure rolls the rows back. */
static int delete_instances(svc_db_t *db, patch_t *b, const char *file_id,
                            json_t *regions)
{
    apr_pool_t *p = b->req->r->pool;
    const tt_conf_t *conf = tt_conf_get();
    const char *key = tt_storage_key(p, b->digest);
    tt_io_t io;
    size_t i;

    tt_api_io(b->req, &io);
    for (i = 0; i < json_array_size(regions); i++) {
        const char *name = json_string_value(json_array_get(regions, i));
        const tt_region_t *rg = tt_conf_region(conf, name);
        apr_status_t rv;

        if (!rg) {
            /* upstream answered 500 and could never delete such a row; the
             * object is in a store this server does not know: drop the row */
            svc_log_r(b->req->r, SVC_LOG_WARNING, 0, TTLOGNO(01009),
                      "delete_instances %s: region %s is not configured, its "
                      "object (if any) is left in place", b->digest, name);
            continue;
        }
        rv = rg->ops->remove(rg, &io, key);
        if (rv != APR_SUCCESS) {
            svc_log_r(b->req->r, SVC_LOG_ERR, rv, TTLOGNO(01010),
                      "delete_instances %s: cannot delete %s in region %s",
                      b->digest, key, rg->name);
            /* D20: nothing is recorded; the PATCH can be sent again */
            b->status = HTTP_SERVICE_UNAVAILABLE;
            b->detail = apr_psprintf(p, "Storage unavailable: could not delete "
                                     "the file in region %s", rg->name);
            return b->status;
        }
    }
    return svc_db_exec(db, "tt_instances_delete", SVC_DB_ARGS(file_id), NULL);
}

static int patch_unit(svc_db_t *db, void *baton)
{
    patch_t *b = baton;
    svc_db_rows_t *rows;
    const char *file_id;
    json_t *regions;
    int rc, i;

    b->status = 0;
    rc = svc_db_select(db, "tt_patch_lock", SVC_DB_ARGS(b->digest), &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows != 1) {
        b->status = HTTP_NOT_FOUND;
        return b->status;
    }
    file_id = svc_db_get(rows, 0, "id");
    regions = svc_json_own(b->req->r->pool,
                           json_loads(svc_db_get(rows, 0, "instances"), 0, NULL));
    for (i = 0; i < b->ops->nelts; i++) {
        const tt_op_t *op = &APR_ARRAY_IDX(b->ops, i, tt_op_t);

        if (op->kind == TT_OP_SET_VISIBILITY) {
            rc = svc_db_exec(db, "tt_file_set_visibility",
                             SVC_DB_ARGS(op->visibility, file_id), NULL);
        }
        else {
            rc = delete_instances(db, b, file_id, regions);
            regions = NULL; /* a second delete_instances has nothing left */
        }
        if (rc != SVC_DB_OK) {
            return rc;
        }
    }
    rc = svc_db_select(db, "tt_file_get", SVC_DB_ARGS(b->digest), &rows);
    if (rc != SVC_DB_OK || rows->nrows != 1) {
        return rc != SVC_DB_OK ? rc : SVC_DB_ERROR;
    }
    b->file = svc_json_own(b->req->r->pool, tt_render_file(rows, 0, 1));
    return 0;
}

int tt_api_file_patch(svc_req_t *req)
{
    patch_t b;
    apr_array_header_t *ops;
    json_t *body;
    const char *err;
    svc_db_t *db;
    int rc;

    if (tt_api_query(req, NULL, NULL)) {
        return OK;
    }
    if (svc_auth_identify(req) != 0) {
        return OK; /* bad credentials: 401 sent */
    }
    /* the body schema comes before the permission (spec G15) */
    if (tt_api_json_body(req, JSON_ARRAY, &body) != 0) {
        return OK;
    }
    if ((err = tt_patch_parse(req->r->pool, body, &ops))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    /* D4: 401 (with the "error" member the real client needs, D3) */
    if (svc_auth_require(req, tt_api_scope(req, "manage"), HTTP_UNAUTHORIZED,
                         "Invalid user permissions") != 0) {
        return OK;
    }
    if ((err = tt_patch_check(req->r->pool, ops))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    /* upstream never validated this digest (an invalid one is simply not
     * found, spec D5); only valid ones reach the database */
    if (!tt_digest_valid(svc_param(req, "digest"))) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    if (!(db = svc_req_db(req))) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    memset(&b, 0, sizeof(b));
    b.req = req;
    b.digest = svc_param(req, "digest");
    b.ops = ops;
    rc = svc_db_transaction(db, patch_unit, &b);
    if (rc != SVC_DB_OK) {
        return b.status ? svc_send_problem(req, b.status, b.detail)
                        : svc_send_db_error(req, rc);
    }
    tt_locate_changed(req); /* no download sees the old visibility/instances */
    return svc_send_json(req, HTTP_OK, b.file);
}

/* ---- GET /sha512/{digest} ---------------------------------------------- */

int tt_api_download(svc_req_t *req)
{
    request_rec *r = req->r;
    const tt_conf_t *conf = tt_conf_get();
    const char *digest = svc_param(req, "digest");
    const char *url;
    const tt_region_t *rg;
    apr_array_header_t *candidates;
    tt_location_t loc;
    int rc, i;

    /* D6: ?region= is a preference; anything else is strict-validated */
    if (tt_api_query(req, region_only, NULL)) {
        return OK;
    }
    /* D5: the digest first, before the database */
    if (!tt_digest_valid(digest)) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, "Invalid sha512 digest");
    }
    if ((rc = tt_locate(req, digest, &loc)) != 0) {
        return svc_send_db_error(req, rc);
    }
    if (loc.regions->nelts == 0) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL); /* no file or no instance */
    }
    if (strcmp(loc.visibility, "public") || !conf->anonymous_public) {
        if (svc_auth_identify(req) != 0) {
            return OK;
        }
        if (!svc_auth_has(req, tt_api_scope(req, apr_pstrcat(r->pool,
                                                             "download/",
                                                             loc.visibility,
                                                             NULL)))) {
            return svc_send_problem(req, HTTP_FORBIDDEN, NULL);
        }
    }
    /* configured regions holding an instance (upstream fix 2e85652) */
    candidates = apr_array_make(r->pool, loc.regions->nelts,
                                sizeof(tt_region_t *));
    for (i = 0; i < loc.regions->nelts; i++) {
        const tt_region_t *c = tt_conf_region(conf, APR_ARRAY_IDX(loc.regions,
                                                                  i,
                                                                  const char *));
        if (c) {
            APR_ARRAY_PUSH(candidates, const tt_region_t *) = c;
        }
    }
    rg = tt_api_pick_region(candidates, r->args ? svc_arg(req, "region") : NULL);
    if (!rg) {
        svc_log_r(r, SVC_LOG_WARNING, 0, TTLOGNO(01011), "%s has instances "
                  "only in regions that are not configured", digest);
        return svc_send_problem(req, HTTP_INTERNAL_SERVER_ERROR,
                                "No available regions for file");
    }
    url = rg->ops->get_url(rg, r->pool, tt_api_self(req),
                           tt_storage_key(r->pool, digest), apr_time_now(),
                           conf->download_expires);
    apr_table_setn(r->headers_out, "Location", url);
    /* the signed URL dies soon: never reuse this answer */
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    return svc_send_empty(req, HTTP_MOVED_TEMPORARILY);
}

/* ---- GET /tooltool.py (spec 2.12, D22) ---------------------------------- */

int tt_api_client(svc_req_t *req)
{
    const char *url = tt_conf_get()->client_url;

    if (tt_api_query(req, NULL, NULL)) {
        return OK;
    }
    if (!url) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    apr_table_setn(req->r->headers_out, "Location", url);
    return svc_send_empty(req, HTTP_MOVED_TEMPORARILY);
}
