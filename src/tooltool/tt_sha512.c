#include <string.h>
#include <openssl/evp.h>
#include "tt_sha512.h"

struct tt_sha512_t {
    EVP_MD_CTX *ctx;
};

int tt_digest_valid(const char *s)
{
    int i;

    if (!s) {
        return 0;
    }
    for (i = 0; i < TT_SHA512_HEX_LEN; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0; /* also stops at a NUL shorter than 128 */
        }
    }
    return s[i] == '\0';
}

static apr_status_t ctx_cleanup(void *data)
{
    EVP_MD_CTX_free(((tt_sha512_t *)data)->ctx);
    return APR_SUCCESS;
}

tt_sha512_t *tt_sha512_make(apr_pool_t *p)
{
    tt_sha512_t *h = apr_palloc(p, sizeof(*h));

    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx) {
        return NULL;
    }
    if (EVP_DigestInit_ex(h->ctx, EVP_sha512(), NULL) != 1) {
        EVP_MD_CTX_free(h->ctx);
        return NULL;
    }
    apr_pool_cleanup_register(p, h, ctx_cleanup, apr_pool_cleanup_null);
    return h;
}

void tt_sha512_update(tt_sha512_t *h, const void *data, apr_size_t len)
{
    EVP_DigestUpdate(h->ctx, data, len);
}

void tt_sha512_final(tt_sha512_t *h, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;

    EVP_DigestFinal_ex(h->ctx, md, &n);
    for (i = 0; i < n && i < TT_SHA512_HEX_LEN / 2; i++) {
        hex[i * 2] = digits[md[i] >> 4];
        hex[i * 2 + 1] = digits[md[i] & 0x0f];
    }
    hex[i * 2] = '\0';
}

apr_status_t tt_sha512_stream(apr_pool_t *p, apr_file_t *f, char *hex,
                              apr_off_t *size)
{
    tt_sha512_t *h = tt_sha512_make(p);
    char *buf = apr_palloc(p, TT_HASH_BLOCK);
    apr_off_t total = 0;
    apr_status_t rv;

    if (!h) {
        return APR_ENOMEM;
    }
    for (;;) {
        apr_size_t n = TT_HASH_BLOCK;

        rv = apr_file_read(f, buf, &n);
        if (n > 0) {
            tt_sha512_update(h, buf, n);
            total += (apr_off_t)n;
        }
        if (APR_STATUS_IS_EOF(rv)) {
            break;
        }
        if (rv != APR_SUCCESS) {
            return rv;
        }
    }
    tt_sha512_final(h, hex);
    *size = total;
    return APR_SUCCESS;
}

apr_status_t tt_sha512_file(apr_pool_t *p, const char *path, char *hex,
                            apr_off_t *size)
{
    apr_file_t *f;
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY,
                                    APR_OS_DEFAULT, p);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = tt_sha512_stream(p, f, hex, size);
    apr_file_close(f);
    return rv;
}
