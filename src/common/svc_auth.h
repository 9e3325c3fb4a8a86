/* [ap] Who is calling, and with which Taskcluster scopes, for both modules.
 *
 * Sources, first match wins:
 *  1. `Authorization: Hawk ...` (or the `Authentication` header upstream
 *     also read): verified locally against configured clients (directive or
 *     the svc_hawk_clients table), or, when a Taskcluster root URL is set,
 *     delegated to its auth/v1/authenticate-hawk endpoint. The MAC covers
 *     the path AND the query; host and port come from Host, then
 *     X-Forwarded-Port/-Proto, then the local port. Nonces are remembered in
 *     the shared cache for the skew window: a replay is refused.
 *  2. `Authorization: Bearer <token>`: tokens configured by their SHA-256.
 *  3. r->user set by another httpd module (mod_auth_basic, mod_auth_openidc,
 *     mod_authnz_ldap, ...): scopes from per-user and per-group directives.
 *  Otherwise the request is anonymous. Scopes are expanded with the
 *  configured roles (`assume:<role>`), as Taskcluster does.
 *
 * Bad credentials are a 401 whose detail names the reason; an authenticated
 * identity is put in r->user so the access log's %u shows it. */
#ifndef SVC_AUTH_H
#define SVC_AUTH_H

#include "svc_req.h"
#include "svc_scopes.h"
#include "svc_auth_sql.h"

typedef struct svc_auth_cfg_t {
    apr_pool_t *pool;
    apr_hash_t *clients;           /* clientId -> svc_auth_client_t */
    svc_roles_t *roles;
    struct svc_tokens_t *tokens;   /* Bearer tokens by hash (svc_token.h) */
    apr_hash_t *user_scopes;       /* user -> apr_array_header_t of scopes */
    apr_hash_t *group_scopes;      /* group -> apr_array_header_t of scopes */
    apr_hash_t *group_members;     /* "group\nuser" -> "" */
    const char *groups_var;        /* env var listing r->user's groups */
    const char *tc_root_url;       /* delegate Hawk to Taskcluster when set */
    long tc_timeout_ms;
    apr_int64_t skew;              /* seconds */
    int db_clients;                /* also look clients up in svc_hawk_clients */
} svc_auth_cfg_t;

typedef struct {
    const char *id;
    const char *access_token;
    apr_array_header_t *scopes;
} svc_auth_client_t;

/* pre_config: a fresh, empty configuration for this generation. */
svc_auth_cfg_t *svc_auth_cfg_create(apr_pool_t *pconf);

/* post_config: adds a built-in role unless the configuration defines it. */
void svc_auth_default_role(svc_auth_cfg_t *cfg, const char *role,
                           const char *const *scopes, int n);

/* Identifies the caller once per request. 0: done (req->who may be NULL =
 * anonymous); otherwise a 401/503 problem was sent and its status returned. */
int svc_auth_identify(svc_req_t *req);

/* Does the caller hold `scope`? (identifies first; anonymous holds none) */
int svc_auth_has(svc_req_t *req, const char *scope);

/* 0 when the caller holds `scope`. Else sends 401 (anonymous or bad
 * credentials; WWW-Authenticate: Hawk) or `denied_status` (authenticated
 * without the scope) with `detail` (NULL = a default naming the scope) and
 * returns that status. */
int svc_auth_require(svc_req_t *req, const char *scope, int denied_status,
                     const char *detail);

/* After the body is read: the Hawk payload hash, when the header had one.
 * 0, or 401 sent. */
int svc_auth_check_payload(svc_req_t *req, const char *body, apr_size_t len);

/* Directive handlers; cmd->info points at the module's svc_app_t. */
const char *svc_auth_cmd_client(cmd_parms *cmd, void *d, int argc, char *const argv[]);
const char *svc_auth_cmd_role(cmd_parms *cmd, void *d, int argc, char *const argv[]);
const char *svc_auth_cmd_token(cmd_parms *cmd, void *d, int argc, char *const argv[]);
const char *svc_auth_cmd_user(cmd_parms *cmd, void *d, int argc, char *const argv[]);
const char *svc_auth_cmd_group(cmd_parms *cmd, void *d, int argc, char *const argv[]);
const char *svc_auth_cmd_members(cmd_parms *cmd, void *d, int argc, char *const argv[]);
const char *svc_auth_cmd_groups_var(cmd_parms *cmd, void *d, const char *arg);
const char *svc_auth_cmd_tc_root(cmd_parms *cmd, void *d, const char *url, const char *ms);
const char *svc_auth_cmd_skew(cmd_parms *cmd, void *d, const char *arg);
const char *svc_auth_cmd_db_clients(cmd_parms *cmd, void *d, int on);
const char *svc_auth_cmd_scope_prefix(cmd_parms *cmd, void *d, const char *arg);

/* The directive table entries for a module whose directives start with P
 * (a string literal such as "Treestatus"); `app` is its svc_app_t. */
#define SVC_AUTH_DIRECTIVES(P, app) \
    AP_INIT_TAKE_ARGV(P "HawkClient", svc_auth_cmd_client, &app, RSRC_CONF, \
        "clientId accessToken [scope ...]: a Hawk client verified locally"), \
    AP_INIT_TAKE_ARGV(P "Role", svc_auth_cmd_role, &app, RSRC_CONF, \
        "roleId scope ...: scopes granted by assume:<roleId> (roleId may end in *)"), \
    AP_INIT_TAKE_ARGV(P "Token", svc_auth_cmd_token, &app, RSRC_CONF, \
        "sha256-hex identity expiry scope ...: a Bearer token (expiry: '-' or " \
        "YYYY-MM-DD[THH:MM:SSZ] or epoch seconds)"), \
    AP_INIT_TAKE_ARGV(P "UserScopes", svc_auth_cmd_user, &app, RSRC_CONF, \
        "user scope ...: scopes for a user authenticated by httpd (r->user)"), \
    AP_INIT_TAKE_ARGV(P "GroupScopes", svc_auth_cmd_group, &app, RSRC_CONF, \
        "group scope ...: scopes for the members of a group"), \
    AP_INIT_TAKE_ARGV(P "GroupMembers", svc_auth_cmd_members, &app, RSRC_CONF, \
        "group user ...: static group membership"), \
    AP_INIT_TAKE1(P "GroupsVariable", svc_auth_cmd_groups_var, &app, RSRC_CONF, \
        "environment variable listing the user's groups (comma or space " \
        "separated), e.g. OIDC_CLAIM_groups"), \
    AP_INIT_TAKE12(P "TaskclusterRootUrl", svc_auth_cmd_tc_root, &app, RSRC_CONF, \
        "url [timeout-ms]: delegate Hawk to <url>/api/auth/v1/authenticate-hawk"), \
    AP_INIT_TAKE1(P "HawkSkew", svc_auth_cmd_skew, &app, RSRC_CONF, \
        "seconds of clock skew accepted (default 900)"), \
    AP_INIT_FLAG(P "HawkClientsTable", svc_auth_cmd_db_clients, &app, RSRC_CONF, \
        "On: also look Hawk clients up in the svc_hawk_clients table"), \
    AP_INIT_TAKE1(P "ScopePrefix", svc_auth_cmd_scope_prefix, &app, RSRC_CONF, \
        "prefix of the scopes the API requires")

#endif
