/* Hawk request authentication (version 1, HMAC-SHA256), verified locally,
 * with Taskcluster's extensions. Pure: APR, jansson and libcrypto only.
 *
 * What it reproduces:
 *  - the npm `hawk` v9 server (lib/server.js authenticate): header parsing
 *    (same attribute names and characters, duplicates and unknown
 *    attributes refused, id/ts/nonce/mac required), the normalized string,
 *    the MAC compared in constant time, the optional payload hash, and the
 *    timestamp skew check, in that order;
 *  - the Taskcluster auth service (services/auth/src/signaturevalidator.js):
 *    `ext` is base64 JSON that may carry temporary credentials
 *    (`certificate`, named or not) and `authorizedScopes`; the default skew
 *    is its 15 minutes.
 * Deliberately stricter than hawk: `ts` must be decimal digits (hawk lets a
 * non-numeric ts pass its staleness check).
 *
 * Not here: replay detection (the caller keeps svc_hawk_replay_key() values
 * for the skew window in shared memory), and bewits.
 */
#ifndef SVC_HAWK_H
#define SVC_HAWK_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>
#include "svc_scopes.h"

#define SVC_HAWK_DEFAULT_SKEW 900  /* seconds, as Taskcluster */
#define SVC_HAWK_MAX_HEADER 4096   /* as hawk's limits.maxMatchLength */

typedef enum {
    SVC_HAWK_OK = 0,
    SVC_HAWK_NOT_HAWK,        /* no header or another scheme: not ours */
    SVC_HAWK_MALFORMED,       /* header syntax, attributes, missing ones */
    SVC_HAWK_UNKNOWN_CLIENT,  /* the id (or certificate issuer) is unknown */
    SVC_HAWK_BAD_EXT,         /* ext is not base64 JSON of the known shape */
    SVC_HAWK_BAD_CERT,        /* certificate malformed or badly signed */
    SVC_HAWK_CERT_TIME,       /* certificate not yet valid or expired */
    SVC_HAWK_SCOPES,          /* certificate/authorizedScopes exceed the
                                 issuer's scopes, or no auth:create-client */
    SVC_HAWK_BAD_MAC,
    SVC_HAWK_MISSING_HASH,    /* the caller required a payload hash */
    SVC_HAWK_BAD_HASH,
    SVC_HAWK_STALE,           /* ts outside now +/- skew */
    SVC_HAWK_ERROR            /* the credentials lookup failed */
} svc_hawk_status_e;

/* A short stable name for logs ("bad-mac", "stale-timestamp", ...). */
const char *svc_hawk_status_name(svc_hawk_status_e status);

/* The header attributes, as sent (NULL when absent). */
typedef struct {
    const char *id, *ts, *nonce, *hash, *ext, *mac, *app, *dlg;
} svc_hawk_attrs_t;

/* Parse an Authorization header value. SVC_HAWK_NOT_HAWK when the header
 * is NULL or names another scheme; SVC_HAWK_MALFORMED (with *reason) on
 * syntax errors. Required attributes are NOT checked here. */
svc_hawk_status_e svc_hawk_parse(apr_pool_t *p, const char *header,
                                 svc_hawk_attrs_t *attrs,
                                 const char **reason);

/* Credentials lookup supplied by the caller. Returns APR_SUCCESS and sets
 * the access token and the client's scopes (unexpanded is fine: they are
 * expanded with the configured roles), APR_NOTFOUND for an unknown client,
 * anything else for a failure. */
typedef apr_status_t (*svc_hawk_lookup_fn)(void *baton, apr_pool_t *p,
                                           const char *client_id,
                                           const char **access_token,
                                           const apr_array_header_t **scopes);

typedef struct {
    svc_hawk_lookup_fn lookup;
    void *baton;
    const svc_roles_t *roles;  /* role expansion; may be NULL */
    /* Taskcluster grants every client `assume:anonymous` (before checking
     * authorizedScopes and in the result); set to do the same. */
    int grant_anonymous;
    apr_int64_t skew;          /* seconds; <= 0: SVC_HAWK_DEFAULT_SKEW */
} svc_hawk_config_t;

typedef struct {
    const char *authorization; /* the header value */
    const char *method;        /* any case; uppercased for the MAC */
    const char *resource;      /* path AND query, as on the request line
                                  (an absolute URI: its path and query,
                                  as hawk reads it) */
    const char *host;          /* Host header's host part, any case */
    unsigned int port;         /* Host header's port, else the scheme's */
    /* Payload: when body is non-NULL and the header has `hash`, the hash
     * is verified over content_type (parameters dropped) and the body.
     * require_hash makes a missing `hash` an error, as hawk's
     * `options.payload` does. Otherwise the hash is only covered by the
     * MAC (Taskcluster's behaviour); see svc_hawk_check_payload(). */
    const char *content_type;
    const char *body;
    apr_size_t body_len;
    int require_hash;
    apr_int64_t now;           /* seconds since the epoch */
} svc_hawk_request_t;

typedef struct {
    svc_hawk_status_e status;
    const char *reason;        /* human-readable cause; NULL when OK */
    svc_hawk_attrs_t attrs;    /* what the header said */
    apr_int64_t ts;
    const char *client_id;     /* who the request is from (the id) */
    const char *issuer;        /* for temporary credentials, else NULL */
    const json_t *ext;         /* parsed ext (pool-owned) or NULL */
    apr_int64_t expires_ms;    /* certificate expiry, 0 when none */
    /* Effective scopes: the client's, or the certificate's, or the
     * authorizedScopes, expanded with the roles and normalized. */
    const apr_array_header_t *scopes;
} svc_hawk_result_t;

/* Authenticate a request. Fills *res (always) and returns res->status. */
svc_hawk_status_e svc_hawk_verify(apr_pool_t *p, const svc_hawk_config_t *cfg,
                                  const svc_hawk_request_t *req,
                                  svc_hawk_result_t *res);

/* Verify the payload hash of an authenticated request after the fact (when
 * the body is read later): OK, SVC_HAWK_MISSING_HASH or SVC_HAWK_BAD_HASH. */
svc_hawk_status_e svc_hawk_check_payload(const svc_hawk_result_t *res,
                                         const char *content_type,
                                         const char *body, apr_size_t len);

/* Fixed-size (64 hex digits) key identifying (id, ts, nonce), to remember
 * for 2 * skew seconds and refuse when seen again. */
const char *svc_hawk_replay_key(apr_pool_t *p, const char *id,
                                const char *ts, const char *nonce);

/* Building blocks, exposed for tests and for signing responses. */
const char *svc_hawk_normalized(apr_pool_t *p, const char *type,
                                const svc_hawk_attrs_t *attrs,
                                const char *method, const char *resource,
                                const char *host, unsigned int port);
const char *svc_hawk_mac(apr_pool_t *p, const char *key,
                         const char *normalized);
const char *svc_hawk_payload_hash(apr_pool_t *p, const char *content_type,
                                  const char *body, apr_size_t len);

#endif
