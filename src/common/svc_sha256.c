#include <pthread.h>
#include <string.h>
#include <openssl/crypto.h>
#include "svc_sha256.h"

static EVP_MD *fetched;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fetch(void)
{
    fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

const EVP_MD *svc_sha256(void)
{
    pthread_once(&once, fetch);
    /* never NULL with a working libcrypto; the legacy handle otherwise */
    return fetched ? fetched : EVP_sha256();
}

#define BLOCK 64 /* SHA-256's block size */

int svc_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                    unsigned char out[32])
{
    const EVP_MD *md = svc_sha256();
    unsigned char k[BLOCK] = {0}, ipad[BLOCK], opad[BLOCK], inner[32];
    unsigned int n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok, i;

    if (!ctx) {
        return 0;
    }
    /* a key longer than a block is replaced by its digest */
    ok = klen <= BLOCK ? (memcpy(k, key, klen), 1)
                       : EVP_Digest(key, klen, k, &n, md, NULL);
    for (i = 0; i < BLOCK; i++) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }
    ok = ok && EVP_DigestInit_ex(ctx, md, NULL)
         && EVP_DigestUpdate(ctx, ipad, BLOCK)
         && EVP_DigestUpdate(ctx, msg, mlen)
         && EVP_DigestFinal_ex(ctx, inner, &n)
         && EVP_DigestInit_ex(ctx, md, NULL)
         && EVP_DigestUpdate(ctx, opad, BLOCK)
         && EVP_DigestUpdate(ctx, inner, sizeof(inner))
         && EVP_DigestFinal_ex(ctx, out, &n);
    EVP_MD_CTX_free(ctx);
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(ipad, sizeof(ipad));
    OPENSSL_cleanse(opad, sizeof(opad));
    return ok;
}
