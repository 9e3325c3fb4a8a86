#include "httpd.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "svc_json.h"
#include "svc_send.h"

static void send_body(request_rec *r, int status, const char *content_type,
                      const char *body, apr_size_t len)
{
    r->status = status;
    ap_set_content_type(r, content_type);
    ap_set_content_length(r, len);
    if (len > 0) {
        ap_rwrite(body, (int)len, r); /* dropped by httpd for HEAD */
    }
}

int svc_send_bytes(svc_req_t *req, int status, const char *content_type,
                   const char *body, apr_size_t len)
{
    request_rec *r = req->r;

    if (r->method_number == M_GET
        && !apr_table_get(r->headers_out, "Cache-Control")) {
        apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    }
    send_body(r, status, content_type, body, len);
    return OK;
}

int svc_send_json(svc_req_t *req, int status, const json_t *body)
{
    apr_size_t len;
    char *text = svc_json_dump(req->r->pool, body, &len);

    return svc_send_bytes(req, status, "application/json", text, len);
}

int svc_send_problem_r(request_rec *r, svc_problem_style style, int status,
                       const char *detail)
{
    json_t *doc = svc_json_own(r->pool, svc_problem_make(status, detail, style));
    apr_size_t len;
    char *text = svc_json_dump(r->pool, doc, &len);

    /* errors must never be cached by a proxy */
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    send_body(r, status, svc_problem_content_type(style), text, len);
    return OK;
}

int svc_send_problem(svc_req_t *req, int status, const char *detail)
{
    return svc_send_problem_r(req->r, req->mod->problem_style, status, detail);
}

int svc_send_db_error(svc_req_t *req, int rc)
{
    if (rc == SVC_DB_ERROR) {
        return svc_send_problem(req, 500, "Database error");
    }
    return svc_send_problem(req, 503, "Database unavailable");
}

int svc_send_empty(svc_req_t *req, int status)
{
    req->r->status = status;
    ap_set_content_length(req->r, 0);
    return OK;
}
