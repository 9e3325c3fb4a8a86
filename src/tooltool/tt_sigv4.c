/* S3 request signing (SigV4 presigned URLs and headers, SigV2 presigned
 * URLs). See tt_sigv4.h for the contract. */
#include <stdlib.h>
#include <string.h>
#include <apr_base64.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "tt_sigv4.h"
#include "svc_hex.h"
#include "svc_sha256.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define AWS_HOST "s3.amazonaws.com"
/* 9999-12-31T23:59:59Z: the last second with an 8-digit date */
#define MAX_NOW APR_INT64_C(253402300799)

/* ---- encoding ------------------------------------------------------------ */

static int unreserved(unsigned char c)
{
    return apr_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

const char *tt_sigv4_uri_encode(apr_pool_t *p, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u;
    char *out, *o;

    out = o = apr_palloc(p, strlen(s) * 3 + 1);
    for (u = (const unsigned char *)s; *u; u++) {
        if (unreserved(*u) || (keep_slash && *u == '/')) {
            *o++ = (char)*u;
        }
        else {
            *o++ = '%';
            *o++ = hex[*u >> 4];
            *o++ = hex[*u & 15];
        }
    }
    *o = '\0';
    return out;
}

static const char *hex_lower(apr_pool_t *p, const unsigned char *b,
                             apr_size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *out = apr_palloc(p, n * 2 + 1);
    apr_size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

const char *tt_sigv4_sha256_hex(apr_pool_t *p, const void *data,
                                apr_size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!EVP_Digest(data, len, md, &n, svc_sha256(), NULL)) {
        return NULL;
    }
    return hex_lower(p, md, n);
}

/* %XX -> byte; a '%' not followed by two hex digits stays a '%', and '+'
 * stays '+' (signed as %2B): give queries in encoded form, as
 * tt_sigv4_uri_encode() makes them. */
static char *uri_decode(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        int hi, lo;

        if (s[i] == '%' && i + 2 < len && (hi = svc_hexval(s[i + 1])) >= 0
            && (lo = svc_hexval(s[i + 2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        }
        else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* ---- validation ---------------------------------------------------------- */

static int empty(const char *s)
{
    return s == NULL || *s == '\0';
}

/* No control characters (CR/LF would split headers or the signed text). */
static int printable(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* A header value: printable, tabs allowed (Trimall folds them). */
static int valid_header_value(const char *s)
{
    for (; *s; s++) {
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f) {
            return 0;
        }
    }
    return 1;
}

static int valid_method(const char *m)
{
    if (empty(m)) {
        return 0;
    }
    for (; *m; m++) {
        if (*m < 'A' || *m > 'Z') {
            return 0;
        }
    }
    return 1;
}

/* Region names go into a host name and the credential scope. */
static int valid_region(const char *r)
{
    if (empty(r)) {
        return 0;
    }
    for (; *r; r++) {
        if (!apr_islower(*r) && !apr_isdigit(*r) && *r != '-') {
            return 0;
        }
    }
    return 1;
}

static int valid_creds(const tt_s3_creds_t *c)
{
    return c && !empty(c->access_key) && !empty(c->secret_key)
        && printable(c->access_key) && !strchr(c->access_key, '/')
        && (c->session_token == NULL || printable(c->session_token));
}

static const char *token_of(const tt_s3_creds_t *c)
{
    return empty(c->session_token) ? NULL : c->session_token;
}

static int valid_payload_hash(const char *h)
{
    int i;

    if (strcmp(h, TT_SIGV4_UNSIGNED_PAYLOAD) == 0) {
        return 1;
    }
    for (i = 0; h[i]; i++) {
        if (!apr_isdigit(h[i]) && !(h[i] >= 'a' && h[i] <= 'f')) {
            return 0;
        }
    }
    return i == 64;
}

/* RFC 9110 token characters. */
static int valid_header_name(const char *s)
{
    if (empty(s)) {
        return 0;
    }
    for (; *s; s++) {
        if (!apr_isalnum(*s) && !strchr("!#$%&'*+-.^_`|~", *s)) {
            return 0;
        }
    }
    return 1;
}

/* A bucket that can be a host name label: 3..63 of [a-z0-9-], alphanumeric
 * at both ends. Dots only over http (botocore's rule: under https a dotted
 * name breaks the *.s3.amazonaws.com TLS wildcard), each label then being
 * such a label, and the whole not an IPv4 address. */
static int virtual_hostable(const char *b, int allow_dots)
{
    apr_size_t i, n = strlen(b);
    int digits_and_dots = 1;

    if (n < 3 || n > 63) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (b[i] == '.') {
            /* a dot needs an alphanumeric on both sides */
            if (!allow_dots || i == 0 || i == n - 1 || b[i - 1] == '-'
                || b[i + 1] == '-' || b[i + 1] == '.') {
                return 0;
            }
            continue;
        }
        if (!apr_islower(b[i]) && !apr_isdigit(b[i]) && b[i] != '-') {
            return 0;
        }
        if (!apr_isdigit(b[i])) {
            digits_and_dots = 0;
        }
    }
    return b[0] != '-' && b[n - 1] != '-' && !digits_and_dots;
}

/* ---- URLs ---------------------------------------------------------------- */

typedef struct {
    const char *scheme;      /* "http" / "https" */
    const char *authority;   /* as written: host[:port] */
    const char *signed_host; /* lower-case host, ":port" unless default */
    int ip_literal;
} endpoint_t;

/* scheme://authority, the authority being host[:port] or [v6][:port]. */
static apr_status_t parse_authority(apr_pool_t *p, const char *scheme,
                                    const char *auth, apr_size_t len,
                                    endpoint_t *ep)
{
    const char *a = apr_pstrmemdup(p, auth, len), *port = NULL, *end;
    char *host;
    apr_size_t hlen, i;
    int ip = 1;

    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        return APR_EINVAL;
    }
    if (a[0] == '[') {
        end = strchr(a, ']');
        if (!end || end == a + 1) {
            return APR_EINVAL;
        }
        hlen = (apr_size_t)(end - a) + 1;
        if (end[1] == ':') {
            port = end + 2;
        }
        else if (end[1] != '\0') {
            return APR_EINVAL;
        }
    }
    else {
        end = strchr(a, ':');
        hlen = end ? (apr_size_t)(end - a) : len;
        port = end ? end + 1 : NULL;
        for (i = 0; i < hlen; i++) {
            if (!apr_isalnum(a[i]) && a[i] != '-' && a[i] != '.'
                && a[i] != '_') {
                return APR_EINVAL;
            }
            if (!apr_isdigit(a[i]) && a[i] != '.') {
                ip = 0;
            }
        }
    }
    if (hlen == 0) {
        return APR_EINVAL;
    }
    if (port) {
        apr_int64_t n = 0;

        if (*port == '\0' || strlen(port) > 5) {
            return APR_EINVAL;
        }
        for (i = 0; port[i]; i++) {
            if (!apr_isdigit(port[i])) {
                return APR_EINVAL;
            }
            n = n * 10 + (port[i] - '0');
        }
        if (n < 1 || n > 65535) {
            return APR_EINVAL;
        }
        if ((n == 80 && strcmp(scheme, "http") == 0)
            || (n == 443 && strcmp(scheme, "https") == 0)) {
            port = NULL;   /* not part of the Host header clients send */
        }
        else {
            port = apr_psprintf(p, "%d", (int)n);
        }
    }
    host = apr_pstrmemdup(p, a, hlen);
    for (i = 0; i < hlen; i++) {
        host[i] = (char)apr_tolower(host[i]);
    }
    ep->scheme = scheme;
    ep->authority = a;
    ep->signed_host = port ? apr_pstrcat(p, host, ":", port, NULL) : host;
    ep->ip_literal = ip || a[0] == '[';
    return APR_SUCCESS;
}

/* An absolute URL: scheme, authority, then path and query (raw). */
static apr_status_t split_url(apr_pool_t *p, const char *url, endpoint_t *ep,
                              const char **path, const char **query)
{
    const char *colon = strstr(url, "://"), *auth, *rest, *q;
    apr_status_t rv;

    if (!colon || colon == url || strchr(url, '#') || !printable(url)) {
        return APR_EINVAL;
    }
    auth = colon + 3;
    rest = auth + strcspn(auth, "/?");
    if ((rv = parse_authority(p, apr_pstrmemdup(p, url, colon - url), auth,
                              rest - auth, ep)) != APR_SUCCESS) {
        return rv;
    }
    q = strchr(rest, '?');
    *path = q ? apr_pstrmemdup(p, rest, q - rest) : rest;
    *query = q ? q + 1 : "";
    if (**path == '\0') {
        *path = "/";
    }
    return APR_SUCCESS;
}

typedef struct {
    const char *base;        /* scheme://authority */
    const char *path;        /* encoded: /key or /bucket/key */
    const char *resource;    /* SigV2: /bucket/key, encoded */
    const char *signed_host;
} s3_url_t;

static apr_status_t build_url(apr_pool_t *p, const tt_s3_target_t *t,
                              const char *key, s3_url_t *u)
{
    endpoint_t ep;
    const char *ebucket, *ekey;
    apr_status_t rv;
    int vhost;

    if (!t || empty(t->bucket) || empty(key) || !printable(t->bucket)
        || (t->region && *t->region && !valid_region(t->region))) {
        return APR_EINVAL;
    }
    ebucket = tt_sigv4_uri_encode(p, t->bucket, 0);
    ekey = tt_sigv4_uri_encode(p, key, 1);
    vhost = !t->path_style;

    if (empty(t->endpoint)) {
        const char *host;

        vhost = vhost && virtual_hostable(t->bucket, 0);
        if (vhost) {
            host = apr_pstrcat(p, t->bucket, ".", AWS_HOST, NULL);
        }
        else if (empty(t->region) || strcmp(t->region, "us-east-1") == 0) {
            host = AWS_HOST;
        }
        else {
            host = apr_pstrcat(p, "s3.", t->region, ".amazonaws.com", NULL);
        }
        ep.scheme = "https";
        ep.authority = ep.signed_host = host;
        ep.ip_literal = 0;
    }
    else {
        const char *colon = strstr(t->endpoint, "://"), *auth;
        apr_size_t len;

        if (!colon) {
            return APR_EINVAL;
        }
        auth = colon + 3;
        len = strlen(auth);
        if (len && auth[len - 1] == '/') {
            len--;
        }
        if (memchr(auth, '/', len) || memchr(auth, '?', len)
            || memchr(auth, '@', len)) {
            return APR_EINVAL;   /* no path prefix, query or userinfo */
        }
        rv = parse_authority(p, apr_pstrmemdup(p, t->endpoint,
                                               colon - t->endpoint),
                             auth, len, &ep);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        if (vhost && !ep.ip_literal
            && virtual_hostable(t->bucket, strcmp(ep.scheme, "http") == 0)) {
            ep.authority = apr_pstrcat(p, t->bucket, ".", ep.authority, NULL);
            ep.signed_host = apr_pstrcat(p, t->bucket, ".", ep.signed_host,
                                         NULL);
        }
        else {
            vhost = 0;
        }
    }
    u->base = apr_pstrcat(p, ep.scheme, "://", ep.authority, NULL);
    u->resource = apr_pstrcat(p, "/", ebucket, "/", ekey, NULL);
    u->path = vhost ? apr_pstrcat(p, "/", ekey, NULL) : u->resource;
    u->signed_host = ep.signed_host;
    return APR_SUCCESS;
}

apr_status_t tt_s3_object_url(apr_pool_t *p, const tt_s3_target_t *target,
                              const char *key, const char **url)
{
    s3_url_t u;
    apr_status_t rv = build_url(p, target, key, &u);

    if (rv == APR_SUCCESS) {
        *url = apr_pstrcat(p, u.base, u.path, NULL);
    }
    return rv;
}

/* ---- SigV4 core ---------------------------------------------------------- */

static void amz_date(apr_int64_t now, char date[17])
{
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, apr_time_from_sec(now));
    apr_snprintf(date, 17, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void hmac256(const unsigned char *key, apr_size_t klen,
                    const char *data, unsigned char out[32])
{
    if (!svc_hmac_sha256(key, klen, data, strlen(data), out)) {
        memset(out, 0, 32); /* a signature no store accepts */
    }
}

/* HMAC(kSigning, string-to-sign), kSigning derived from the secret key:
 * kDate = HMAC("AWS4" + secret, yyyymmdd), then region, "s3",
 * "aws4_request". */
static const char *sign(apr_pool_t *p, const char *secret, const char *day,
                        const char *region, const char *sts)
{
    /* two buffers: the key of one step is never its output */
    unsigned char a[32], b[32], sig[32];
    char *seed = apr_pstrcat(p, "AWS4", secret, NULL);
    apr_size_t slen = strlen(seed);

    hmac256((const unsigned char *)seed, slen, day, a);
    OPENSSL_cleanse(seed, slen);
    hmac256(a, 32, region, b);
    hmac256(b, 32, "s3", a);
    hmac256(a, 32, "aws4_request", b);
    hmac256(b, 32, sts, sig);
    OPENSSL_cleanse(a, sizeof(a));
    OPENSSL_cleanse(b, sizeof(b));
    return hex_lower(p, sig, 32);
}

static const char *string_to_sign(apr_pool_t *p, const char *date,
                                  const char *scope, const char *creq)
{
    return apr_pstrcat(p, ALGORITHM "\n", date, "\n", scope, "\n",
                       tt_sigv4_sha256_hex(p, creq, strlen(creq)), NULL);
}

typedef struct {
    const char *k, *v;   /* encoded */
} pair_t;

static int pair_cmp(const void *a, const void *b)
{
    const pair_t *x = a, *y = b;
    int c = strcmp(x->k, y->k);

    return c ? c : strcmp(x->v, y->v);
}

/* Sorted by encoded name, then value: "a=1&b=&c=3". */
static const char *canonical_query(apr_pool_t *p, apr_array_header_t *pairs)
{
    apr_array_header_t *parts = apr_array_make(p, pairs->nelts, sizeof(char *));
    int i;

    qsort(pairs->elts, pairs->nelts, sizeof(pair_t), pair_cmp);
    for (i = 0; i < pairs->nelts; i++) {
        pair_t *e = &APR_ARRAY_IDX(pairs, i, pair_t);

        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(p, e->k, "=", e->v, NULL);
    }
    return apr_array_pstrcat(p, parts, '&');
}

static void add_pair(apr_pool_t *p, apr_array_header_t *a, const char *k,
                     const char *v)
{
    pair_t *e = apr_array_push(a);

    e->k = tt_sigv4_uri_encode(p, k, 0);
    e->v = tt_sigv4_uri_encode(p, v, 0);
}

/* ---- SigV4 presigning ---------------------------------------------------- */

apr_status_t tt_sigv4_presign(apr_pool_t *p, const tt_s3_creds_t *creds,
                              const tt_s3_target_t *target,
                              const char *method, const char *key,
                              const char *content_type,
                              apr_int64_t expires, apr_int64_t now,
                              const char **url)
{
    apr_array_header_t *q = apr_array_make(p, 7, sizeof(pair_t));
    const char *scope, *signed_headers, *headers, *creq, *sig, *exp, *token;
    const char *query;
    char date[17], day[9];
    s3_url_t u;
    apr_status_t rv;
    int i;

    if (!valid_creds(creds) || !valid_method(method) || !target
        || !valid_region(target->region) || expires < 1
        || expires > TT_SIGV4_MAX_EXPIRES || now < 0 || now > MAX_NOW
        || (content_type && !printable(content_type))) {
        return APR_EINVAL;
    }
    if ((rv = build_url(p, target, key, &u)) != APR_SUCCESS) {
        return rv;
    }
    amz_date(now, date);
    apr_cpystrn(day, date, sizeof(day));
    scope = apr_pstrcat(p, day, "/", target->region, "/s3/aws4_request",
                        NULL);
    exp = apr_psprintf(p, "%" APR_INT64_T_FMT, expires);
    token = token_of(creds);
    if (content_type) {
        signed_headers = "content-type;host";
        headers = apr_pstrcat(p, "content-type:", content_type, "\nhost:",
                              u.signed_host, "\n", NULL);
    }
    else {
        signed_headers = "host";
        headers = apr_pstrcat(p, "host:", u.signed_host, "\n", NULL);
    }

    /* botocore's order in the URL; sorted in the canonical request */
    add_pair(p, q, "X-Amz-Algorithm", ALGORITHM);
    add_pair(p, q, "X-Amz-Credential",
             apr_pstrcat(p, creds->access_key, "/", scope, NULL));
    add_pair(p, q, "X-Amz-Date", date);
    add_pair(p, q, "X-Amz-Expires", exp);
    add_pair(p, q, "X-Amz-SignedHeaders", signed_headers);
    if (token) {
        add_pair(p, q, "X-Amz-Security-Token", token);
    }
    query = "";
    for (i = 0; i < q->nelts; i++) {
        pair_t *e = &APR_ARRAY_IDX(q, i, pair_t);

        query = apr_pstrcat(p, query, i ? "&" : "", e->k, "=", e->v, NULL);
    }

    creq = apr_pstrcat(p, method, "\n", u.path, "\n",
                       canonical_query(p, apr_array_copy(p, q)), "\n",
                       headers, "\n", signed_headers, "\n",
                       TT_SIGV4_UNSIGNED_PAYLOAD, NULL);
    sig = sign(p, creds->secret_key, day, target->region,
               string_to_sign(p, date, scope, creq));
    *url = apr_pstrcat(p, u.base, u.path, "?", query, "&X-Amz-Signature=",
                       sig, NULL);
    return APR_SUCCESS;
}

/* ---- SigV2 presigning ---------------------------------------------------- */

apr_status_t tt_sigv2_presign(apr_pool_t *p, const tt_s3_creds_t *creds,
                              const tt_s3_target_t *target,
                              const char *method, const char *key,
                              const char *content_type,
                              apr_int64_t expires, apr_int64_t now,
                              const char **url)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const char *exp, *token, *sts, *query;
    char *b64;
    s3_url_t u;
    apr_status_t rv;

    if (!valid_creds(creds) || !valid_method(method) || expires < 1
        || expires > MAX_NOW || now < 0 || now > MAX_NOW
        || (content_type && !printable(content_type))) {
        return APR_EINVAL;
    }
    if ((rv = build_url(p, target, key, &u)) != APR_SUCCESS) {
        return rv;
    }
    exp = apr_psprintf(p, "%" APR_INT64_T_FMT, now + expires);
    token = token_of(creds);
    /* VERB, Content-MD5 (never), Content-Type, Expires, x-amz-* headers,
     * resource (always /bucket/key, also for a virtual host) */
    sts = apr_pstrcat(p, method, "\n\n", content_type ? content_type : "",
                      "\n", exp, "\n",
                      token ? "x-amz-security-token:" : "",
                      token ? token : "", token ? "\n" : "",
                      u.resource, NULL);
    if (!HMAC(EVP_sha1(), creds->secret_key, (int)strlen(creds->secret_key),
              (const unsigned char *)sts, strlen(sts), mac, &n)) {
        return APR_EGENERAL;
    }
    b64 = apr_palloc(p, apr_base64_encode_len((int)n));
    apr_base64_encode(b64, (const char *)mac, (int)n);

    /* botocore's order: key, signature, then the signed headers, Expires */
    query = apr_pstrcat(p, "AWSAccessKeyId=",
                        tt_sigv4_uri_encode(p, creds->access_key, 0),
                        "&Signature=", tt_sigv4_uri_encode(p, b64, 0),
                        content_type ? "&content-type=" : "",
                        content_type ? tt_sigv4_uri_encode(p, content_type, 0)
                                     : "",
                        token ? "&x-amz-security-token=" : "",
                        token ? tt_sigv4_uri_encode(p, token, 0) : "",
                        "&Expires=", exp, NULL);
    *url = apr_pstrcat(p, u.base, u.path, "?", query, NULL);
    return APR_SUCCESS;
}

/* ---- SigV4 headers ------------------------------------------------------- */

typedef struct {
    const char *name;    /* lower case */
    const char *value;   /* trimmed, inner whitespace runs collapsed */
    int order;           /* keeps repeated headers in their given order */
} header_t;

static int header_cmp(const void *a, const void *b)
{
    const header_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : x->order - y->order;
}

/* SigV4 "Trimall": no leading or trailing whitespace, runs of it become
 * one space (botocore: ' '.join(value.split())). */
static const char *trimall(apr_pool_t *p, const char *v)
{
    char *out = apr_palloc(p, strlen(v) + 1), *o = out;
    int pending = 0;

    for (; *v; v++) {
        if (apr_isspace(*v)) {
            pending = o != out;
            continue;
        }
        if (pending) {
            *o++ = ' ';
            pending = 0;
        }
        *o++ = *v;
    }
    *o = '\0';
    return out;
}

/* The path as sent, in canonical form: %XX kept (hex upper-cased), '/' and
 * unreserved characters kept, anything else encoded. */
static const char *canonical_path(apr_pool_t *p, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(path) * 3 + 1), *o = out;
    const unsigned char *s;

    for (s = (const unsigned char *)path; *s; s++) {
        if (*s == '%' && svc_hexval(s[1]) >= 0 && svc_hexval(s[2]) >= 0) {
            *o++ = '%';
            *o++ = (char)apr_toupper(s[1]);
            *o++ = (char)apr_toupper(s[2]);
            s += 2;
        }
        else if (unreserved(*s) || *s == '/') {
            *o++ = (char)*s;
        }
        else {
            *o++ = '%';
            *o++ = hex[*s >> 4];
            *o++ = hex[*s & 15];
        }
    }
    *o = '\0';
    return out;
}

static apr_array_header_t *parse_query(apr_pool_t *p, const char *query)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(pair_t));

    while (*query) {
        apr_size_t len = strcspn(query, "&");
        const char *eq = memchr(query, '=', len);

        if (len) {
            apr_size_t klen = eq ? (apr_size_t)(eq - query) : len;

            add_pair(p, a, uri_decode(p, query, klen),
                     eq ? uri_decode(p, eq + 1, len - klen - 1) : "");
        }
        query += len;
        if (*query == '&') {
            query++;
        }
    }
    return a;
}

static const char *const reserved_headers[] = {
    "host", "authorization", "x-amz-date", "x-amz-content-sha256",
    "x-amz-security-token", NULL
};

apr_status_t tt_sigv4_sign_headers(apr_pool_t *p, const tt_s3_creds_t *creds,
                                   const char *region, const char *method,
                                   const char *url,
                                   const apr_table_t *headers,
                                   const char *payload_hash,
                                   apr_int64_t now, tt_sigv4_auth_t *auth)
{
    apr_array_header_t *hs = apr_array_make(p, 8, sizeof(header_t));
    apr_array_header_t *canon = apr_array_make(p, 8, sizeof(char *));
    apr_array_header_t *names = apr_array_make(p, 8, sizeof(char *));
    const char *path, *query, *scope, *creq, *token;
    char date[17], day[9];
    endpoint_t ep;
    header_t *h;
    apr_status_t rv;
    int i, j;

    if (!valid_creds(creds) || !valid_region(region) || !valid_method(method)
        || empty(url) || now < 0 || now > MAX_NOW || !auth) {
        return APR_EINVAL;
    }
    if (payload_hash == NULL) {
        payload_hash = TT_SIGV4_EMPTY_SHA256;
    }
    if (!valid_payload_hash(payload_hash)) {
        return APR_EINVAL;
    }
    if ((rv = split_url(p, url, &ep, &path, &query)) != APR_SUCCESS) {
        return rv;
    }
    amz_date(now, date);
    apr_cpystrn(day, date, sizeof(day));
    token = token_of(creds);

    if (headers) {
        const apr_array_header_t *elts = apr_table_elts(headers);
        const apr_table_entry_t *e = (const apr_table_entry_t *)elts->elts;

        for (i = 0; i < elts->nelts; i++) {
            char *name, *c;

            if (!valid_header_name(e[i].key) || !e[i].val
                || !valid_header_value(e[i].val)) {
                return APR_EINVAL;
            }
            name = apr_pstrdup(p, e[i].key);
            for (c = name; *c; c++) {
                *c = (char)apr_tolower(*c);
            }
            for (j = 0; reserved_headers[j]; j++) {
                if (strcmp(name, reserved_headers[j]) == 0) {
                    return APR_EINVAL;
                }
            }
            h = apr_array_push(hs);
            h->name = name;
            h->value = trimall(p, e[i].val);
            h->order = i;
        }
    }
    h = apr_array_push(hs);
    h->name = "host", h->value = ep.signed_host, h->order = -1;
    h = apr_array_push(hs);
    h->name = "x-amz-content-sha256", h->value = payload_hash, h->order = -1;
    h = apr_array_push(hs);
    h->name = "x-amz-date", h->value = date, h->order = -1;
    if (token) {
        h = apr_array_push(hs);
        h->name = "x-amz-security-token", h->value = token, h->order = -1;
    }
    qsort(hs->elts, hs->nelts, sizeof(header_t), header_cmp);

    /* one line per name, repeated values joined with ',' */
    for (i = 0; i < hs->nelts; i = j) {
        header_t *first = &APR_ARRAY_IDX(hs, i, header_t);
        const char *value = first->value;

        for (j = i + 1; j < hs->nelts; j++) {
            header_t *next = &APR_ARRAY_IDX(hs, j, header_t);

            if (strcmp(next->name, first->name) != 0) {
                break;
            }
            value = apr_pstrcat(p, value, ",", next->value, NULL);
        }
        APR_ARRAY_PUSH(canon, const char *) =
            apr_pstrcat(p, first->name, ":", value, "\n", NULL);
        APR_ARRAY_PUSH(names, const char *) = first->name;
    }

    scope = apr_pstrcat(p, day, "/", region, "/s3/aws4_request", NULL);
    auth->signed_headers = apr_array_pstrcat(p, names, ';');
    creq = apr_pstrcat(p, method, "\n", canonical_path(p, path), "\n",
                       canonical_query(p, parse_query(p, query)), "\n",
                       apr_array_pstrcat(p, canon, '\0'), "\n",
                       auth->signed_headers, "\n", payload_hash, NULL);
    auth->signature = sign(p, creds->secret_key, day, region,
                           string_to_sign(p, date, scope, creq));
    auth->authorization = apr_pstrcat(p, ALGORITHM " Credential=",
                                      creds->access_key, "/", scope,
                                      ", SignedHeaders=", auth->signed_headers,
                                      ", Signature=", auth->signature, NULL);
    auth->amz_date = apr_pstrdup(p, date);
    auth->content_sha256 = payload_hash;
    auth->security_token = token;
    auth->lines = apr_array_make(p, 4, sizeof(char *));
    APR_ARRAY_PUSH(auth->lines, const char *) =
        apr_pstrcat(p, "x-amz-date: ", auth->amz_date, NULL);
    APR_ARRAY_PUSH(auth->lines, const char *) =
        apr_pstrcat(p, "x-amz-content-sha256: ", payload_hash, NULL);
    if (token) {
        APR_ARRAY_PUSH(auth->lines, const char *) =
            apr_pstrcat(p, "x-amz-security-token: ", token, NULL);
    }
    APR_ARRAY_PUSH(auth->lines, const char *) =
        apr_pstrcat(p, "Authorization: ", auth->authorization, NULL);
    return APR_SUCCESS;
}
