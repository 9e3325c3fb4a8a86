/* SHA-256 for every digest and HMAC of the modules (ETags, Hawk, tokens,
 * signed URLs, SigV4), fetched once per process: EVP_sha256() makes
 * OpenSSL 3 look the implementation up again at every use, on hot paths
 * (every uncached treestatus read, every signed download URL). */
#ifndef SVC_SHA256_H
#define SVC_SHA256_H

#include <openssl/evp.h>

const EVP_MD *svc_sha256(void);

/* HMAC-SHA256 (RFC 2104) over the digest above: out gets 32 bytes; 1, or 0
 * when libcrypto fails. OpenSSL 3's HMAC() fetches and sets up a MAC
 * implementation at every call, which showed as a quarter of the
 * user-space time of a download redirect. */
int svc_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                    unsigned char out[32]);

#endif
