/* Where tooltool keeps file contents: one object per file under the key
 * `sha512/<digest>` in every region (upstream's layout, so an existing
 * bucket can be adopted and signed URLs end in /sha512/<digest>).
 *
 * A region is a name plus a backend behind a small vtable, so handlers and
 * the verifier never know which backend they talk to:
 *   local  a directory; the module itself serves signed PUT/GET URLs under
 *          <base>/__storage__/<region>/ (tt_local.h);
 *   s3     AWS S3 or an S3-compatible store: presigned URLs, libcurl for
 *          HEAD/GET/DELETE/copy (tt_s3.h).
 * Configured with `TooltoolRegion <name> <type> <args...>`. Pure: the
 * backends use APR, OpenSSL and libcurl only. */
#ifndef TT_STORAGE_H
#define TT_STORAGE_H

#include <apr_pools.h>
#include <apr_time.h>
#include "tt_log.h"
#include "tt_sign.h"

#define TT_REGION_NAME_MAX 64

/* stat: the object is there but must never be served as it is stored (S3:
 * a storage class other than STANDARD, a website redirect); the backend
 * says why with tt_storage_refuse(). Verification treats it as invalid. */
#define TT_STORAGE_REFUSED (APR_OS_START_USERERR + 10)

struct svc_curl_pool_t;
typedef struct tt_region_t tt_region_t;

/* Per call: a pool for whatever the call allocates (freed by the caller),
 * where to log, and the process' curl handles for remote backends. */
typedef struct {
    apr_pool_t *pool;
    tt_log_ctx_t log;
    struct svc_curl_pool_t *curl;
} tt_io_t;

typedef struct tt_storage_ops_t {
    const char *type;
    /* A URL the client PUTs the object to with Content-Type
     * application/octet-stream and no credentials, valid until
     * apr_time_sec(now) + expires_in. `self` is the API's absolute base URL
     * ("http://host:port/tooltool"), used by backends served by the module. */
    const char *(*put_url)(const tt_region_t *rg, apr_pool_t *p,
                           const char *self, const char *key, apr_time_t now,
                           apr_int64_t expires_in);
    /* The same for downloading (GET, no credentials). */
    const char *(*get_url)(const tt_region_t *rg, apr_pool_t *p,
                           const char *self, const char *key, apr_time_t now,
                           apr_int64_t expires_in);
    /* Object size: APR_SUCCESS, APR_ENOENT when there is no object,
     * TT_STORAGE_REFUSED (above), another status when the store could not
     * be asked. */
    apr_status_t (*stat)(const tt_region_t *rg, tt_io_t *io, const char *key,
                         apr_off_t *size);
    /* Streams the object through SHA-512 (never holds it in memory): hex
     * digest (TT_SHA512_HEX_LEN + 1 bytes) and size read. */
    apr_status_t (*sha512)(const tt_region_t *rg, tt_io_t *io, const char *key,
                           char *hex, apr_off_t *size);
    /* Deletes the object; an absent object is a success. */
    apr_status_t (*remove)(const tt_region_t *rg, tt_io_t *io, const char *key);
    /* Copies `key` from `from` into rg, replacing what is there. APR_ENOENT
     * when `from` has no object, APR_ENOTIMPL when rg cannot copy from that
     * backend, TT_STORAGE_REFUSED when from's object must not be copied
     * (not servable, or not matching its key). */
    apr_status_t (*copy)(const tt_region_t *rg, const tt_region_t *from,
                         tt_io_t *io, const char *key);
} tt_storage_ops_t;

struct tt_region_t {
    const char *name;
    const tt_storage_ops_t *ops;
    void *impl;                    /* the backend's own configuration */
};

/* A backend refusing an object (TT_STORAGE_REFUSED) records why in the
 * call's pool; the caller reads it back (NULL when none was recorded). */
apr_status_t tt_storage_refuse(tt_io_t *io, const char *why);
const char *tt_storage_refusal(tt_io_t *io);

/* "sha512/<digest>" */
const char *tt_storage_key(apr_pool_t *p, const char *digest);

/* Region names go into URL paths and the database: 1-64 of [A-Za-z0-9._-],
 * not starting with a dot. */
int tt_region_name_valid(const char *name);

/* Builds a region from `TooltoolRegion <name> <type> <args...>`; `secret`
 * is the signing key of backends served by the module (its bytes may be
 * filled in later, at post_config). Returns NULL or the error text. */
const char *tt_region_make(apr_pool_t *p, const char *name, const char *type,
                           int argc, const char *const *argv,
                           const tt_secret_t *secret, tt_region_t **out);

#endif
