/* SHA-512 digests: the content address of every tooltool file.
 *
 * Verification streams objects through OpenSSL in TT_HASH_BLOCK reads, so
 * memory stays flat whatever the size (files of several GiB exist). Pure
 * (APR + OpenSSL): unit-tested. */
#ifndef TT_SHA512_H
#define TT_SHA512_H

#include <apr_pools.h>
#include <apr_file_io.h>

#define TT_SHA512_HEX_LEN 128
#define TT_HASH_BLOCK (64 * 1024)

/* ^[0-9a-f]{128}$: lower-case only, as upstream stores and compares them. */
int tt_digest_valid(const char *s);

typedef struct tt_sha512_t tt_sha512_t;

/* A running hash; its OpenSSL context is freed with p. NULL when OpenSSL
 * cannot allocate one. */
tt_sha512_t *tt_sha512_make(apr_pool_t *p);
void tt_sha512_update(tt_sha512_t *h, const void *data, apr_size_t len);
/* Lower-case hex into hex (TT_SHA512_HEX_LEN + 1 bytes). */
void tt_sha512_final(tt_sha512_t *h, char *hex);

/* Hashes an open file from its current offset to the end: hex digest and
 * number of bytes read. The block buffer is allocated from p once. */
apr_status_t tt_sha512_stream(apr_pool_t *p, apr_file_t *f, char *hex,
                              apr_off_t *size);

/* The same for a path (APR_ENOENT etc. from apr_file_open). */
apr_status_t tt_sha512_file(apr_pool_t *p, const char *path, char *hex,
                            apr_off_t *size);

#endif
