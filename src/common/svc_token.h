/* Bearer tokens configured by their hash: the token itself is never stored.
 *
 * Stored form: the lowercase hex SHA-256 of the token's bytes, exactly what
 *
 *     printf %s "$TOKEN" | sha256sum
 *
 * prints (mind `printf %s`: `echo` would hash a trailing newline). No salt
 * or key stretching: these are random secrets, not passwords, so a salt adds
 * nothing while a plain hash keeps the one-line recipe above. Generate
 * tokens with at least 128 bits of entropy, e.g. `openssl rand -base64 32`.
 *
 * Pure: APR and libcrypto only.
 */
#ifndef SVC_TOKEN_H
#define SVC_TOKEN_H

#include <apr_pools.h>
#include <apr_tables.h>

#define SVC_TOKEN_HASH_LEN 64   /* hex digits */

typedef struct {
    const char *sha256_hex;           /* lowercase */
    const char *identity;
    apr_int64_t expires;              /* epoch seconds; 0 = never */
    const apr_array_header_t *scopes; /* const char *, as configured */
} svc_token_t;

typedef enum {
    SVC_TOKEN_OK = 0,
    SVC_TOKEN_MALFORMED,  /* empty, or control characters */
    SVC_TOKEN_UNKNOWN,
    SVC_TOKEN_EXPIRED
} svc_token_status_e;

typedef struct svc_tokens_t svc_tokens_t;

/* The stored form of a token (see above), allocated from p. */
const char *svc_token_hash(apr_pool_t *p, const char *token);

/* "-" or "0": never; else epoch seconds. Returns NULL or an error text. */
const char *svc_token_parse_expiry(apr_pool_t *p, const char *text,
                                   apr_int64_t *expires);

svc_tokens_t *svc_tokens_make(apr_pool_t *p);

/* Add a token by its hash (64 hex digits, any case). Copies into the pool
 * given to svc_tokens_make. Returns NULL, or an error text for a bad hash,
 * an empty identity or a hash configured twice. */
const char *svc_tokens_add(svc_tokens_t *tokens, const char *sha256_hex,
                           const char *identity, apr_int64_t expires,
                           const apr_array_header_t *scopes);

int svc_tokens_count(const svc_tokens_t *tokens);

/* Look a presented token up. Every entry is compared, in constant time, so
 * the time taken does not depend on which entry (if any) matches. On
 * SVC_TOKEN_OK *found is the entry; otherwise *reason says why (for the
 * 401 detail). `now` is epoch seconds; a token expires at `expires`. */
svc_token_status_e svc_tokens_verify(const svc_tokens_t *tokens,
                                     const char *token, apr_int64_t now,
                                     const svc_token_t **found,
                                     const char **reason);

#endif
