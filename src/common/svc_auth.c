#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "apr_lib.h"
#include "svc_auth.h"
#include "svc_cache.h"
#include "svc_curl.h"
#include "svc_hawk.h"
#include "svc_json.h"
#include "svc_log.h"
#include "svc_send.h"
#include "svc_token.h"

/* ---- configuration ------------------------------------------------------ */

svc_auth_cfg_t *svc_auth_cfg_create(apr_pool_t *pconf)
{
    svc_auth_cfg_t *cfg = apr_pcalloc(pconf, sizeof(*cfg));

    cfg->pool = pconf;
    cfg->clients = apr_hash_make(pconf);
    cfg->roles = svc_roles_make(pconf);
    cfg->tokens = svc_tokens_make(pconf);
    cfg->user_scopes = apr_hash_make(pconf);
    cfg->group_scopes = apr_hash_make(pconf);
    cfg->group_members = apr_hash_make(pconf);
    cfg->tc_timeout_ms = 5000;
    cfg->skew = SVC_HAWK_DEFAULT_SKEW;
    return cfg;
}

void svc_auth_default_role(svc_auth_cfg_t *cfg, const char *role,
                           const char *const *scopes, int n)
{
    /* refused when ops defined the role themselves: theirs wins */
    svc_roles_add(cfg->roles, role, scopes, n);
}

static svc_auth_cfg_t *cfg_of(cmd_parms *cmd)
{
    return ((svc_app_t *)cmd->info)->auth;
}

static const char *scopes_from_argv(cmd_parms *cmd, int argc,
                                    char *const argv[], apr_array_header_t **out)
{
    int i;

    *out = apr_array_make(cmd->pool, argc > 0 ? argc : 1, sizeof(const char *));
    for (i = 0; i < argc; i++) {
        if (!svc_scope_valid(argv[i])) {
            return apr_psprintf(cmd->pool, "%s: invalid scope '%s'",
                                cmd->cmd->name, argv[i]);
        }
        APR_ARRAY_PUSH(*out, const char *) = apr_pstrdup(cmd->pool, argv[i]);
    }
    return NULL;
}

static const char *need_args(cmd_parms *cmd, int argc, int min, const char *usage)
{
    return argc < min ? apr_psprintf(cmd->pool, "%s needs %s", cmd->cmd->name,
                                     usage) : NULL;
}

const char *svc_auth_cmd_client(cmd_parms *cmd, void *d, int argc, char *const argv[])
{
    svc_auth_client_t *c;
    const char *err = need_args(cmd, argc, 2, "a clientId and an accessToken");

    (void)d;
    if (err) {
        return err;
    }
    c = apr_pcalloc(cmd->pool, sizeof(*c));
    c->id = apr_pstrdup(cmd->pool, argv[0]);
    c->access_token = apr_pstrdup(cmd->pool, argv[1]);
    if ((err = scopes_from_argv(cmd, argc - 2, argv + 2, &c->scopes))) {
        return err;
    }
    if (apr_hash_get(cfg_of(cmd)->clients, c->id, APR_HASH_KEY_STRING)) {
        return apr_psprintf(cmd->pool, "%s: client '%s' defined twice",
                            cmd->cmd->name, c->id);
    }
    apr_hash_set(cfg_of(cmd)->clients, c->id, APR_HASH_KEY_STRING, c);
    return NULL;
}

const char *svc_auth_cmd_role(cmd_parms *cmd, void *d, int argc, char *const argv[])
{
    const char *err = need_args(cmd, argc, 1, "a role id");

    (void)d;
    if (err) {
        return err;
    }
    err = svc_roles_add(cfg_of(cmd)->roles, argv[0],
                        (const char *const *)argv + 1, argc - 1);
    return err ? apr_psprintf(cmd->pool, "%s %s: %s", cmd->cmd->name, argv[0],
                              err) : NULL;
}

/* "-" (never), epoch seconds, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
static const char *parse_expiry(apr_pool_t *p, const char *s, apr_int64_t *out)
{
    apr_time_exp_t tm = {0}, want;
    apr_time_t t;
    int n, len = 0;

    if (!strcmp(s, "-")) {
        *out = 0;
        return NULL;
    }
    if (strspn(s, "0123456789") == strlen(s)) {
        *out = apr_atoi64(s);
        return NULL;
    }
    n = sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &len);
    if (n == 3 && s[len] == 'T') {
        int more = 0;
        n += sscanf(s + len, "T%2d:%2d:%2dZ%n", &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec, &more);
        len += more;
    }
    if ((n != 3 && n != 6) || s[len] != '\0' || len == 0) {
        return apr_psprintf(p, "invalid expiry '%s' (use -, epoch seconds, "
                            "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", s);
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    want = tm;
    if (apr_time_exp_gmt_get(&t, &tm) != APR_SUCCESS
        || apr_time_exp_gmt(&tm, t) != APR_SUCCESS
        || tm.tm_year != want.tm_year || tm.tm_mon != want.tm_mon
        || tm.tm_mday != want.tm_mday || tm.tm_hour != want.tm_hour
        || tm.tm_min != want.tm_min || tm.tm_sec != want.tm_sec) {
        /* 2020-02-30 or 25:00 would otherwise roll over silently */
        return apr_psprintf(p, "invalid expiry '%s' (no such date or time)", s);
    }
    *out = apr_time_sec(t);
    return NULL;
}

const char *svc_auth_cmd_token(cmd_parms *cmd, void *d, int argc, char *const argv[])
{
    apr_array_header_t *scopes = NULL;
    apr_int64_t expires = 0;
    const char *err = need_args(cmd, argc, 3,
                                "the token's SHA-256 (hex), an identity and an expiry");

    (void)d;
    if (err || (err = parse_expiry(cmd->pool, argv[2], &expires))
        || (err = scopes_from_argv(cmd, argc - 3, argv + 3, &scopes))
        || (err = svc_tokens_add(cfg_of(cmd)->tokens, argv[0], argv[1], expires,
                                 scopes))) {
        return apr_psprintf(cmd->pool, "%s: %s (the hash is printf %%s "
                            "\"$TOKEN\" | sha256sum)", cmd->cmd->name, err);
    }
    return NULL;
}

static const char *scopes_for(cmd_parms *cmd, apr_hash_t *h, int argc,
                              char *const argv[], const char *what)
{
    apr_array_header_t *scopes, *old;
    const char *err = need_args(cmd, argc, 1, what);

    if (err || (err = scopes_from_argv(cmd, argc - 1, argv + 1, &scopes))) {
        return err;
    }
    old = apr_hash_get(h, argv[0], APR_HASH_KEY_STRING);
    if (old) {
        apr_array_cat(old, scopes); /* repeated lines add up */
    }
    else {
        apr_hash_set(h, apr_pstrdup(cmd->pool, argv[0]), APR_HASH_KEY_STRING,
                     scopes);
    }
    return NULL;
}

const char *svc_auth_cmd_user(cmd_parms *cmd, void *d, int argc, char *const argv[])
{
    (void)d;
    return scopes_for(cmd, cfg_of(cmd)->user_scopes, argc, argv, "a user name");
}

const char *svc_auth_cmd_group(cmd_parms *cmd, void *d, int argc, char *const argv[])
{
    (void)d;
    return scopes_for(cmd, cfg_of(cmd)->group_scopes, argc, argv, "a group name");
}

const char *svc_auth_cmd_members(cmd_parms *cmd, void *d, int argc, char *const argv[])
{
    const char *err = need_args(cmd, argc, 2, "a group and at least one user");
    int i;

    (void)d;
    if (err) {
        return err;
    }
    for (i = 1; i < argc; i++) {
        apr_hash_set(cfg_of(cmd)->group_members,
                     apr_pstrcat(cmd->pool, argv[0], "\n", argv[i], NULL),
                     APR_HASH_KEY_STRING, "");
    }
    return NULL;
}

const char *svc_auth_cmd_groups_var(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    cfg_of(cmd)->groups_var = arg;
    return NULL;
}

const char *svc_auth_cmd_tc_root(cmd_parms *cmd, void *d, const char *url, const char *ms)
{
    apr_size_t n = strlen(url);

    (void)d;
    if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not an http(s) URL",
                            cmd->cmd->name, url);
    }
    while (n > 0 && url[n - 1] == '/') {
        n--;
    }
    cfg_of(cmd)->tc_root_url = apr_pstrndup(cmd->pool, url, n);
    if (ms) {
        long v = atol(ms);
        if (v <= 0) {
            return apr_psprintf(cmd->pool, "%s: invalid timeout '%s' (milliseconds)",
                                cmd->cmd->name, ms);
        }
        cfg_of(cmd)->tc_timeout_ms = v;
    }
    return NULL;
}

const char *svc_auth_cmd_skew(cmd_parms *cmd, void *d, const char *arg)
{
    apr_int64_t v = apr_atoi64(arg);

    (void)d;
    if (v <= 0 || strspn(arg, "0123456789") != strlen(arg)) {
        return apr_psprintf(cmd->pool, "%s: expected seconds, got '%s'",
                            cmd->cmd->name, arg);
    }
    cfg_of(cmd)->skew = v;
    return NULL;
}

const char *svc_auth_cmd_db_clients(cmd_parms *cmd, void *d, int on)
{
    (void)d;
    cfg_of(cmd)->db_clients = on;
    return NULL;
}

const char *svc_auth_cmd_scope_prefix(cmd_parms *cmd, void *d, const char *arg)
{
    (void)d;
    ((svc_app_t *)cmd->info)->scope_prefix = arg;
    return NULL;
}

/* ---- run time ----------------------------------------------------------- */

static int fail(svc_req_t *req, int status, const char *detail)
{
    if (status == HTTP_UNAUTHORIZED) {
        apr_table_setn(req->r->err_headers_out, "WWW-Authenticate", "Hawk");
    }
    svc_send_problem(req, status, detail);
    return status;
}

static void set_identity(svc_req_t *req, const char *who,
                         const apr_array_header_t *scopes, const char *type)
{
    req->who = who;
    req->scopes = scopes;
    /* the access log's %u shows who wrote */
    req->r->user = apr_pstrdup(req->r->pool, who);
    req->r->ap_auth_type = (char *)type;
}

/* Host and port the client signed: Host header, then X-Forwarded-Port or
 * -Proto (a TLS-terminating proxy in front), then the port we listen on. */
static void signed_host_port(request_rec *r, const char **host, unsigned int *port)
{
    const char *h = apr_table_get(r->headers_in, "Host");
    const char *fport = apr_table_get(r->headers_in, "X-Forwarded-Port");
    const char *fproto = apr_table_get(r->headers_in, "X-Forwarded-Proto");
    const char *colon = NULL;

    if (!h) {
        h = r->hostname ? r->hostname : "";
    }
    if (h[0] == '[') {                 /* [::1]:8080 */
        const char *end = strchr(h, ']');
        colon = end && end[1] == ':' ? end + 1 : NULL;
    }
    else {
        colon = strrchr(h, ':');
    }
    if (colon && colon[1]) {
        *host = apr_pstrndup(r->pool, h, colon - h);
        *port = (unsigned int)atoi(colon + 1);
        return;
    }
    *host = h;
    if (fport && atoi(fport) > 0) {
        *port = (unsigned int)atoi(fport);
    }
    else if (fproto) {
        *port = strcasecmp(fproto, "https") ? 80 : 443;
    }
    else {
        *port = r->connection->local_addr->port;
    }
}

/* What the client signed as the resource: path and query as sent. An
 * absolute-form request target (a proxy talking to us) is cut to its path. */
static const char *signed_resource(request_rec *r)
{
    const char *u = r->unparsed_uri, *slash;

    if (u && u[0] != '/' && (slash = strstr(u, "://"))) {
        slash = strchr(slash + 3, '/');
        return slash ? slash : "/";
    }
    return u;
}

static apr_status_t lookup_client(void *baton, apr_pool_t *p, const char *id,
                                  const char **token,
                                  const apr_array_header_t **scopes)
{
    svc_req_t *req = baton;
    const svc_auth_cfg_t *cfg = req->app->auth;
    const svc_auth_client_t *c = apr_hash_get(cfg->clients, id,
                                              APR_HASH_KEY_STRING);
    svc_db_rows_t *rows;
    svc_db_t *db;
    json_t *list;
    const char *text, *err;
    apr_array_header_t *arr;
    size_t i;

    if (c) {
        *token = c->access_token;
        *scopes = c->scopes;
        return APR_SUCCESS;
    }
    if (!cfg->db_clients) {
        return APR_NOTFOUND;
    }
    db = svc_req_db(req);
    if (!db || svc_db_select(db, req->mod->hawk_client_label, SVC_DB_ARGS(id),
                             &rows) != SVC_DB_OK) {
        return APR_EGENERAL;
    }
    if (rows->nrows == 0) {
        return APR_NOTFOUND;
    }
    *token = svc_db_cell(rows, 0, 0);
    text = svc_db_cell(rows, 0, 1);
    list = svc_json_parse(p, text, text ? strlen(text) : 0, JSON_ARRAY, &err);
    arr = apr_array_make(p, 4, sizeof(const char *));
    for (i = 0; list && i < json_array_size(list); i++) {
        const char *s = json_string_value(json_array_get(list, i));
        if (s) {
            APR_ARRAY_PUSH(arr, const char *) = apr_pstrdup(p, s);
        }
    }
    *scopes = arr;
    return *token ? APR_SUCCESS : APR_NOTFOUND;
}

static int hawk_local(svc_req_t *req, const char *header)
{
    request_rec *r = req->r;
    const svc_auth_cfg_t *cfg = req->app->auth;
    svc_hawk_config_t hc = {0};
    svc_hawk_request_t hr = {0};
    svc_hawk_result_t *res = apr_pcalloc(r->pool, sizeof(*res));
    apr_status_t rv;

    hc.lookup = lookup_client;
    hc.baton = req;
    hc.roles = cfg->roles;
    hc.skew = cfg->skew;
    hr.authorization = header;
    hr.method = r->method;
    hr.resource = signed_resource(r);
    signed_host_port(r, &hr.host, &hr.port);
    hr.now = apr_time_sec(apr_time_now());
    if (svc_hawk_verify(r->pool, &hc, &hr, res) != SVC_HAWK_OK) {
        if (res->status == SVC_HAWK_ERROR) {
            return fail(req, HTTP_SERVICE_UNAVAILABLE,
                        "Credentials could not be checked (database unavailable)");
        }
        svc_log_r(r, SVC_LOG_INFO, 0, 50, "Hawk authentication failed for "
                  "'%s': %s", res->attrs.id ? res->attrs.id : "",
                  res->reason ? res->reason : svc_hawk_status_name(res->status));
        return fail(req, HTTP_UNAUTHORIZED,
                    apr_pstrcat(r->pool, "Hawk authentication failed: ",
                                res->reason ? res->reason
                                : svc_hawk_status_name(res->status), NULL));
    }
    rv = svc_cache_add(req->app->nonces, r->server,
                       apr_pstrcat(r->pool, "hawk:",
                                   svc_hawk_replay_key(r->pool, res->attrs.id,
                                                       res->attrs.ts,
                                                       res->attrs.nonce), NULL),
                       "1", 1, apr_time_now() + apr_time_from_sec(2 * cfg->skew + 1),
                       r->pool);
    if (rv == APR_EEXIST) {
        return fail(req, HTTP_UNAUTHORIZED,
                    "Hawk authentication failed: replayed request (nonce "
                    "already used)");
    }
    req->hawk = res;
    set_identity(req, res->client_id, res->scopes, "Hawk");
    return 0;
}

static int hawk_delegated(svc_req_t *req, const char *header)
{
    request_rec *r = req->r;
    const svc_auth_cfg_t *cfg = req->app->auth;
    svc_curl_response_t resp;
    const char *host, *err, *status, *client;
    unsigned int port;
    json_t *q, *a, *scopes;
    apr_array_header_t *held;
    svc_hawk_result_t *res = apr_pcalloc(r->pool, sizeof(*res));
    const char *why = NULL;
    char *m;
    size_t i;

    /* malformed headers are the client's fault (401) without asking
     * Taskcluster; the attributes also give the payload hash to check
     * once the body is read, which the auth service cannot do */
    if (svc_hawk_parse(r->pool, header, &res->attrs, &why) != SVC_HAWK_OK
        || !res->attrs.id || !res->attrs.ts || !res->attrs.nonce
        || !res->attrs.mac) {
        return fail(req, HTTP_UNAUTHORIZED,
                    apr_pstrcat(r->pool, "Hawk authentication failed: ",
                                why ? why : "Invalid header syntax", NULL));
    }
    signed_host_port(r, &host, &port);
    q = svc_json_own(r->pool, json_pack("{s:s, s:s, s:s, s:i, s:s}",
                                        "method", apr_pstrdup(r->pool, r->method),
                                        "resource", signed_resource(r),
                                        "host", host, "port", (int)port,
                                        "authorization", header));
    if (!q) {
        /* json_pack refuses bytes that are not UTF-8: the request's */
        return fail(req, HTTP_UNAUTHORIZED,
                    "Hawk authentication failed: the request's host or path "
                    "is not valid UTF-8");
    }
    for (m = (char *)json_string_value(json_object_get(q, "method")); *m; m++) {
        *m = apr_tolower(*m);
    }
    if (!req->app->curl
        || svc_curl_post_json(req->app->curl, r->pool,
                              apr_pstrcat(r->pool, cfg->tc_root_url,
                                          "/api/auth/v1/authenticate-hawk", NULL),
                              svc_json_dump(r->pool, q, NULL), cfg->tc_timeout_ms,
                              65536, &resp) != 0
        || resp.status != 200) {
        svc_log_r(r, SVC_LOG_ERR, 0, 51, "Taskcluster authenticate-hawk at %s "
                  "failed: %s", cfg->tc_root_url,
                  !req->app->curl ? "no curl handle" : resp.error ? resp.error
                  : apr_psprintf(r->pool, "HTTP %ld", resp.status));
        return fail(req, HTTP_SERVICE_UNAVAILABLE,
                    "The authentication service is unavailable");
    }
    a = svc_json_parse(r->pool, resp.body, resp.len, JSON_OBJECT, &err);
    status = a ? svc_json_str(a, "status") : NULL;
    client = a ? svc_json_str(a, "clientId") : NULL;
    scopes = a ? json_object_get(a, "scopes") : NULL;
    if (!status || strcmp(status, "auth-success") || !client
        || !json_is_array(scopes)) {
        const char *msg = a ? svc_json_str(a, "message") : NULL;
        return fail(req, HTTP_UNAUTHORIZED,
                    apr_pstrcat(r->pool, "Hawk authentication failed: ",
                                msg ? msg : "rejected by Taskcluster", NULL));
    }
    held = apr_array_make(r->pool, (int)json_array_size(scopes) + 1,
                          sizeof(const char *));
    for (i = 0; i < json_array_size(scopes); i++) {
        const char *s = json_string_value(json_array_get(scopes, i));
        if (s) {
            APR_ARRAY_PUSH(held, const char *) = s;
        }
    }
    res->client_id = apr_pstrdup(r->pool, client);
    res->scopes = svc_scopes_expand(r->pool, cfg->roles, held);
    req->hawk = res;
    set_identity(req, res->client_id, res->scopes, "Hawk");
    return 0;
}

static void httpd_user(svc_req_t *req);

/* Our Bearer tokens; a token we do not know may be another module's (e.g.
 * mod_auth_openidc's OAuth 2.0 mode set r->user from it): then r->user. */
static int bearer(svc_req_t *req, const char *token)
{
    const svc_auth_cfg_t *cfg = req->app->auth;
    const svc_token_t *found;
    const char *reason;

    while (*token == ' ' || *token == '\t') {
        token++;
    }
    if (svc_tokens_verify(cfg->tokens, token, apr_time_sec(apr_time_now()),
                          &found, &reason) != SVC_TOKEN_OK) {
        if (req->r->user) {
            httpd_user(req);
            return 0;
        }
        return fail(req, HTTP_UNAUTHORIZED, reason);
    }
    set_identity(req, found->identity,
                 svc_scopes_expand(req->r->pool, cfg->roles, found->scopes),
                 "Bearer");
    return 0;
}

static void add_scopes(apr_array_header_t *to, const apr_array_header_t *from)
{
    if (from) {
        apr_array_cat(to, from);
    }
}

/* r->user from another module: per-user and per-group scopes. */
static void httpd_user(svc_req_t *req)
{
    request_rec *r = req->r;
    const svc_auth_cfg_t *cfg = req->app->auth;
    apr_array_header_t *held = apr_array_make(r->pool, 8, sizeof(const char *));
    apr_hash_index_t *hi;
    const char *groups = cfg->groups_var
        ? apr_table_get(r->subprocess_env, cfg->groups_var) : NULL;

    add_scopes(held, apr_hash_get(cfg->user_scopes, r->user, APR_HASH_KEY_STRING));
    for (hi = apr_hash_first(r->pool, cfg->group_scopes); hi; hi = apr_hash_next(hi)) {
        const void *key;
        void *val;
        int member;

        apr_hash_this(hi, &key, NULL, &val);
        member = apr_hash_get(cfg->group_members,
                              apr_pstrcat(r->pool, key, "\n", r->user, NULL),
                              APR_HASH_KEY_STRING) != NULL;
        if (!member && groups) {
            char *list = apr_pstrdup(r->pool, groups), *state, *g;
            for (g = apr_strtok(list, ", ", &state); g && !member;
                 g = apr_strtok(NULL, ", ", &state)) {
                member = !strcmp(g, key);
            }
        }
        if (member) {
            add_scopes(held, val);
        }
    }
    req->who = r->user;
    req->scopes = svc_scopes_expand(r->pool, cfg->roles, held);
}

/* "Hawk", "Hawk id=..." (any case); not "Hawkish ...". */
static int scheme_is(const char *header, const char *scheme)
{
    apr_size_t n = strlen(scheme);

    return !strncasecmp(header, scheme, n)
        && (header[n] == '\0' || header[n] == ' ' || header[n] == '\t');
}

int svc_auth_identify(svc_req_t *req)
{
    request_rec *r = req->r;
    const char *h;

    if (req->auth_done) {
        return 0;
    }
    req->auth_done = 1;
    h = apr_table_get(r->headers_in, "Authorization");
    if (!h) {
        h = apr_table_get(r->headers_in, "Authentication");
    }
    if (h && scheme_is(h, "Hawk")) {
        return req->app->auth->tc_root_url ? hawk_delegated(req, h)
                                           : hawk_local(req, h);
    }
    if (h && scheme_is(h, "Bearer")) {
        return bearer(req, h + 6);
    }
    if (r->user) {
        httpd_user(req);
    }
    return 0;
}

int svc_auth_has(svc_req_t *req, const char *scope)
{
    if (svc_auth_identify(req) != 0 || !req->who) {
        return 0;
    }
    return svc_scopes_match_any(req->scopes, scope);
}

int svc_auth_require(svc_req_t *req, const char *scope, int denied_status,
                     const char *detail)
{
    int rc = svc_auth_identify(req);

    if (rc != 0) {
        return rc;
    }
    if (!req->who) {
        return fail(req, HTTP_UNAUTHORIZED,
                    detail ? detail : denied_status == HTTP_UNAUTHORIZED
                    ? "Invalid user permissions" : "Authentication required");
    }
    if (!svc_scopes_match_any(req->scopes, scope)) {
        svc_log_r(req->r, SVC_LOG_INFO, 0, 52, "%s lacks scope %s", req->who,
                  scope);
        return fail(req, denied_status,
                    detail ? detail : denied_status == HTTP_UNAUTHORIZED
                    ? "Invalid user permissions"
                    : apr_pstrcat(req->r->pool, "Missing scope: ", scope, NULL));
    }
    return 0;
}

int svc_auth_check_payload(svc_req_t *req, const char *body, apr_size_t len)
{
    const svc_hawk_result_t *res = req->hawk;

    if (!res || !res->attrs.hash) {
        return 0;
    }
    if (svc_hawk_check_payload(res, apr_table_get(req->r->headers_in,
                                                  "Content-Type"),
                               body, len) != SVC_HAWK_OK) {
        return fail(req, HTTP_UNAUTHORIZED,
                    "Hawk authentication failed: the payload hash does not "
                    "match the body");
    }
    return 0;
}
