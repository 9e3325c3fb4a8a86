#include "httpd.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "util_filter.h"
#include "svc_auth.h"
#include "svc_body.h"
#include "svc_json.h"
#include "svc_send.h"

static apr_off_t body_cap(const svc_req_t *req)
{
    return req->loc && req->loc->max_body > 0 ? req->loc->max_body
                                             : SVC_DEFAULT_MAX_BODY;
}

static int too_large(svc_req_t *req, apr_off_t cap)
{
    svc_send_problem(req, HTTP_REQUEST_ENTITY_TOO_LARGE,
                     apr_psprintf(req->r->pool,
                                  "Request body is larger than %" APR_OFF_T_FMT
                                  " bytes", cap));
    return HTTP_REQUEST_ENTITY_TOO_LARGE;
}

int svc_body_read(svc_req_t *req, const char **buf, apr_size_t *len)
{
    request_rec *r = req->r;
    apr_off_t cap = body_cap(req), total = 0, declared;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_bucket_brigade *bb, *out;
    int seen_eos = 0;
    char *flat;
    apr_size_t flat_len;

    if (cl) {
        if (ap_parse_strict_length(&declared, cl) == 0) {
            /* httpd rejects this before us; kept for other front ends */
            svc_send_problem(req, HTTP_BAD_REQUEST, "Invalid Content-Length");
            return HTTP_BAD_REQUEST;
        }
        if (declared > cap) {
            return too_large(req, cap);
        }
    }
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    out = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!seen_eos) {
        apr_bucket *b;
        apr_status_t rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                                         APR_BLOCK_READ, HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
            if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
                return too_large(req, cap);
            }
            svc_send_problem(req, status, "Could not read the request body");
            return status;
        }
        while (!APR_BRIGADE_EMPTY(bb)) {
            b = APR_BRIGADE_FIRST(bb);
            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
            }
            else if (!APR_BUCKET_IS_METADATA(b)) {
                const char *data;
                apr_size_t n;
                if (apr_bucket_read(b, &data, &n, APR_BLOCK_READ) != APR_SUCCESS) {
                    svc_send_problem(req, HTTP_BAD_REQUEST,
                                     "Could not read the request body");
                    return HTTP_BAD_REQUEST;
                }
                total += n;
                if (total > cap) {
                    return too_large(req, cap);
                }
            }
            APR_BUCKET_REMOVE(b);
            APR_BRIGADE_INSERT_TAIL(out, b);
        }
    }
    if (apr_brigade_pflatten(out, &flat, &flat_len, r->pool) != APR_SUCCESS) {
        svc_send_problem(req, HTTP_BAD_REQUEST, "Could not read the request body");
        return HTTP_BAD_REQUEST;
    }
    *buf = flat;
    *len = flat_len;
    /* a Hawk header may sign the body: verify it now that it is read */
    return svc_auth_check_payload(req, flat, flat_len);
}

/* "application/json", "application/json; charset=utf-8", "application/x+json" */
static int is_json_type(apr_pool_t *p, const char *ct)
{
    char *type, *semi;
    apr_size_t n;

    if (!ct) {
        return 0;
    }
    type = apr_pstrdup(p, ct);
    if ((semi = strchr(type, ';'))) {
        *semi = '\0';
    }
    apr_collapse_spaces(type, type);
    ap_str_tolower(type);
    n = strlen(type);
    return !strcmp(type, "application/json")
        || (n > 5 && !strncmp(type, "application/", 12) && !strcmp(type + n - 5, "+json"));
}

int svc_body_json(svc_req_t *req, int want, json_t **out)
{
    request_rec *r = req->r;
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    const char *buf, *err;
    apr_size_t len;
    int status;

    if ((status = svc_body_read(req, &buf, &len)) != 0) {
        return status;
    }
    if (len > 0 && !is_json_type(r->pool, ct)) {
        svc_send_problem(req, HTTP_UNSUPPORTED_MEDIA_TYPE,
                         apr_psprintf(r->pool,
                                      "Invalid Content-type (%s), expected JSON data",
                                      ct ? ct : ""));
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    }
    *out = svc_json_parse(r->pool, buf, len, want, &err);
    if (!*out) {
        svc_send_problem(req, HTTP_BAD_REQUEST, err);
        return HTTP_BAD_REQUEST;
    }
    return 0;
}
