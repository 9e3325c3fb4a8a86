/* [ap] The local storage backend's signed URLs:
 *   PUT <base>/__storage__/<region>/sha512/<digest>?Expires=..&Signature=..
 *   GET (and HEAD) the same with a GET signature.
 * What tooltool.py and S3 clients expect of a presigned URL: no credentials,
 * PUT answers exactly 200, GET answers the bytes. The PUT body is streamed to
 * a temporary file (never held in memory) and renamed into place only when
 * complete, not larger than the file's recorded size, and while the URL is
 * still valid (so nothing can change an object once its pending upload has
 * expired and the verifier may look at it). */
#include "httpd.h"
#include "http_core.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "util_filter.h"
#include "svc_send.h"
#include "tt_api.h"
#include "tt_local.h"
#include "tt_log.h"
#include "tt_render.h"
#include "tt_sha512.h"

#define READ_BLOCK (64 * 1024)
#define BAD_SIGNATURE "The request signature does not match"
#define EXPIRED "Request has expired"

/* An error answered before the body was read: do not let httpd read and
 * discard what may be gigabytes. */
static int refuse(svc_req_t *req, int status, const char *detail)
{
    req->r->connection->keepalive = AP_CONN_CLOSE;
    return svc_send_problem(req, status, detail);
}

static int storage_get(svc_req_t *req, const tt_region_t *rg, const char *key)
{
    request_rec *r = req->r;
    core_dir_config *d = ap_get_core_module_config(r->per_dir_config);
    apr_int32_t flags = 0;
    apr_bucket_brigade *bb;
    apr_file_t *f;
    apr_off_t size;
    apr_status_t rv;

    if (d && d->enable_sendfile == ENABLE_SENDFILE_ON) {
        flags |= APR_FOPEN_SENDFILE_ENABLED;
    }
    rv = tt_local_open(r->pool, rg, key, flags, &f, &size);
    if (APR_STATUS_IS_ENOENT(rv) || APR_STATUS_IS_ENOTDIR(rv)) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    if (rv != APR_SUCCESS) {
        svc_log_r(r, SVC_LOG_ERR, rv, TTLOGNO(01012), "cannot open %s in "
                  "region %s (%s)", key, rg->name, tt_local_dir(rg));
        return svc_send_problem(req, HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    r->status = HTTP_OK;
    ap_set_content_type(r, "application/octet-stream");
    ap_set_content_length(r, size);
    /* content-addressed: the bytes behind this key never change */
    apr_table_setn(r->headers_out, "Cache-Control", "private, max-age=60");
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    if (!r->header_only && size > 0) {
        /* a file bucket: sendfile or mmap, never the file in memory */
        apr_brigade_insert_file(bb, f, 0, size, r->pool);
    }
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    rv = ap_pass_brigade(r->output_filters, bb);
    if (rv != APR_SUCCESS) {
        svc_log_r(r, SVC_LOG_DEBUG, rv, TTLOGNO(01013), "sending %s aborted",
                  key);
    }
    return OK;
}

static int storage_put(svc_req_t *req, const tt_region_t *rg,
                       const char *digest, const char *key,
                       const char *expires)
{
    request_rec *r = req->r;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_bucket_brigade *bb;
    tt_local_upload_t *u;
    svc_db_rows_t *rows;
    apr_off_t max, declared;
    apr_status_t rv;
    svc_db_t *db;
    int rc, seen_eos = 0;

    if (!(db = svc_req_db(req))) {
        req->r->connection->keepalive = AP_CONN_CLOSE;
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    rc = svc_db_select(db, "tt_file_size", SVC_DB_ARGS(digest), &rows);
    if (rc != SVC_DB_OK) {
        req->r->connection->keepalive = AP_CONN_CLOSE;
        return svc_send_db_error(req, rc);
    }
    if (rows->nrows != 1) {
        return refuse(req, HTTP_NOT_FOUND, NULL);
    }
    max = (apr_off_t)tt_render_int64(svc_db_cell(rows, 0, 0));
    if (cl && ap_parse_strict_length(&declared, cl) && declared > max) {
        return refuse(req, HTTP_REQUEST_ENTITY_TOO_LARGE,
                      apr_psprintf(r->pool, "The upload is larger than the "
                                   "file's recorded size (%" APR_OFF_T_FMT
                                   " bytes)", max));
    }
    rv = tt_local_upload_open(r->pool, rg, key, max, &u);
    if (rv != APR_SUCCESS) {
        svc_log_r(r, SVC_LOG_ERR, rv, TTLOGNO(01014), "cannot create a "
                  "temporary file in %s (region %s): is it writable by the "
                  "server's user?", tt_local_dir(rg), rg->name);
        return refuse(req, HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!seen_eos) {
        apr_bucket *b;

        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                            APR_BLOCK_READ, READ_BLOCK);
        if (rv != APR_SUCCESS) {
            int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
            tt_local_upload_abort(u);
            return refuse(req, status, "Could not read the request body");
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t n;

            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(b)) {
                continue;
            }
            rv = apr_bucket_read(b, &data, &n, APR_BLOCK_READ);
            if (rv == APR_SUCCESS) {
                rv = tt_local_upload_write(u, data, n);
            }
            if (rv == TT_LOCAL_TOO_LARGE) {
                tt_local_upload_abort(u);
                return refuse(req, HTTP_REQUEST_ENTITY_TOO_LARGE,
                              apr_psprintf(r->pool, "The upload is larger "
                                           "than the file's recorded size (%"
                                           APR_OFF_T_FMT " bytes)", max));
            }
            if (rv != APR_SUCCESS) {
                svc_log_r(r, SVC_LOG_ERR, rv, TTLOGNO(01015), "writing the "
                          "upload of %s in %s failed", digest,
                          tt_local_dir(rg));
                tt_local_upload_abort(u);
                return refuse(req, HTTP_INTERNAL_SERVER_ERROR, NULL);
            }
        }
        apr_brigade_cleanup(bb); /* memory stays flat whatever the size */
    }
    /* The URL must still be valid when the object appears: once it expired,
     * the verifier may already be reading the previous object. */
    if (tt_local_check(rg, "PUT", key, expires, svc_arg(req, "Signature"),
                       apr_time_sec(apr_time_now())) != TT_SIGN_OK) {
        tt_local_upload_abort(u);
        return svc_send_problem(req, HTTP_FORBIDDEN,
                                EXPIRED);
    }
    rv = tt_local_upload_commit(u);
    if (rv != APR_SUCCESS) {
        svc_log_r(r, SVC_LOG_ERR, rv, TTLOGNO(01016), "storing the upload of "
                  "%s in %s failed", digest, tt_local_dir(rg));
        return svc_send_problem(req, HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    svc_log_r(r, SVC_LOG_DEBUG, 0, TTLOGNO(01017), "stored %" APR_OFF_T_FMT
              " bytes for %s in region %s", tt_local_upload_size(u), digest,
              rg->name);
    /* exactly 200: tooltool.py treats anything else as a failed upload */
    return svc_send_empty(req, HTTP_OK);
}

int tt_api_storage(svc_req_t *req)
{
    request_rec *r = req->r;
    const tt_region_t *rg = tt_conf_region(tt_conf_get(),
                                           svc_param(req, "region"));
    const char *digest = svc_param(req, "digest");
    const char *method = r->method_number == M_PUT ? "PUT" : "GET";
    const char *key, *expires;

    /* no URL naming another region or a non-digest was ever signed: like a
     * tampered signature (S3 answers 403 for both) */
    if (!tt_local_is(rg) || !tt_digest_valid(digest)) {
        return refuse(req, HTTP_FORBIDDEN, BAD_SIGNATURE);
    }
    key = tt_storage_key(r->pool, digest);
    expires = svc_arg(req, "Expires");
    switch (tt_local_check(rg, method, key, expires, svc_arg(req, "Signature"),
                           apr_time_sec(apr_time_now()))) {
    case TT_SIGN_OK:
        break;
    case TT_SIGN_EXPIRED:
        return refuse(req, HTTP_FORBIDDEN, EXPIRED);
    default:
        return refuse(req, HTTP_FORBIDDEN, BAD_SIGNATURE);
    }
    if (r->method_number == M_PUT) {
        return storage_put(req, rg, digest, key, expires);
    }
    return storage_get(req, rg, key);
}
