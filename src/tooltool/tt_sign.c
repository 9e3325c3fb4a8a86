#include <stdio.h>
#include <string.h>
#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "tt_sign.h"
#include "svc_sha256.h"

const char *tt_sign_string(apr_pool_t *p, const char *method,
                           const char *region, const char *key,
                           apr_int64_t expires)
{
    return apr_psprintf(p, "%s\n%s\n%s\n%" APR_INT64_T_FMT, method, region,
                        key, expires);
}

void tt_sign_hex(const tt_secret_t *secret, const char *method,
                 const char *region, const char *key, apr_int64_t expires,
                 char *out)
{
    static const char hex[] = "0123456789abcdef";
    /* method, a region name (<= 64), "sha512/" + 128 and an epoch fit */
    char msg[512];
    unsigned char mac[32];
    unsigned int maclen = sizeof(mac), i;
    int n;

    n = snprintf(msg, sizeof(msg), "%s\n%s\n%s\n%" APR_INT64_T_FMT, method,
                 region, key, expires);
    if (n < 0 || (apr_size_t)n >= sizeof(msg)
        || !svc_hmac_sha256(secret->bytes, secret->len, msg, (size_t)n, mac)) {
        /* cannot happen with configured names; never a valid signature */
        memset(out, 'x', TT_SIGN_HEX_LEN);
        out[TT_SIGN_HEX_LEN] = '\0';
        return;
    }
    for (i = 0; i < maclen && i * 2 < TT_SIGN_HEX_LEN; i++) {
        out[i * 2] = hex[mac[i] >> 4];
        out[i * 2 + 1] = hex[mac[i] & 0x0f];
    }
    out[TT_SIGN_HEX_LEN] = '\0';
}

/* Plain decimal epoch seconds, no sign, at most 18 digits (no overflow). */
static int parse_expires(const char *s, apr_int64_t *out)
{
    apr_int64_t v = 0;
    int n;

    for (n = 0; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 18) {
            return 0;
        }
        v = v * 10 + (s[n] - '0');
    }
    *out = v;
    return n > 0;
}

tt_sign_result tt_sign_check(const tt_secret_t *secret, const char *method,
                             const char *region, const char *key,
                             const char *expires_arg,
                             const char *signature_arg, apr_int64_t now)
{
    char want[TT_SIGN_HEX_LEN + 1];
    apr_int64_t expires;

    if (!secret || !secret->len || !expires_arg || !signature_arg
        || strlen(signature_arg) != TT_SIGN_HEX_LEN
        || !parse_expires(expires_arg, &expires)) {
        return TT_SIGN_BAD;
    }
    tt_sign_hex(secret, method, region, key, expires, want);
    if (CRYPTO_memcmp(want, signature_arg, TT_SIGN_HEX_LEN) != 0) {
        return TT_SIGN_BAD;
    }
    return now < expires ? TT_SIGN_OK : TT_SIGN_EXPIRED;
}
