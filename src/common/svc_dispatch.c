#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "ap_expr.h"
#include "http_protocol.h"
#include "http_request.h"
#include "apr_strings.h"
#include "svc_auth.h"
#include "svc_dbd.h"
#include "svc_req.h"
#include "svc_send.h"

/* The path of the <Location> whose SetHandler names this module: the
 * longest plain (non-regex, non-wildcard) <Location> prefixing the URI whose
 * handler evaluates to ours. httpd does not tell modules which section set
 * the handler (core's merged config only keeps the last section's path,
 * which is a nested <Location> when ops add one, for authentication say). */
static const char *handler_location(request_rec *r, const char *handler)
{
    core_server_config *sconf = ap_get_core_module_config(r->server->module_config);
    ap_conf_vector_t **secs;
    const char *best = NULL, *err, *val;
    apr_size_t best_len = 0, len;
    int i;

    if (!sconf || !sconf->sec_url) {
        return NULL;
    }
    secs = (ap_conf_vector_t **)sconf->sec_url->elts;
    for (i = 0; i < sconf->sec_url->nelts; i++) {
        core_dir_config *cd = ap_get_core_module_config(secs[i]);

        if (!cd || !cd->expr_handler || !cd->d || cd->r || cd->d_is_fnmatch) {
            continue;
        }
        len = strlen(cd->d);
        if ((best && len <= best_len) || strncmp(r->uri, cd->d, len)
            || (len && cd->d[len - 1] != '/' && r->uri[len] != '/'
                && r->uri[len] != '\0')) {
            continue;
        }
        err = NULL;
        val = ap_expr_str_exec(r, cd->expr_handler, &err);
        if (!err && val && !strcasecmp(val, handler)) {
            best = cd->d;
            best_len = len;
        }
    }
    return best;
}

/* The route path: the URI minus the base (…Base directive, else the
 * <Location> that set the handler). When the handler came from elsewhere
 * (<LocationMatch>, <If>, mod_rewrite's H=), the shortest prefix of the URI
 * after which the rest is a route. */
static svc_route_result find_route(svc_req_t *req, const char *base,
                                   const char **path)
{
    request_rec *r = req->r;
    const char *p;
    svc_route_result found;

    if (!base) {
        base = handler_location(r, req->app->handler_name);
    }
    if (base) {
        apr_size_t n = strlen(base);

        while (n > 0 && base[n - 1] == '/') {
            n--;
        }
        req->base = apr_pstrndup(r->pool, base, n);
        *path = svc_route_relative(r->pool, r->uri, base);
        return *path ? svc_route_find(r->pool, req->app->routes, r->method,
                                      *path, &req->match)
                     : SVC_ROUTE_NOT_FOUND;
    }
    for (p = r->uri; p && *p == '/'; p = strchr(p + 1, '/')) {
        found = svc_route_find(r->pool, req->app->routes, r->method, p,
                               &req->match);
        if (found != SVC_ROUTE_NOT_FOUND) {
            *path = p;
            req->base = apr_pstrndup(r->pool, r->uri, p - r->uri);
            return found;
        }
    }
    *path = NULL;
    return SVC_ROUTE_NOT_FOUND;
}

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
    found = find_route(req, loc->base, &path);
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
    (void)dir; /* a section's path is no base: it may be a nested <Location> */
    loc->base = NULL;
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
