/* The `s3` storage backend: AWS S3 or any S3-compatible store.
 *
 *   TooltoolRegion <name> s3 bucket=<b> [endpoint=<scheme://host[:port]>]
 *       [style=virtual|path] [signature=v4|v2] [region=<signing region>]
 *       [credentials=<file> | access_key=<id> secret_key=<secret>
 *        [session_token=<t>]] [storage_class_check=on|off]
 *
 * Clients never see credentials: they get presigned URLs (tt_sigv4.h),
 * SigV4 by default (SigV2 with signature=v2); the PUT URL signs
 * `content-type: application/octet-stream`. The module's own requests (HEAD,
 * GET, DELETE, CopyObject, PUT ?acl, PUT) go out through libcurl with
 * SigV4 Authorization headers, never following redirects, with NOSIGNAL, a
 * 5 s connect timeout and a total timeout of TooltoolS3Timeout (default
 * 30 s); object bodies (GET, PUT) have a low-speed limit instead (less than
 * 1 KiB/s for TooltoolS3Timeout seconds aborts), so a big object is never
 * cut off by a fixed total.
 *
 * Defaults: no endpoint = AWS, virtual-host style (URLs start
 * https://<bucket>.s3.amazonaws.com/sha512/<digest>); with an endpoint,
 * path style (<endpoint>/<bucket>/sha512/<digest>). The signing region is
 * the TooltoolRegion name unless region= says otherwise (S3-compatible
 * stores usually want their own, e.g. MinIO's us-east-1).
 *
 * Credentials: in the directive, or in a file read at configuration time
 * (as root, before httpd drops privileges) that must not be readable or
 * writable by group or others: `access_key=...` / `secret_key=...` /
 * `session_token=...` lines, or an AWS shared-credentials file whose
 * [default] section has aws_access_key_id / aws_secret_access_key /
 * aws_session_token.
 *
 * What the storage operations do (tt_storage.h):
 *  stat    HEAD: Content-Length; TT_STORAGE_REFUSED for a storage class
 *          other than STANDARD (unless storage_class_check=off) or a website
 *          redirect (x-amz-website-redirect-location).
 *  sha512  streaming GET through SHA-512 (never the whole object in
 *          memory). When the content matches its key (sha512/<digest>) the
 *          object is then made private (PUT ?acl, x-amz-acl: private), best
 *          effort: a store without ACLs (501 NotImplemented,
 *          AccessControlListNotSupported) is fine, other failures are logged.
 *  remove  DELETE; 404 NoSuchKey counts as done (NoSuchBucket does not).
 *  copy    from another s3 region on the same store (same endpoint and
 *          access key): HEAD then server-side CopyObject
 *          (x-amz-copy-source, x-amz-storage-class: STANDARD,
 *          x-amz-metadata-directive: COPY; the copy is private); from an s3
 *          region elsewhere: GET into a temporary file (hashed: the content
 *          must match the key) then PUT; from a `local` region: PUT from the
 *          object file (hashed as it is sent; a mismatch deletes the copy).
 *          Objects above 5 GiB (the single-request limit) and other backend
 *          types: APR_ENOTIMPL; a source object that may not be served or
 *          does not match its key: TT_STORAGE_REFUSED.
 * Errors: APR_ENOENT for a missing object (404 NoSuchKey); otherwise the
 * store "could not be asked": APR_ECONNREFUSED / APR_TIMEUP / APR_EGENERAL
 * for transport failures, APR_EACCES for 403, APR_EAGAIN for 5xx,
 * APR_EGENERAL for anything else; each failure is logged here with the
 * S3 status, error code and message.
 *
 * Pure (APR, libcurl, OpenSSL; svc_curl's per-process handle pool):
 * configuration and response parsing are unit-tested, the requests run in
 * the integration tests against s3rver. */
#ifndef TT_S3_H
#define TT_S3_H

#include <apr_tables.h>
#include "tt_sigv4.h"
#include "tt_storage.h"

#define TT_S3_DEFAULT_TIMEOUT 30                   /* s (TooltoolS3Timeout) */
#define TT_S3_CONNECT_TIMEOUT_MS 5000
#define TT_S3_LOW_SPEED 1024                       /* bytes/s, object bodies */
#define TT_S3_SINGLE_MAX (APR_INT64_C(5) << 30)    /* CopyObject / PUT limit */
#define TT_S3_CREDENTIALS_MAX 65536                /* credentials file bytes */

extern const tt_storage_ops_t tt_s3_ops;

typedef struct {
    tt_s3_creds_t creds;
    tt_s3_target_t target;         /* region = the signing region */
    int sigv2;                     /* presigned URLs: 0 = SigV4, 1 = SigV2 */
    int storage_class_check;       /* 1 = only STANDARD (or none) is served */
    const char *credentials_file;  /* the keys' file, NULL = the directive */
    const apr_int64_t *timeout;    /* TooltoolS3Timeout, NULL = default */
} tt_s3_config_t;

/* argv: the key=value options after `s3`. `name` is the TooltoolRegion
 * name (the default signing region). Reads the credentials file now. */
const char *tt_s3_configure(apr_pool_t *p, const char *name, int argc,
                            const char *const *argv, void **impl);

int tt_s3_is(const tt_region_t *rg);
const tt_s3_config_t *tt_s3_config(const tt_region_t *rg);

/* Makes the region read its total timeout (seconds) from *seconds at each
 * request: TooltoolS3Timeout may come after TooltoolRegion. */
void tt_s3_set_timeout(const tt_region_t *rg, const apr_int64_t *seconds);

/* Two s3 regions CopyObject can copy between: same endpoint, same keys. */
int tt_s3_same_store(const tt_region_t *a, const tt_region_t *b);

/* ---- pure parts, exposed for the unit tests */

/* A credentials file's text (either format, see above). NULL or the error,
 * which never quotes a secret. */
const char *tt_s3_parse_credentials(apr_pool_t *p, const char *text,
                                    tt_s3_creds_t *out);

/* Reads and parses a credentials file: absolute path, a regular file of at
 * most TT_S3_CREDENTIALS_MAX bytes, no group/other permission bits. */
const char *tt_s3_read_credentials(apr_pool_t *p, const char *path,
                                   tt_s3_creds_t *out);

/* One response header line as libcurl hands it over (with CRLF): a status
 * line ("HTTP/1.1 200 OK") clears `headers` and sets *status (a 100
 * Continue is followed by the real one); "Name: value" is added with the
 * name in lower case and the value trimmed. Returns 0, or -1 for a line
 * that is neither (ignored by the caller). */
int tt_s3_header_line(apr_pool_t *p, apr_table_t *headers, const char *line,
                      apr_size_t len, long *status);

/* Code and Message of an S3 XML error body (<Error><Code>..</Code>
 * <Message>..</Message>..</Error>); NULL when absent. Also finds the error
 * of a CopyObject that answered 200 and failed later. */
void tt_s3_error_parse(apr_pool_t *p, const char *body, apr_size_t len,
                       const char **code, const char **message);

typedef enum {
    TT_S3_HEAD_OK,                 /* *size set */
    TT_S3_HEAD_REFUSED,            /* storage class or redirect: *why */
    TT_S3_HEAD_BAD                 /* no usable Content-Length: *why */
} tt_s3_head_result;

/* What a 2xx HEAD's headers (lower-case names) say about the object. */
tt_s3_head_result tt_s3_head_check(apr_pool_t *p, const apr_table_t *headers,
                                   int storage_class_check, apr_off_t *size,
                                   const char **why);

/* The apr_status_t for a failed request: HTTP status (0 = transport
 * failure, curl_code then says which) and the S3 error code (NULL if
 * none). APR_ENOENT only for 404 without a code or with NoSuchKey. */
apr_status_t tt_s3_status(long http_status, int curl_code, const char *code);

#endif
