/* [ap] Upload batches (spec §2.4-§2.7). */
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
#include "tt_verify.h"

static const char *const q_only[] = {NULL};
static const char *const region_only[] = {"region", NULL};

static int send_batches(svc_req_t *req, const char *label, int nargs,
                        const char *const *args, int wrapped)
{
    svc_db_t *db = svc_req_db(req);
    svc_db_rows_t *rows;
    json_t *list;
    int rc;

    if (!db) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    rc = svc_db_select(db, label, nargs, args, &rows);
    if (rc != SVC_DB_OK) {
        return svc_send_db_error(req, rc);
    }
    list = svc_json_own(req->r->pool, tt_render_batches(req->r->pool, rows));
    if (wrapped) {
        return svc_send_json(req, HTTP_OK, svc_json_own(req->r->pool,
                             tt_render_wrap(json_incref(list))));
    }
    if (json_array_size(list) != 1) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    return svc_send_json(req, HTTP_OK, json_array_get(list, 0));
}

int tt_api_batches_search(svc_req_t *req)
{
    const char *q;

    if (tt_api_query(req, q_only, "q")) {
        return OK;
    }
    q = tt_utf8_clean(req->r->pool, svc_arg(req, "q"));
    return send_batches(req, "tt_batches_search", SVC_DB_ARGS(q, q), 1);
}

int tt_api_batch_get(svc_req_t *req)
{
    int id;

    if (tt_api_query(req, NULL, NULL)) {
        return OK;
    }
    /* not an integer: upstream's route did not match either */
    if (!tt_batch_id_parse(svc_param(req, "id"), &id)) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    return send_batches(req, "tt_batch_get",
                        SVC_DB_ARGS(apr_itoa(req->r->pool, id)), 0);
}

/* ---- POST /upload ------------------------------------------------------ */

typedef struct {
    svc_req_t *req;
    const tt_conf_t *conf;
    const tt_upload_t *u;
    const tt_region_t *rg;
    const char *self;
    const char *author;
    apr_time_t now;
    const char *expires;           /* epoch seconds of the URLs and pending uploads */
    int status;                    /* a 4xx decided inside the transaction */
    const char *detail;
    const char *batch_id;
} upload_t;

static int refuse(upload_t *b, int status, const char *detail)
{
    b->status = status;
    b->detail = detail;
    return status; /* non-zero: the transaction is rolled back */
}

/* Spec §2.5 step 9 for one file, then its batch_files row. */
static int upload_file(svc_db_t *db, upload_t *b, tt_upload_file_t *f,
                       apr_hash_t *seen)
{
    apr_pool_t *p = b->req->r->pool;
    const char *err = tt_upload_file_check(p, f, seen);
    const char *size, *file_id;
    svc_db_rows_t *rows;
    int rc, need_url = 1;

    if (err) {
        return refuse(b, HTTP_BAD_REQUEST, err);
    }
    size = apr_psprintf(p, "%" APR_INT64_T_FMT, f->size);
    rc = svc_db_select(db, "tt_file_insert",
                       SVC_DB_ARGS(size, f->digest, f->visibility), &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows == 1) {
        file_id = svc_db_cell(rows, 0, 0); /* new: nothing to compare */
    }
    else {
        const char *stored_size, *pending;

        rc = svc_db_select(db, "tt_file_lock", SVC_DB_ARGS(f->digest), &rows);
        if (rc != SVC_DB_OK || rows->nrows != 1) {
            return rc != SVC_DB_OK ? rc : SVC_DB_ERROR;
        }
        file_id = svc_db_get(rows, 0, "id");
        stored_size = svc_db_get(rows, 0, "size");
        if (strcmp(svc_db_get(rows, 0, "visibility"), f->visibility)) {
            return refuse(b, HTTP_BAD_REQUEST, "Cannot change already existing "
                          "file's visibility level.");
        }
        if (svc_db_get(rows, 0, "has_instances")[0] == 't') {
            if (tt_render_int64(stored_size) != f->size) {
                return refuse(b, HTTP_BAD_REQUEST,
                              apr_psprintf(p, "Size mismatch for %s",
                                           f->filename));
            }
            need_url = 0; /* already there: no upload, no pending change */
        }
        else {
            /* D16: an instance-less file keeps its recorded size while
             * someone may still be uploading it (an unexpired pending
             * upload); otherwise nobody relies on the old size any more and
             * the new one is taken, so a wrong first size is not forever */
            pending = svc_db_get(rows, 0, "pending");
            if ((!pending || tt_epoch_parse(pending) <= b->now)
                && tt_render_int64(stored_size) != f->size) {
                rc = svc_db_exec(db, "tt_file_set_size",
                                 SVC_DB_ARGS(size, file_id), NULL);
                if (rc != SVC_DB_OK) {
                    return rc;
                }
            }
        }
    }
    if (need_url) {
        const char *key = tt_storage_key(p, f->digest);
        const char *url = b->rg->ops->put_url(b->rg, p, b->self, key, b->now,
                                              b->conf->upload_expires);
        json_object_set_new(f->entry, "put_url", json_string(url));
        rc = svc_db_exec(db, "tt_pending_upsert",
                         SVC_DB_ARGS(file_id, b->expires, b->rg->name), NULL);
        if (rc != SVC_DB_OK) {
            return rc;
        }
    }
    else {
        /* only URLs this server signed are handed out */
        json_object_del(f->entry, "put_url");
    }
    return svc_db_exec(db, "tt_batch_file_insert",
                       SVC_DB_ARGS(file_id, b->batch_id, f->filename), NULL);
}

static int upload_unit(svc_db_t *db, void *baton)
{
    upload_t *b = baton;
    apr_hash_t *seen = apr_hash_make(b->req->r->pool);
    svc_db_rows_t *rows;
    int rc, i;

    b->status = 0; /* the unit may run twice (svc_db_transaction) */
    /* inserted first for its id; rolled back with everything else */
    rc = svc_db_select(db, "tt_batch_insert",
                       SVC_DB_ARGS(b->author, b->u->message), &rows);
    if (rc != SVC_DB_OK || rows->nrows != 1) {
        return rc != SVC_DB_OK ? rc : SVC_DB_ERROR;
    }
    b->batch_id = svc_db_cell(rows, 0, 0);
    for (i = 0; i < b->u->files->nelts; i++) {
        rc = upload_file(db, b, &APR_ARRAY_IDX(b->u->files, i, tt_upload_file_t),
                         seen);
        if (rc != SVC_DB_OK) {
            return rc;
        }
    }
    return 0;
}

int tt_api_upload(svc_req_t *req)
{
    request_rec *r = req->r;
    const tt_conf_t *conf = tt_conf_get();
    upload_t b;
    tt_upload_t u;
    apr_array_header_t *regions;
    json_t *body;
    const char *err;
    svc_db_t *db;
    int rc, i;

    if (tt_api_query(req, region_only, NULL)) {
        return OK;
    }
    /* before the body: a Hawk header's payload hash is checked as it is read */
    if (svc_auth_identify(req) != 0) {
        return OK;
    }
    if (tt_api_json_body(req, JSON_OBJECT, &body) != 0) {
        return OK;
    }
    /* steps 1-4 */
    if ((err = tt_upload_parse(r->pool, body, &u))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    /* step 6: the ?region= preference if configured, else any */
    memset(&b, 0, sizeof(b));
    regions = conf->regions;
    b.rg = tt_api_pick_region(regions, svc_arg(req, "region"));
    if (!b.rg) {
        svc_log_r(r, SVC_LOG_ERR, 0, TTLOGNO(01008), "POST /upload: no "
                  "storage region is configured (TooltoolRegion)");
        return svc_send_problem(req, HTTP_INTERNAL_SERVER_ERROR,
                                "No storage region is configured");
    }
    /* step 8: every visibility of the batch; internal does not imply public */
    for (i = 0; i < u.visibilities->nelts; i++) {
        const char *vis = APR_ARRAY_IDX(u.visibilities, i, const char *);
        if (!svc_auth_has(req, tt_api_scope(req, apr_pstrcat(r->pool, "upload/",
                                                             vis, NULL)))) {
            return svc_send_problem(req, HTTP_FORBIDDEN,
                                    apr_psprintf(r->pool, "no permission to "
                                                 "upload %s files", vis));
        }
    }
    if (!(db = svc_req_db(req))) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    b.req = req;
    b.conf = conf;
    b.u = &u;
    b.self = tt_api_self(req);
    b.author = tt_utf8_clean(r->pool, req->who); /* r->user may be Latin-1 */
    b.now = apr_time_now();
    b.expires = apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                             apr_time_sec(b.now) + conf->upload_expires);
    rc = svc_db_transaction(db, upload_unit, &b);
    if (rc != SVC_DB_OK) {
        return b.status ? svc_send_problem(req, b.status, b.detail)
                        : svc_send_db_error(req, rc);
    }
    /* the request body echoed, with author, id and the put_urls */
    json_object_set_new(body, "author", svc_json_string_lossy(b.author));
    json_object_set_new(body, "id", json_integer(tt_render_int64(b.batch_id)));
    return svc_send_json(req, HTTP_OK,
                         svc_json_own(r->pool, tt_render_wrap(json_incref(body))));
}

/* ---- GET|POST /upload/complete/sha512/{digest} ------------------------- */

int tt_api_upload_complete(svc_req_t *req)
{
    request_rec *r = req->r;
    const tt_conf_t *conf = tt_conf_get();
    const char *digest = svc_param(req, "digest");
    svc_db_rows_t *rows;
    tt_pending_t pu;
    tt_io_t io;
    apr_time_t now;
    svc_db_t *db;
    int rc;

    if (tt_api_query(req, NULL, NULL)) {
        return OK;
    }
    ap_discard_request_body(r); /* POST (D14 alias): nothing to read */
    if (!tt_digest_valid(digest)) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, "Invalid sha512 digest");
    }
    if (!(db = svc_req_db(req))) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    rc = svc_db_select(db, "tt_pending_get", SVC_DB_ARGS(digest), &rows);
    if (rc != SVC_DB_OK) {
        return svc_send_db_error(req, rc);
    }
    now = apr_time_now();
    if (rows->nrows == 1 && tt_pending_from_row(rows, 0, &pu)) {
        if (now < pu.expires) {
            /* E4: the URL may still be used; come back when it is dead */
            apr_table_setn(r->headers_out, "X-Retry-After",
                           apr_psprintf(r->pool, "%" APR_INT64_T_FMT,
                                        1 + (apr_int64_t)((pu.expires - now)
                                                          / APR_USEC_PER_SEC)));
            return svc_send_bytes(req, HTTP_CONFLICT,
                                  "text/plain; charset=utf-8", "", 0);
        }
        /* small objects now, big ones by the sweeper (D12); the answer is
         * 202 either way: the client only asked us to look */
        tt_api_io(req, &io);
        tt_verify_pending(db, conf, &pu, now, conf->inline_max, &io);
        tt_locate_changed(req); /* a new instance: downloadable from here */
    }
    return svc_send_bytes(req, HTTP_ACCEPTED, "application/json", "\"{}\"", 4);
}
