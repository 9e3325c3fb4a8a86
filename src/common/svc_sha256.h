/* SHA-256 for every digest and HMAC of the modules (ETags, Hawk, tokens,
 * signed URLs, SigV4), fetched once per process: EVP_sha256() makes
 * OpenSSL 3 look the implementation up again at every use, on hot paths
 * (every uncached treestatus read, every signed download URL). */
#ifndef SVC_SHA256_H
#define SVC_SHA256_H

#include <openssl/evp.h>

const EVP_MD *svc_sha256(void);

#endif
