/* The `local` storage backend: objects are files `<directory>/sha512/<digest>`
 * and the module serves them itself under
 *   <base>/__storage__/<region>/sha512/<digest>?Expires=..&Signature=..
 * (signature: tt_sign.h). Uploads are streamed to a temporary file in the
 * region directory, synced, made 0644 and renamed into place, so a reader
 * (download, verifier) never sees a partial object and a failed upload
 * leaves nothing behind. Pure (APR + OpenSSL): unit-tested. */
#ifndef TT_LOCAL_H
#define TT_LOCAL_H

#include <apr_file_io.h>
#include "tt_sign.h"
#include "tt_storage.h"

#define TT_LOCAL_PREFIX "/__storage__/"

/* An upload would exceed the byte count it was opened with. */
#define TT_LOCAL_TOO_LARGE (APR_OS_START_USERERR + 1)

extern const tt_storage_ops_t tt_local_ops;

/* argv: exactly one absolute directory. */
const char *tt_local_configure(apr_pool_t *p, int argc,
                               const char *const *argv,
                               const tt_secret_t *secret, void **impl);

int tt_local_is(const tt_region_t *rg);
const char *tt_local_dir(const tt_region_t *rg);

/* The object's file name, NULL for a key that is not sha512/<digest>. */
const char *tt_local_path(apr_pool_t *p, const tt_region_t *rg,
                          const char *key);

/* A signed URL: self + "/__storage__/" + region + "/" + key + "?Expires=" +
 * expires + "&Signature=" + hex. */
const char *tt_local_url(apr_pool_t *p, const tt_region_t *rg,
                         const char *self, const char *method,
                         const char *key, apr_int64_t expires);

/* Checks a request for `key` with its query arguments at `now` (epoch s). */
tt_sign_result tt_local_check(const tt_region_t *rg, const char *method,
                              const char *key, const char *expires_arg,
                              const char *signature_arg, apr_int64_t now);

/* Opens `key` for reading: the file and its size (APR_ENOENT if absent).
 * `flags` are added to APR_FOPEN_READ (e.g. APR_FOPEN_SENDFILE_ENABLED). */
apr_status_t tt_local_open(apr_pool_t *p, const tt_region_t *rg,
                           const char *key, apr_int32_t flags,
                           apr_file_t **f, apr_off_t *size);

/* Writing an object: open, write (TT_LOCAL_TOO_LARGE past `max` bytes; max
 * < 0 = no limit), then commit or abort. If neither is called, clearing p
 * removes the temporary file. */
typedef struct tt_local_upload_t tt_local_upload_t;

apr_status_t tt_local_upload_open(apr_pool_t *p, const tt_region_t *rg,
                                  const char *key, apr_off_t max,
                                  tt_local_upload_t **out);
apr_status_t tt_local_upload_write(tt_local_upload_t *u, const void *buf,
                                   apr_size_t n);
apr_off_t tt_local_upload_size(const tt_local_upload_t *u);
/* fsync, mode 0644, create sha512/ if needed, rename into place, fsync the
 * directory. */
apr_status_t tt_local_upload_commit(tt_local_upload_t *u);
void tt_local_upload_abort(tt_local_upload_t *u);

#endif
