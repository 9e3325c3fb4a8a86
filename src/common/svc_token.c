/* Bearer tokens stored as SHA-256: see svc_token.h. */
#include <string.h>
#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "svc_token.h"
#include "svc_hex.h"
#include "svc_sha256.h"

/* An entry plus its raw digest, which is what gets compared. */
typedef struct {
    svc_token_t pub;
    unsigned char md[32];
} token_entry_t;

struct svc_tokens_t {
    apr_pool_t *pool;
    apr_array_header_t *entries;  /* token_entry_t */
};

static void digest(const char *token, unsigned char md[32])
{
    unsigned int n = 32;

    EVP_Digest(token, strlen(token), md, &n, svc_sha256(), NULL);
}

const char *svc_token_hash(apr_pool_t *p, const char *token)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[32];
    char *out = apr_palloc(p, SVC_TOKEN_HASH_LEN + 1);
    int i;

    digest(token, md);
    for (i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[SVC_TOKEN_HASH_LEN] = '\0';
    return out;
}

const char *svc_token_parse_expiry(apr_pool_t *p, const char *text,
                                   apr_int64_t *expires)
{
    const char *c;

    if (!text || !*text) {
        return "an expiry is '-' (never) or epoch seconds";
    }
    if (strcmp(text, "-") == 0) {
        *expires = 0;
        return NULL;
    }
    for (c = text; *c >= '0' && *c <= '9'; c++) {
    }
    if (*c || c - text > 15) {
        return apr_psprintf(p, "expiry '%s' is not '-' (never) or epoch "
                            "seconds", text);
    }
    *expires = apr_atoi64(text);
    return NULL;
}

svc_tokens_t *svc_tokens_make(apr_pool_t *p)
{
    svc_tokens_t *t = apr_pcalloc(p, sizeof(*t));

    t->pool = p;
    t->entries = apr_array_make(p, 4, sizeof(token_entry_t));
    return t;
}

int svc_tokens_count(const svc_tokens_t *tokens)
{
    return tokens ? tokens->entries->nelts : 0;
}

const char *svc_tokens_add(svc_tokens_t *tokens, const char *sha256_hex,
                           const char *identity, apr_int64_t expires,
                           const apr_array_header_t *scopes)
{
    apr_pool_t *p = tokens->pool;
    unsigned char md[32];
    char *lower;
    token_entry_t *e;
    int i;

    if (!sha256_hex || strlen(sha256_hex) != SVC_TOKEN_HASH_LEN) {
        return apr_psprintf(p, "'%s' is not a SHA-256 in hex (64 digits: "
                            "printf %%s \"$TOKEN\" | sha256sum)",
                            sha256_hex ? sha256_hex : "");
    }
    lower = apr_pstrdup(p, sha256_hex);
    for (i = 0; i < 32; i++) {
        int hi = svc_hexval(sha256_hex[2 * i]), lo = svc_hexval(sha256_hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return apr_psprintf(p, "'%s' is not a SHA-256 in hex (64 digits: "
                                "printf %%s \"$TOKEN\" | sha256sum)",
                                sha256_hex);
        }
        md[i] = (unsigned char)(hi << 4 | lo);
        lower[2 * i] = "0123456789abcdef"[hi];
        lower[2 * i + 1] = "0123456789abcdef"[lo];
    }
    if (!identity || !*identity) {
        return "a token needs an identity";
    }
    if (expires < 0) {
        return "a token's expiry cannot be negative";
    }
    for (i = 0; i < tokens->entries->nelts; i++) {
        if (memcmp(APR_ARRAY_IDX(tokens->entries, i, token_entry_t).md, md,
                   32) == 0) {
            return apr_psprintf(p, "token %.8s... is configured twice",
                                lower);
        }
    }
    e = apr_array_push(tokens->entries);
    memcpy(e->md, md, 32);
    e->pub.sha256_hex = lower;
    e->pub.identity = apr_pstrdup(p, identity);
    e->pub.expires = expires;
    e->pub.scopes = scopes ? apr_array_copy(p, scopes)
                           : apr_array_make(p, 1, sizeof(const char *));
    return NULL;
}

svc_token_status_e svc_tokens_verify(const svc_tokens_t *tokens,
                                     const char *token, apr_int64_t now,
                                     const svc_token_t **found,
                                     const char **reason)
{
    const token_entry_t *match = NULL;
    const unsigned char *c;
    unsigned char md[32];
    int i;

    *found = NULL;
    if (!token || !*token) {
        *reason = "Bearer token is empty";
        return SVC_TOKEN_MALFORMED;
    }
    for (c = (const unsigned char *)token; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            *reason = "Bearer token contains control characters";
            return SVC_TOKEN_MALFORMED;
        }
    }
    digest(token, md);
    /* no early exit: every entry costs the same compare */
    for (i = 0; tokens && i < tokens->entries->nelts; i++) {
        const token_entry_t *e = &APR_ARRAY_IDX(tokens->entries, i,
                                                token_entry_t);

        if (CRYPTO_memcmp(e->md, md, 32) == 0) {
            match = e;
        }
    }
    if (!match) {
        *reason = "Bearer token is not valid";
        return SVC_TOKEN_UNKNOWN;
    }
    if (match->pub.expires && match->pub.expires <= now) {
        *reason = "Bearer token has expired";
        return SVC_TOKEN_EXPIRED;
    }
    *found = &match->pub;
    *reason = NULL;
    return SVC_TOKEN_OK;
}
