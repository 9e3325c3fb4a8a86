/* S3 request signing for the S3 storage backend: AWS Signature Version 4
 * (presigned URLs and Authorization headers) and SigV2 presigned URLs.
 * Pure: APR and libcrypto only, no httpd, no curl, no clock (`now` is
 * always passed in, in seconds since the epoch).
 *
 * What it reproduces, byte for byte (tests/unit/test_tt_sigv4.c):
 *  - botocore's S3 client (1.29): generate_presigned_url() with signature
 *    version "s3v4" (S3SigV4QueryAuth) and "s3" (HmacV1QueryAuth), URLs in
 *    botocore's parameter order; the headers its S3SigV4Auth sends;
 *  - the examples of the AWS S3 API reference (sig-v4-query-string-auth,
 *    sig-v4-header-based-auth).
 *
 * Addressing (tt_s3_target_t):
 *  - endpoint NULL or "": AWS. Virtual host: https://<bucket>.s3.amazonaws.com
 *    (the global name, in every region, as botocore and the V3 tests);
 *    path-style: https://s3.amazonaws.com/<bucket> in us-east-1, else
 *    https://s3.<region>.amazonaws.com/<bucket>. For a region-specific
 *    virtual host, configure the endpoint https://s3.<region>.amazonaws.com.
 *  - endpoint "scheme://host[:port]" (http or https, nothing after the
 *    authority but an optional "/"): virtual host <bucket>.host[:port], or
 *    path-style <endpoint>/<bucket>. An explicit port stays in the URL and
 *    is signed in `host` unless it is the scheme's default (as curl and
 *    python omit it from their Host header).
 *  - virtual host is only used when the bucket can be a host name
 *    ([a-z0-9-], 3..63, alphanumeric at both ends; dots only over http: a
 *    dotted name breaks the TLS wildcard) and the endpoint host is not an
 *    IP literal; otherwise the URL is path-style, as botocore does.
 *
 * Keys are encoded with the SigV4 rules: A-Za-z0-9 - _ . ~ and '/' kept,
 * every other byte %XX in upper-case hex; the path is not normalized
 * ("a//b/../c" is signed as is, as S3 stores it).
 */
#ifndef TT_SIGV4_H
#define TT_SIGV4_H

#include <apr_pools.h>
#include <apr_tables.h>

#define TT_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define TT_SIGV4_EMPTY_SHA256 \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define TT_SIGV4_MAX_EXPIRES 604800   /* 7 days: S3's limit for SigV4 */
#define TT_S3_OCTET_STREAM "application/octet-stream"

typedef struct {
    const char *access_key;
    const char *secret_key;
    const char *session_token;   /* temporary credentials, else NULL or "" */
} tt_s3_creds_t;

typedef struct {
    const char *endpoint;        /* NULL/"" = AWS, else scheme://host[:port] */
    const char *bucket;
    const char *region;          /* the credential scope: "us-east-1", ... */
    int path_style;              /* 0 = virtual host where possible */
} tt_s3_target_t;

/* The URL of an object, without query: scheme://host[:port]/path. Used by
 * the presigners and by the backend for its own requests.
 * APR_EINVAL for a bad endpoint, an empty bucket or key. */
apr_status_t tt_s3_object_url(apr_pool_t *p, const tt_s3_target_t *target,
                              const char *key, const char **url);

/* SigV4 query presigning (X-Amz-Algorithm, -Credential, -Date, -Expires,
 * -SignedHeaders, [-Security-Token], -Signature; payload UNSIGNED-PAYLOAD).
 * `method` is "GET", "PUT", ... (upper case). `content_type` NULL signs
 * `host` only; otherwise the request must carry exactly that Content-Type,
 * and SignedHeaders is "content-type;host" (tooltool's PUT passes
 * TT_S3_OCTET_STREAM). `expires` is 1..TT_SIGV4_MAX_EXPIRES seconds.
 * APR_EINVAL on any missing or malformed input. */
apr_status_t tt_sigv4_presign(apr_pool_t *p, const tt_s3_creds_t *creds,
                              const tt_s3_target_t *target,
                              const char *method, const char *key,
                              const char *content_type,
                              apr_int64_t expires, apr_int64_t now,
                              const char **url);

/* SigV2 query presigning, for old deployments (what botocore still emits by
 * default): AWSAccessKeyId, Signature = base64(HMAC-SHA1(secret,
 * "VERB\n\n<content-type>\n<expires>\n[x-amz-security-token:<t>\n]
 * /<bucket>/<key>")), [content-type], [x-amz-security-token], Expires =
 * now + expires (absolute). `expires` must be > 0. */
apr_status_t tt_sigv2_presign(apr_pool_t *p, const tt_s3_creds_t *creds,
                              const tt_s3_target_t *target,
                              const char *method, const char *key,
                              const char *content_type,
                              apr_int64_t expires, apr_int64_t now,
                              const char **url);

/* What tt_sigv4_sign_headers() asks the caller to send. */
typedef struct {
    const char *authorization;   /* "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." */
    const char *amz_date;        /* x-amz-date: 20130524T000000Z */
    const char *content_sha256;  /* x-amz-content-sha256 */
    const char *security_token;  /* x-amz-security-token, or NULL */
    const char *signed_headers;  /* "host;range;x-amz-content-sha256;x-amz-date" */
    const char *signature;       /* 64 hex digits */
    /* "name: value" strings (char *) for the headers above, ready for
     * curl_slist_append(); the caller sends its own `headers` as well. */
    apr_array_header_t *lines;
} tt_sigv4_auth_t;

/* SigV4 header signing for a request the backend sends itself (HEAD, GET,
 * DELETE, PUT, PUT ?acl, CopyObject, ...).
 *  - `url`: absolute, its path and query already encoded (tt_s3_object_url
 *    plus e.g. "?acl"); the signed host is taken from it.
 *  - `headers`: the other headers to sign (e.g. range, content-type,
 *    x-amz-copy-source, x-amz-storage-class, x-amz-acl), NULL for none;
 *    repeated names are joined with ','. They must not name host,
 *    authorization, x-amz-date, x-amz-content-sha256 or
 *    x-amz-security-token (set here), nor contain CR or LF. Every x-amz-*
 *    header sent must be in there: S3 refuses unsigned ones.
 *  - `payload_hash`: lower-case hex SHA-256 of the body, or
 *    TT_SIGV4_UNSIGNED_PAYLOAD; NULL means an empty body.
 * APR_EINVAL on malformed input. */
apr_status_t tt_sigv4_sign_headers(apr_pool_t *p, const tt_s3_creds_t *creds,
                                   const char *region, const char *method,
                                   const char *url,
                                   const apr_table_t *headers,
                                   const char *payload_hash,
                                   apr_int64_t now, tt_sigv4_auth_t *auth);

/* SigV4 URI encoding: A-Za-z0-9-_.~ kept, '/' kept when keep_slash, every
 * other byte %XX (upper-case hex). Also what x-amz-copy-source needs. */
const char *tt_sigv4_uri_encode(apr_pool_t *p, const char *s, int keep_slash);

/* Lower-case hex SHA-256 of a buffer (a payload hash). */
const char *tt_sigv4_sha256_hex(apr_pool_t *p, const void *data,
                                apr_size_t len);

#endif
