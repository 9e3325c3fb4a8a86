#include "httpd.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "svc_body.h"
#include "svc_send.h"
#include "tt_api.h"
#include "tt_input.h"
#include "tt_url.h"

int tt_api_query(svc_req_t *req, const char *const *allowed,
                 const char *required)
{
    const char *err;

    if (!req->r->args && !required) {
        return 0; /* the common case: nothing to look at */
    }
    err = tt_query_check(req->r->pool, req->r->args, allowed, required);
    if (err) {
        svc_send_problem(req, HTTP_BAD_REQUEST, err);
        return HTTP_BAD_REQUEST;
    }
    return 0;
}

int tt_api_json_body(svc_req_t *req, int want, json_t **out)
{
    const char *buf;
    apr_size_t len;
    int status;

    if (ap_request_has_body(req->r)) {
        return svc_body_json(req, want, out);
    }
    /* still through the reader: a Hawk payload hash covers the empty body */
    if ((status = svc_body_read(req, &buf, &len)) != 0) {
        return status;
    }
    svc_send_problem(req, HTTP_BAD_REQUEST, want == JSON_ARRAY
                     ? "None is not of type 'array'"
                     : "None is not of type 'object'");
    return HTTP_BAD_REQUEST;
}

const char *tt_api_self(svc_req_t *req)
{
    request_rec *r = req->r;
    const char *scheme = ap_http_scheme(r);
    const char *fwd = apr_table_get(r->headers_in, "X-Forwarded-Proto");
    const char *origin;

    /* behind a TLS-terminating proxy the client's scheme is the proxy's */
    if (fwd && (!ap_cstr_casecmp(fwd, "https") || !ap_cstr_casecmp(fwd, "http"))) {
        scheme = ap_cstr_casecmp(fwd, "https") ? "http" : "https";
    }
    origin = tt_url_origin(r->pool, scheme,
                           apr_table_get(r->headers_in, "Host"),
                           r->server->server_hostname,
                           r->connection->local_addr->port);
    return tt_url_self(r->pool, origin, req->base);
}

void tt_api_io(svc_req_t *req, tt_io_t *io)
{
    io->pool = req->r->pool;
    io->log.ctx = req->r;
    io->log.kind = SVC_LOG_REQUEST;
    io->curl = req->app->curl;
}

const char *tt_api_scope(svc_req_t *req, const char *suffix)
{
    return apr_pstrcat(req->r->pool, req->app->scope_prefix
                       ? req->app->scope_prefix : "", suffix, NULL);
}

const tt_region_t *tt_api_pick_region(const apr_array_header_t *candidates,
                                      const char *preferred)
{
    unsigned int pick = 0;
    int i;

    if (!candidates || candidates->nelts == 0) {
        return NULL;
    }
    for (i = 0; preferred && i < candidates->nelts; i++) {
        const tt_region_t *rg = APR_ARRAY_IDX(candidates, i, const tt_region_t *);
        if (!strcmp(rg->name, preferred)) {
            return rg;
        }
    }
    if (candidates->nelts > 1
        && apr_generate_random_bytes((unsigned char *)&pick, sizeof(pick))
           != APR_SUCCESS) {
        pick = (unsigned int)apr_time_now(); /* good enough to spread load */
    }
    return APR_ARRAY_IDX(candidates, pick % (unsigned int)candidates->nelts,
                         const tt_region_t *);
}
