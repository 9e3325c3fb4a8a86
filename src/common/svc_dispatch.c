#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_strings.h"
#include "svc_auth.h"
#include "svc_dbd.h"
#include "svc_req.h"
#include "svc_send.h"

int svc_dispatch(request_rec *r, const svc_app_t *app, const svc_loc_t *loc,
                 void *cfg)
{
    svc_req_t *req = apr_pcalloc(r->pool, sizeof(*req));
    svc_route_result found;
    const char *path;

    req->r = r;
    req->app = app;
    req->mod = app->mod;
    req->loc = loc;
    req->cfg = cfg;
    path = svc_route_relative(r->pool, r->uri, loc->base);
    if (!path) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    found = svc_route_find(r->pool, app->routes, r->method, path, &req->match);
    if (found == SVC_ROUTE_NOT_FOUND) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NULL);
    }
    if (r->method_number == M_OPTIONS) {
        apr_table_setn(r->headers_out, "Allow",
                       svc_route_allow(r->pool, req->match.allowed));
        return svc_send_empty(req, HTTP_NO_CONTENT);
    }
    if (found == SVC_ROUTE_METHOD_NOT_ALLOWED) {
        apr_table_setn(r->headers_out, "Allow",
                       svc_route_allow(r->pool, req->match.allowed));
        return svc_send_problem(req, HTTP_METHOD_NOT_ALLOWED, NULL);
    }
    if (req->match.route->scope
        && svc_auth_require(req, apr_pstrcat(r->pool, app->scope_prefix ? app->scope_prefix : "",
                                             req->match.route->scope, NULL),
                            app->denied_status, NULL) != 0) {
        return OK; /* 401/403 sent */
    }
    return req->match.route->handler(req);
}

const char *svc_param(const svc_req_t *req, const char *name)
{
    return svc_route_param(&req->match, name);
}

const char *svc_arg(const svc_req_t *req, const char *name)
{
    const char *args = req->r->args;
    apr_size_t nlen = strlen(name);

    while (args && *args) {
        const char *end = strchr(args, '&');
        apr_size_t n = end ? (apr_size_t)(end - args) : strlen(args);
        char *pair = apr_pstrndup(req->r->pool, args, n);
        char *eq = strchr(pair, '=');
        char *key = pair, *val = "";

        if (eq) {
            *eq = '\0';
            val = eq + 1;
        }
        if (ap_unescape_urlencoded(key) == OK && strlen(key) == nlen
            && !strcmp(key, name)) {
            return ap_unescape_urlencoded(val) == OK ? val : NULL;
        }
        args = end ? end + 1 : NULL;
    }
    return NULL;
}

svc_db_t *svc_req_db(svc_req_t *req)
{
    if (!req->db) {
        req->db = svc_dbd_acquire(req->r, req->mod->stmts);
    }
    return req->db;
}

void svc_loc_init(svc_loc_t *loc, const char *dir)
{
    loc->base = dir ? dir : NULL;
    loc->max_body = -1;
}

void svc_loc_merge(svc_loc_t *out, const svc_loc_t *base, const svc_loc_t *add)
{
    out->base = add->base ? add->base : base->base;
    out->max_body = add->max_body > 0 ? add->max_body : base->max_body;
}

const char *svc_loc_set_base(cmd_parms *cmd, svc_loc_t *loc, const char *arg)
{
    if (arg[0] != '/') {
        return apr_pstrcat(cmd->pool, cmd->cmd->name,
                           ": the base path must start with '/'", NULL);
    }
    loc->base = arg;
    return NULL;
}

const char *svc_loc_set_max_body(cmd_parms *cmd, svc_loc_t *loc, const char *arg)
{
    char *end;
    apr_off_t n;

    if (apr_strtoff(&n, arg, &end, 10) != APR_SUCCESS || *end || n <= 0) {
        return apr_pstrcat(cmd->pool, cmd->cmd->name,
                           ": expected a positive number of bytes, got '", arg,
                           "'", NULL);
    }
    loc->max_body = n;
    return NULL;
}
