/* Signed, expiring URLs of the local storage backend.
 *
 * The module itself serves `<base>/__storage__/<region>/sha512/<digest>`
 * (tt_api_storage.c); a URL is only honoured with
 *   ?Expires=<epoch seconds>&Signature=<hex HMAC-SHA256(secret, S)>
 * where S is exactly
 *   METHOD "\n" region "\n" key "\n" expires
 * e.g. "PUT\nus-east-1\nsha512/<digest>\n1767225600". The method is part of
 * S so a download URL cannot be replayed as an upload, the region and key so
 * a URL names one object, the expiry so it cannot be extended. A URL is valid
 * while now < expires (the same instant its pending upload expires, see
 * spec §3.3). Pure (APR + OpenSSL): unit-tested. */
#ifndef TT_SIGN_H
#define TT_SIGN_H

#include <apr_pools.h>

#define TT_SIGN_HEX_LEN 64             /* hex SHA-256 HMAC, without the NUL */
#define TT_SIGN_MIN_SECRET 16          /* bytes: shorter secrets are refused */

typedef struct {
    const unsigned char *bytes;
    apr_size_t len;
} tt_secret_t;

typedef enum {
    TT_SIGN_OK,
    TT_SIGN_EXPIRED,                   /* authentic but too late */
    TT_SIGN_BAD                        /* missing, malformed or forged */
} tt_sign_result;

/* The string that is signed (documented above), from p. */
const char *tt_sign_string(apr_pool_t *p, const char *method,
                           const char *region, const char *key,
                           apr_int64_t expires);

/* hex(HMAC-SHA256(secret, tt_sign_string(...))) into out (65 bytes).
 * No allocation: it is on the download hot path. */
void tt_sign_hex(const tt_secret_t *secret, const char *method,
                 const char *region, const char *key, apr_int64_t expires,
                 char *out);

/* Checks the query arguments of a request (either may be NULL) at time
 * `now` (epoch seconds). The signature is compared in constant time, before
 * the expiry is looked at. */
tt_sign_result tt_sign_check(const tt_secret_t *secret, const char *method,
                             const char *region, const char *key,
                             const char *expires_arg,
                             const char *signature_arg, apr_int64_t now);

#endif
