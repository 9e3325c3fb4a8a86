#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include "svc_curl.h"
#include "tt_local.h"
#include "tt_log.h"
#include "tt_s3.h"
#include "tt_sha512.h"

#define ERROR_BODY_MAX (16 * 1024)     /* kept of an error answer */
#define COPY_BODY_MAX (64 * 1024)      /* CopyObjectResult (or a late Error) */
#define COPY_RATE (4 * 1024 * 1024)    /* bytes/s granted to a server copy */
#define USER_AGENT "mod_tooltool"

#define SAMPLE_KEY "sha512/00"         /* signs a URL at configuration time */
#define SAMPLE_NOW APR_INT64_C(1700000000)

typedef tt_s3_config_t s3_t;

/* ---- configuration ----------------------------------------------------- */

static int is_secret_char(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s <= 0x20 || *s == 0x7f) {
            return 0;
        }
    }
    return 1;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) {
        *--e = '\0';
    }
    return s;
}

/* Which credential a key names: 0 access, 1 secret, 2 token, -1 other. */
static int credential_index(const char *key)
{
    if (!strcmp(key, "access_key") || !strcmp(key, "aws_access_key_id")) {
        return 0;
    }
    if (!strcmp(key, "secret_key") || !strcmp(key, "aws_secret_access_key")) {
        return 1;
    }
    if (!strcmp(key, "session_token") || !strcmp(key, "aws_session_token")
        || !strcmp(key, "aws_security_token")) {
        return 2;
    }
    return -1;
}

const char *tt_s3_parse_credentials(apr_pool_t *p, const char *text,
                                    tt_s3_creds_t *out)
{
    static const char *const names[] = {"access key", "secret key",
                                         "session token"};
    const char *found[3] = {NULL, NULL, NULL};
    char *copy = apr_pstrdup(p, text ? text : ""), *line, *next;
    int lineno = 0, in_scope = 1, sections = 0, i;

    for (line = copy; line; line = next) {
        char *eq, *key, *value;

        next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        lineno++;
        line = trim(line);
        if (!*line || *line == '#' || *line == ';') {
            continue;
        }
        if (*line == '[') {
            char *end = strchr(line, ']');
            if (!end || end[1]) {
                return apr_psprintf(p, "line %d: a section header must be "
                                    "[name]", lineno);
            }
            *end = '\0';
            sections++;
            in_scope = !strcmp(trim(line + 1), "default");
            continue;
        }
        eq = strchr(line, '=');
        if (!eq) {
            return apr_psprintf(p, "line %d: expected key=value", lineno);
        }
        *eq = '\0';
        key = trim(line);
        value = trim(eq + 1);
        i = credential_index(key);
        if (!in_scope || i < 0) {
            continue; /* other profiles; region=, output=, ... */
        }
        if (found[i]) {
            return apr_psprintf(p, "line %d: the %s is given twice", lineno,
                                names[i]);
        }
        if (!*value || !is_secret_char(value)
            || (i == 0 && strchr(value, '/'))) {
            return apr_psprintf(p, "line %d: invalid %s", lineno, names[i]);
        }
        found[i] = value;
    }
    if (!found[0] || !found[1]) {
        return apr_psprintf(p, "no %s%s", !found[0]
                            ? "access_key (aws_access_key_id)"
                            : "secret_key (aws_secret_access_key)",
                            sections ? " in the [default] section" : "");
    }
    out->access_key = found[0];
    out->secret_key = found[1];
    out->session_token = found[2];
    return NULL;
}

/* apr_fileperms_t as the octal mode people know. */
static unsigned perms_mode(apr_fileperms_t f)
{
    static const struct { apr_fileperms_t bit; unsigned mode; } map[] = {
        {APR_FPROT_UREAD, 0400}, {APR_FPROT_UWRITE, 0200},
        {APR_FPROT_UEXECUTE, 0100}, {APR_FPROT_GREAD, 040},
        {APR_FPROT_GWRITE, 020}, {APR_FPROT_GEXECUTE, 010},
        {APR_FPROT_WREAD, 04}, {APR_FPROT_WWRITE, 02}, {APR_FPROT_WEXECUTE, 01}
    };
    unsigned mode = 0, i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (f & map[i].bit) {
            mode |= map[i].mode;
        }
    }
    return mode;
}

const char *tt_s3_read_credentials(apr_pool_t *p, const char *path,
                                   tt_s3_creds_t *out)
{
    apr_finfo_t fi;
    apr_file_t *f;
    apr_size_t n;
    char *buf, msg[120];
    const char *err;
    apr_status_t rv;

    if (!path || path[0] != '/') {
        return apr_psprintf(p, "credentials file '%s' is not an absolute path",
                            path ? path : "");
    }
    rv = apr_stat(&fi, path, APR_FINFO_TYPE | APR_FINFO_PROT | APR_FINFO_SIZE,
                  p);
    if (rv != APR_SUCCESS) {
        return apr_psprintf(p, "cannot read credentials file %s: %s", path,
                            apr_strerror(rv, msg, sizeof(msg)));
    }
    if (fi.filetype != APR_REG) {
        return apr_psprintf(p, "credentials file %s is not a regular file",
                            path);
    }
    if (fi.protection & (APR_FPROT_GREAD | APR_FPROT_WREAD | APR_FPROT_GWRITE
                         | APR_FPROT_WWRITE)) {
        return apr_psprintf(p, "credentials file %s is accessible to group or "
                            "others (mode %04o): make it readable by its "
                            "owner only, e.g. chmod 600", path,
                            perms_mode(fi.protection));
    }
    if (fi.size > TT_S3_CREDENTIALS_MAX) {
        return apr_psprintf(p, "credentials file %s is larger than %d bytes",
                            path, TT_S3_CREDENTIALS_MAX);
    }
    rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY,
                       APR_OS_DEFAULT, p);
    if (rv != APR_SUCCESS) {
        return apr_psprintf(p, "cannot read credentials file %s: %s", path,
                            apr_strerror(rv, msg, sizeof(msg)));
    }
    buf = apr_palloc(p, TT_S3_CREDENTIALS_MAX + 1);
    rv = apr_file_read_full(f, buf, TT_S3_CREDENTIALS_MAX, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && !APR_STATUS_IS_EOF(rv)) {
        return apr_psprintf(p, "cannot read credentials file %s: %s", path,
                            apr_strerror(rv, msg, sizeof(msg)));
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        return apr_psprintf(p, "credentials file %s contains a NUL byte", path);
    }
    err = tt_s3_parse_credentials(p, buf, out);
    memset(buf, 0, n);
    return err ? apr_psprintf(p, "credentials file %s: %s", path, err) : NULL;
}

static const char *const option_names[] = {
    "bucket", "endpoint", "style", "signature", "region", "credentials",
    "access_key", "secret_key", "session_token", "storage_class_check", NULL
};

enum { O_BUCKET, O_ENDPOINT, O_STYLE, O_SIGNATURE, O_REGION, O_CREDENTIALS,
       O_ACCESS, O_SECRET, O_TOKEN, O_CLASS_CHECK, O_COUNT };

/* Signing regions go into the credential scope and AWS host names. */
static int signing_region_valid(const char *r)
{
    if (!r || !*r || strlen(r) > TT_REGION_NAME_MAX) {
        return 0;
    }
    for (; *r; r++) {
        if (!apr_islower(*r) && !apr_isdigit(*r) && *r != '-') {
            return 0;
        }
    }
    return 1;
}

static int bucket_valid(const char *b)
{
    apr_size_t n = strlen(b);

    if (n == 0 || n > 255) {
        return 0;
    }
    for (; *b; b++) {
        if (!apr_isalnum(*b) && *b != '.' && *b != '-' && *b != '_') {
            return 0;
        }
    }
    return 1;
}

const char *tt_s3_configure(apr_pool_t *p, const char *name, int argc,
                            const char *const *argv, void **impl)
{
    const char *opt[O_COUNT];
    const char *url, *err;
    tt_sigv4_auth_t auth;
    s3_t *s;
    int i, j;

    memset(opt, 0, sizeof(opt));
    for (i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        const char *key = eq ? apr_pstrmemdup(p, argv[i], eq - argv[i]) : NULL;

        for (j = 0; key && option_names[j]; j++) {
            if (!strcmp(key, option_names[j])) {
                break;
            }
        }
        if (!key || !option_names[j]) {
            return apr_psprintf(p, "s3: unknown option '%s' (expected "
                                "key=value with key one of bucket, endpoint, "
                                "style, signature, region, credentials, "
                                "access_key, secret_key, session_token, "
                                "storage_class_check)",
                                key ? key : argv[i]);
        }
        if (opt[j]) {
            return apr_psprintf(p, "s3: %s= is given twice", key);
        }
        opt[j] = eq + 1;
    }
    s = apr_pcalloc(p, sizeof(*s));
    if (!opt[O_BUCKET] || !bucket_valid(opt[O_BUCKET])) {
        return opt[O_BUCKET] ? apr_psprintf(p, "s3: invalid bucket name '%s'",
                                            opt[O_BUCKET])
                             : "s3: bucket=<name> is required";
    }
    s->target.bucket = apr_pstrdup(p, opt[O_BUCKET]);
    if (opt[O_ENDPOINT]) {
        if (strncmp(opt[O_ENDPOINT], "http://", 7)
            && strncmp(opt[O_ENDPOINT], "https://", 8)) {
            return apr_psprintf(p, "s3: endpoint '%s' must be "
                                "http://host[:port] or https://host[:port]",
                                opt[O_ENDPOINT]);
        }
        s->target.endpoint = apr_pstrdup(p, opt[O_ENDPOINT]);
    }
    if (!opt[O_STYLE]) {
        s->target.path_style = s->target.endpoint != NULL;
    }
    else if (!strcmp(opt[O_STYLE], "path")
             || !strcmp(opt[O_STYLE], "virtual")) {
        s->target.path_style = !strcmp(opt[O_STYLE], "path");
    }
    else {
        return "s3: style= must be virtual or path";
    }
    if (!opt[O_SIGNATURE] || !strcmp(opt[O_SIGNATURE], "v4")) {
        s->sigv2 = 0;
    }
    else if (!strcmp(opt[O_SIGNATURE], "v2")) {
        s->sigv2 = 1;
    }
    else {
        return "s3: signature= must be v4 or v2";
    }
    if (opt[O_REGION]) {
        if (!signing_region_valid(opt[O_REGION])) {
            return apr_psprintf(p, "s3: invalid signing region '%s' "
                                "(lower-case letters, digits and '-')",
                                opt[O_REGION]);
        }
        s->target.region = apr_pstrdup(p, opt[O_REGION]);
    }
    else if (signing_region_valid(name)) {
        s->target.region = apr_pstrdup(p, name);
    }
    else {
        return apr_psprintf(p, "s3: '%s' cannot be a signing region: add "
                            "region=<region of the bucket, e.g. us-east-1>",
                            name);
    }
    if (!opt[O_CLASS_CHECK] || !strcmp(opt[O_CLASS_CHECK], "on")) {
        s->storage_class_check = 1;
    }
    else if (!strcmp(opt[O_CLASS_CHECK], "off")) {
        s->storage_class_check = 0;
    }
    else {
        return "s3: storage_class_check= must be on or off";
    }
    if (opt[O_CREDENTIALS]) {
        if (opt[O_ACCESS] || opt[O_SECRET] || opt[O_TOKEN]) {
            return "s3: credentials= and access_key=/secret_key=/"
                   "session_token= exclude each other";
        }
        if ((err = tt_s3_read_credentials(p, opt[O_CREDENTIALS], &s->creds))) {
            return apr_pstrcat(p, "s3: ", err, NULL);
        }
        s->credentials_file = apr_pstrdup(p, opt[O_CREDENTIALS]);
    }
    else if (opt[O_ACCESS] && opt[O_SECRET]) {
        if (!*opt[O_ACCESS] || !is_secret_char(opt[O_ACCESS])
            || strchr(opt[O_ACCESS], '/')) {
            return "s3: invalid access_key";
        }
        if (!*opt[O_SECRET] || !is_secret_char(opt[O_SECRET])) {
            return "s3: invalid secret_key";
        }
        if (opt[O_TOKEN] && (!*opt[O_TOKEN] || !is_secret_char(opt[O_TOKEN]))) {
            return "s3: invalid session_token";
        }
        s->creds.access_key = apr_pstrdup(p, opt[O_ACCESS]);
        s->creds.secret_key = apr_pstrdup(p, opt[O_SECRET]);
        s->creds.session_token = apr_pstrdup(p, opt[O_TOKEN]);
    }
    else if (opt[O_ACCESS] || opt[O_SECRET] || opt[O_TOKEN]) {
        return "s3: access_key= and secret_key= go together";
    }
    else {
        return "s3: no credentials: credentials=<file> or access_key=<id> "
               "secret_key=<secret>";
    }
    /* everything the requests will need, once: a bad endpoint is refused
     * here rather than at the first upload */
    if (tt_s3_object_url(p, &s->target, SAMPLE_KEY, &url) != APR_SUCCESS
        || tt_sigv4_presign(p, &s->creds, &s->target, "GET", SAMPLE_KEY, NULL,
                            60, SAMPLE_NOW, &url) != APR_SUCCESS
        || tt_sigv2_presign(p, &s->creds, &s->target, "GET", SAMPLE_KEY, NULL,
                            60, SAMPLE_NOW, &url) != APR_SUCCESS
        || tt_sigv4_sign_headers(p, &s->creds, s->target.region, "HEAD",
                                 url, NULL, NULL, SAMPLE_NOW,
                                 &auth) != APR_SUCCESS) {
        return apr_psprintf(p, "s3: cannot build request URLs from endpoint "
                            "'%s' and bucket '%s' (endpoint: scheme://host"
                            "[:port], nothing after it)",
                            s->target.endpoint ? s->target.endpoint : "(AWS)",
                            s->target.bucket);
    }
    *impl = s;
    return NULL;
}

int tt_s3_is(const tt_region_t *rg)
{
    return rg && rg->ops == &tt_s3_ops;
}

const tt_s3_config_t *tt_s3_config(const tt_region_t *rg)
{
    return rg->impl;
}

void tt_s3_set_timeout(const tt_region_t *rg, const apr_int64_t *seconds)
{
    ((s3_t *)rg->impl)->timeout = seconds;
}

int tt_s3_same_store(const tt_region_t *a, const tt_region_t *b)
{
    const s3_t *x, *y;
    const char *ex, *ey;
    apr_size_t lx, ly;

    if (!tt_s3_is(a) || !tt_s3_is(b)) {
        return 0;
    }
    x = a->impl;
    y = b->impl;
    ex = x->target.endpoint ? x->target.endpoint : "";
    ey = y->target.endpoint ? y->target.endpoint : "";
    lx = strlen(ex);
    ly = strlen(ey);
    if (lx && ex[lx - 1] == '/') {
        lx--;
    }
    if (ly && ey[ly - 1] == '/') {
        ly--;
    }
    return lx == ly && !strncasecmp(ex, ey, lx)
        && !strcmp(x->creds.access_key, y->creds.access_key)
        && !strcmp(x->creds.secret_key, y->creds.secret_key);
}

/* ---- response parsing (pure) -------------------------------------------- */

int tt_s3_header_line(apr_pool_t *p, apr_table_t *headers, const char *line,
                      apr_size_t len, long *status)
{
    const char *colon, *v, *end;
    char *name;
    apr_size_t i;

    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n')) {
        len--;
    }
    if (len == 0) {
        return 0; /* the blank line ending the headers */
    }
    if (len > 5 && !strncmp(line, "HTTP/", 5)) {
        const char *sp = memchr(line, ' ', len);
        long code = 0;

        if (!sp || (apr_size_t)(sp - line) + 4 > len) {
            return -1;
        }
        for (i = 1; i <= 3; i++) {
            if (!apr_isdigit(sp[i])) {
                return -1;
            }
            code = code * 10 + (sp[i] - '0');
        }
        if ((apr_size_t)(sp - line) + 4 < len && sp[4] != ' ') {
            return -1;
        }
        apr_table_clear(headers); /* a 100 Continue's, or a former answer's */
        *status = code;
        return 0;
    }
    colon = memchr(line, ':', len);
    if (!colon || colon == line) {
        return -1;
    }
    name = apr_pstrmemdup(p, line, colon - line);
    for (i = 0; name[i]; i++) {
        if (name[i] == ' ' || name[i] == '\t') {
            return -1;
        }
        name[i] = (char)apr_tolower(name[i]);
    }
    v = colon + 1;
    end = line + len;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    apr_table_add(headers, name, apr_pstrmemdup(p, v, end - v));
    return 0;
}

/* The text of the first <tag>...</tag>, entities &amp; &lt; &gt; &quot;
 * &apos; decoded; NULL when absent. */
static const char *xml_text(apr_pool_t *p, const char *body, apr_size_t len,
                            const char *tag)
{
    const char *open = apr_pstrcat(p, "<", tag, ">", NULL);
    const char *close = apr_pstrcat(p, "</", tag, ">", NULL);
    apr_size_t olen = strlen(open), clen = strlen(close), i;
    const char *start = NULL, *stop = NULL;
    char *out, *o;

    for (i = 0; i + olen <= len; i++) {
        if (!memcmp(body + i, open, olen)) {
            start = body + i + olen;
            break;
        }
    }
    if (!start) {
        return NULL;
    }
    for (i = start - body; i + clen <= len; i++) {
        if (!memcmp(body + i, close, clen)) {
            stop = body + i;
            break;
        }
    }
    if (!stop) {
        return NULL;
    }
    out = o = apr_palloc(p, stop - start + 1);
    while (start < stop) {
        static const struct { const char *e; char c; } ents[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
            {"&apos;", '\''}, {NULL, 0}
        };
        int k, done = 0;

        for (k = 0; *start == '&' && ents[k].e; k++) {
            apr_size_t n = strlen(ents[k].e);
            if ((apr_size_t)(stop - start) >= n
                && !memcmp(start, ents[k].e, n)) {
                *o++ = ents[k].c;
                start += n;
                done = 1;
                break;
            }
        }
        if (!done) {
            char c = *start++;
            *o++ = ((unsigned char)c < 0x20 || c == 0x7f) ? ' ' : c;
        }
    }
    *o = '\0';
    return out;
}

void tt_s3_error_parse(apr_pool_t *p, const char *body, apr_size_t len,
                       const char **code, const char **message)
{
    *code = *message = NULL;
    if (!body || !len) {
        return;
    }
    *code = xml_text(p, body, len, "Code");
    if (*code && !**code) {
        *code = NULL;
    }
    *message = *code ? xml_text(p, body, len, "Message") : NULL;
}

tt_s3_head_result tt_s3_head_check(apr_pool_t *p, const apr_table_t *headers,
                                   int storage_class_check, apr_off_t *size,
                                   const char **why)
{
    const char *cl = apr_table_get(headers, "content-length");
    const char *sc = apr_table_get(headers, "x-amz-storage-class");
    const char *redirect = apr_table_get(headers,
                                         "x-amz-website-redirect-location");
    apr_size_t i;

    *why = NULL;
    if (!cl || !*cl || strlen(cl) > 18) {
        *why = "the answer has no usable Content-Length";
        return TT_S3_HEAD_BAD;
    }
    for (i = 0; cl[i]; i++) {
        if (!apr_isdigit(cl[i])) {
            *why = apr_psprintf(p, "the answer has an invalid Content-Length "
                                "'%s'", cl);
            return TT_S3_HEAD_BAD;
        }
    }
    if (storage_class_check && sc && *sc && strcmp(sc, "STANDARD")) {
        *why = apr_psprintf(p, "storage class %s (only STANDARD is served)",
                            sc);
        return TT_S3_HEAD_REFUSED;
    }
    if (redirect && *redirect) {
        *why = apr_psprintf(p, "website redirect to %s", redirect);
        return TT_S3_HEAD_REFUSED;
    }
    *size = (apr_off_t)apr_strtoi64(cl, NULL, 10);
    return TT_S3_HEAD_OK;
}

apr_status_t tt_s3_status(long http_status, int curl_code, const char *code)
{
    if (http_status == 0) {
        switch (curl_code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return APR_ECONNREFUSED;
        case CURLE_OPERATION_TIMEDOUT:
            return APR_TIMEUP;
        default:
            return APR_EGENERAL;
        }
    }
    if (http_status >= 200 && http_status < 300) {
        return code ? APR_EGENERAL : APR_SUCCESS;
    }
    if (http_status == 404 && (!code || !strcmp(code, "NoSuchKey"))) {
        return APR_ENOENT;
    }
    if (http_status == 403) {
        return APR_EACCES;
    }
    if (http_status >= 500) {
        return APR_EAGAIN;
    }
    return APR_EGENERAL;
}

/* ---- requests ---------------------------------------------------------- */

typedef struct {
    /* the request */
    const char *method;
    const char *url;
    apr_table_t *sign;             /* headers signed and sent, NULL = none */
    const char *payload_hash;      /* NULL: empty body */
    apr_file_t *body;              /* PUT body, NULL = empty */
    apr_off_t body_size;
    tt_sha512_t *body_hash;        /* hashes what is sent */
    tt_sha512_t *hash;             /* hashes a 2xx answer's body */
    apr_file_t *save;              /* receives a 2xx answer's body */
    apr_off_t save_max;            /* ... aborted past this many bytes */
    apr_size_t keep_max;           /* keeps a 2xx body up to this (0: no) */
    int streaming;                 /* low-speed limit, no total timeout */
    apr_int64_t timeout;           /* seconds */
    /* the answer */
    apr_pool_t *pool;
    long status;                   /* 0: no answer (transport failure) */
    apr_table_t *headers;          /* lower-case names */
    char *kept;                    /* error body (or kept 2xx body) */
    apr_size_t kept_len, kept_cap;
    apr_off_t received;            /* 2xx body bytes */
    apr_status_t local_rv;         /* our own failure (file, signing) */
    const char *local_why;         /* ... and what it was */
    int curl_code;
    char errbuf[CURL_ERROR_SIZE];
    const char *code, *message;    /* S3 error */
} call_t;

static apr_int64_t timeout_of(const s3_t *s)
{
    return s->timeout && *s->timeout > 0 ? *s->timeout : TT_S3_DEFAULT_TIMEOUT;
}

static void call_init(call_t *c, const s3_t *s, apr_pool_t *p,
                      const char *method, const char *url)
{
    memset(c, 0, sizeof(*c));
    c->method = method;
    c->url = url;
    c->pool = p;
    c->timeout = timeout_of(s);
    c->headers = apr_table_make(p, 16);
}

static int ok_status(long status)
{
    return status >= 200 && status < 300;
}

static void keep(call_t *c, const char *data, apr_size_t len, apr_size_t max)
{
    if (!c->kept) {
        c->kept_cap = max;
        c->kept = apr_palloc(c->pool, max + 1);
    }
    if (len > c->kept_cap - c->kept_len) {
        len = c->kept_cap - c->kept_len; /* the rest is dropped, not refused */
    }
    memcpy(c->kept + c->kept_len, data, len);
    c->kept_len += len;
    c->kept[c->kept_len] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *baton)
{
    call_t *c = baton;

    tt_s3_header_line(c->pool, c->headers, data, size * n, &c->status);
    return size * n;
}

static size_t on_body(char *data, size_t size, size_t n, void *baton)
{
    call_t *c = baton;
    apr_size_t len = size * n;

    if (!ok_status(c->status)) {
        keep(c, data, len, ERROR_BODY_MAX);
        return len;
    }
    c->received += (apr_off_t)len;
    if (c->hash) {
        tt_sha512_update(c->hash, data, len);
    }
    if (c->save) {
        if (c->received > c->save_max) {
            c->local_rv = APR_EGENERAL;
            c->local_why = "the object is larger than one request may copy";
            return 0; /* aborts the transfer */
        }
        c->local_rv = apr_file_write_full(c->save, data, len, NULL);
        if (c->local_rv != APR_SUCCESS) {
            return 0; /* aborts the transfer */
        }
    }
    if (c->keep_max) {
        keep(c, data, len, c->keep_max);
    }
    return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *baton)
{
    call_t *c = baton;
    apr_size_t len = size * n;
    apr_status_t rv;

    if (!c->body) {
        return 0;
    }
    rv = apr_file_read(c->body, buf, &len);
    if (APR_STATUS_IS_EOF(rv)) {
        return 0;
    }
    if (rv != APR_SUCCESS) {
        c->local_rv = rv;
        return CURL_READFUNC_ABORT;
    }
    if (c->body_hash) {
        tt_sha512_update(c->body_hash, buf, len);
    }
    return len;
}

/* curl rewinds the body when it has to send it again (a kept-alive
 * connection that turned out to be closed). */
static int on_seek(void *baton, curl_off_t offset, int origin)
{
    call_t *c = baton;
    apr_off_t off = (apr_off_t)offset;

    if (!c->body || origin != SEEK_SET || offset != 0
        || apr_file_seek(c->body, APR_SET, &off) != APR_SUCCESS) {
        return CURL_SEEKFUNC_CANTSEEK;
    }
    if (c->body_hash) {
        c->body_hash = tt_sha512_make(c->pool);
    }
    return CURL_SEEKFUNC_OK;
}

/* Signs and sends the request. 0 when an answer came (any status), -1 on a
 * transport failure or a failure of our own (c->local_rv). */
static int perform(const tt_region_t *rg, tt_io_t *io, call_t *c)
{
    const s3_t *s = rg->impl;
    tt_sigv4_auth_t auth;
    struct curl_slist *hdrs = NULL;
    CURL *h;
    CURLcode rc;
    apr_status_t rv;
    int i;

    rv = tt_sigv4_sign_headers(io->pool, &s->creds, s->target.region,
                               c->method, c->url, c->sign, c->payload_hash,
                               apr_time_sec(apr_time_now()), &auth);
    if (rv != APR_SUCCESS) {
        c->local_rv = rv;
        c->local_why = "cannot sign the request";
        return -1;
    }
    h = io->curl ? svc_curl_acquire(io->curl) : curl_easy_init();
    if (!h) {
        c->local_rv = APR_ENOMEM;
        c->local_why = "cannot create a curl handle";
        return -1;
    }
    for (i = 0; i < auth.lines->nelts; i++) {
        hdrs = curl_slist_append(hdrs, APR_ARRAY_IDX(auth.lines, i, char *));
    }
    if (c->sign) {
        const apr_array_header_t *elts = apr_table_elts(c->sign);
        const apr_table_entry_t *e = (const apr_table_entry_t *)elts->elts;

        for (i = 0; i < elts->nelts; i++) {
            hdrs = curl_slist_append(hdrs, apr_pstrcat(io->pool, e[i].key, ": ",
                                                       e[i].val, NULL));
        }
    }
    hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
    hdrs = curl_slist_append(hdrs, "Accept:");

    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)TT_S3_CONNECT_TIMEOUT_MS);
    if (c->streaming) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)TT_S3_LOW_SPEED);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)c->timeout);
    }
    else {
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(c->timeout * 1000));
    }
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    if (!strcmp(c->method, "HEAD")) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    }
    else if (!strcmp(c->method, "PUT")) {
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
                         (curl_off_t)(c->body ? c->body_size : 0));
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, c);
        curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
        curl_easy_setopt(h, CURLOPT_SEEKDATA, c);
    }
    else if (strcmp(c->method, "GET")) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, c->method);
    }
    rc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    if (io->curl) {
        svc_curl_release(io->curl, h, rc == CURLE_OK);
    }
    else {
        curl_easy_cleanup(h);
    }
    if (rc != CURLE_OK) {
        c->curl_code = (int)rc;
        c->status = 0;
        if (!c->errbuf[0]) {
            apr_cpystrn(c->errbuf, curl_easy_strerror(rc), sizeof(c->errbuf));
        }
        return -1;
    }
    if (c->kept) {
        tt_s3_error_parse(io->pool, c->kept, c->kept_len, &c->code,
                          &c->message);
    }
    return 0;
}

/* Logs a failed request and says what it means (tt_s3_status). */
static apr_status_t failed(const tt_region_t *rg, tt_io_t *io, const call_t *c,
                           const char *what, const char *key)
{
    const s3_t *s = rg->impl;
    apr_status_t rv;
    const char *detail;

    if (c->local_rv != APR_SUCCESS) {
        rv = c->local_rv;
        detail = c->local_why ? c->local_why
                              : c->errbuf[0] ? c->errbuf : "local failure";
    }
    else if (c->status == 0) {
        rv = tt_s3_status(0, c->curl_code, NULL);
        detail = apr_psprintf(io->pool, "no answer: %s", c->errbuf);
    }
    else {
        rv = tt_s3_status(c->status, 0, c->code);
        if (ok_status(c->status) && !c->code) {
            rv = APR_EGENERAL; /* an answer we cannot use (e.g. no length) */
        }
        detail = apr_psprintf(io->pool, "HTTP %ld%s%s%s%s", c->status,
                              c->code ? " " : "", c->code ? c->code : "",
                              c->message ? ": " : "",
                              c->message ? c->message : "");
        if (c->status == 403 && !strcmp(c->method, "HEAD")) {
            detail = apr_pstrcat(io->pool, detail, " (a missing object is "
                                 "a 403 without s3:ListBucket)", NULL);
        }
    }
    tt_log(&io->log, SVC_LOG_ERR, rv, TTLOGNO(01200), "S3 %s %s in region %s "
           "(bucket %s at %s) failed: %s", what, key, rg->name,
           s->target.bucket, s->target.endpoint ? s->target.endpoint : "AWS",
           detail);
    return rv;
}

static const char *object_url(const tt_region_t *rg, apr_pool_t *p,
                              const char *key)
{
    const char *url = NULL;

    /* cannot fail for a key: the target was checked at configuration */
    tt_s3_object_url(p, &((const s3_t *)rg->impl)->target, key, &url);
    return url;
}

static const char *key_digest(const char *key)
{
    return !strncmp(key, "sha512/", 7) && tt_digest_valid(key + 7) ? key + 7
                                                                  : NULL;
}

/* ---- storage operations ------------------------------------------------ */

static const char *presign(const tt_region_t *rg, apr_pool_t *p,
                           const char *method, const char *key,
                           const char *content_type, apr_time_t now,
                           apr_int64_t expires_in)
{
    const s3_t *s = rg->impl;
    const char *url = NULL;
    apr_status_t rv;

    rv = s->sigv2 ? tt_sigv2_presign(p, &s->creds, &s->target, method, key,
                                     content_type, expires_in,
                                     apr_time_sec(now), &url)
                  : tt_sigv4_presign(p, &s->creds, &s->target, method, key,
                                     content_type, expires_in,
                                     apr_time_sec(now), &url);
    /* the inputs were checked at configuration; never a NULL URL */
    return rv == APR_SUCCESS && url ? url : "";
}

static const char *s3_put_url(const tt_region_t *rg, apr_pool_t *p,
                              const char *self, const char *key,
                              apr_time_t now, apr_int64_t expires_in)
{
    (void)self;
    return presign(rg, p, "PUT", key, TT_S3_OCTET_STREAM, now, expires_in);
}

static const char *s3_get_url(const tt_region_t *rg, apr_pool_t *p,
                              const char *self, const char *key,
                              apr_time_t now, apr_int64_t expires_in)
{
    (void)self;
    return presign(rg, p, "GET", key, NULL, now, expires_in);
}

static apr_status_t s3_stat(const tt_region_t *rg, tt_io_t *io,
                            const char *key, apr_off_t *size)
{
    const s3_t *s = rg->impl;
    call_t c;
    const char *why;

    call_init(&c, s, io->pool, "HEAD", object_url(rg, io->pool, key));
    if (perform(rg, io, &c) != 0) {
        return failed(rg, io, &c, "HEAD", key);
    }
    if (c.status == 404) {
        return APR_ENOENT;
    }
    if (!ok_status(c.status)) {
        return failed(rg, io, &c, "HEAD", key);
    }
    switch (tt_s3_head_check(io->pool, c.headers, s->storage_class_check, size,
                             &why)) {
    case TT_S3_HEAD_OK:
        return APR_SUCCESS;
    case TT_S3_HEAD_REFUSED:
        tt_log(&io->log, SVC_LOG_INFO, 0, TTLOGNO(01201), "S3 %s in region %s "
               "is not servable: %s", key, rg->name, why);
        return tt_storage_refuse(io, why);
    default:
        c.local_why = why;
        c.local_rv = APR_EGENERAL;
        return failed(rg, io, &c, "HEAD", key);
    }
}

/* Best effort (spec D19): a verified object is made private. */
static void make_private(const tt_region_t *rg, tt_io_t *io, const char *key)
{
    const s3_t *s = rg->impl;
    call_t c;

    call_init(&c, s, io->pool, "PUT",
              apr_pstrcat(io->pool, object_url(rg, io->pool, key), "?acl",
                          NULL));
    c.sign = apr_table_make(io->pool, 1);
    apr_table_setn(c.sign, "x-amz-acl", "private");
    if (perform(rg, io, &c) == 0 && ok_status(c.status) && !c.code) {
        return;
    }
    if (c.status == 501
        || (c.code && (!strcmp(c.code, "NotImplemented")
                       || !strcmp(c.code, "AccessControlListNotSupported")))) {
        tt_log(&io->log, SVC_LOG_DEBUG, 0, TTLOGNO(01202), "S3 region %s has "
               "no object ACLs (%s): %s left as it is", rg->name,
               c.code ? c.code : "501", key);
        return;
    }
    tt_log(&io->log, SVC_LOG_WARNING, 0, TTLOGNO(01203), "S3 %s in region %s: "
           "could not reset its ACL to private (%s%s%s); the object is served "
           "anyway", key, rg->name,
           c.status ? apr_psprintf(io->pool, "HTTP %ld", c.status) : c.errbuf,
           c.code ? " " : "", c.code ? c.code : "");
}

static apr_status_t s3_sha512(const tt_region_t *rg, tt_io_t *io,
                              const char *key, char *hex, apr_off_t *size)
{
    const char *digest = key_digest(key);
    call_t c;

    call_init(&c, rg->impl, io->pool, "GET", object_url(rg, io->pool, key));
    c.hash = tt_sha512_make(io->pool);
    c.streaming = 1;
    if (!c.hash) {
        return APR_ENOMEM;
    }
    if (perform(rg, io, &c) != 0) {
        return failed(rg, io, &c, "GET", key);
    }
    if (!ok_status(c.status)) {
        apr_status_t rv = tt_s3_status(c.status, 0, c.code);
        return APR_STATUS_IS_ENOENT(rv) ? rv : failed(rg, io, &c, "GET", key);
    }
    tt_sha512_final(c.hash, hex);
    *size = c.received;
    if (digest && !strcmp(hex, digest)) {
        make_private(rg, io, key);
    }
    return APR_SUCCESS;
}

static apr_status_t s3_remove(const tt_region_t *rg, tt_io_t *io,
                              const char *key)
{
    call_t c;
    apr_status_t rv;

    call_init(&c, rg->impl, io->pool, "DELETE", object_url(rg, io->pool, key));
    if (perform(rg, io, &c) != 0) {
        return failed(rg, io, &c, "DELETE", key);
    }
    rv = tt_s3_status(c.status, 0, c.code);
    if (rv == APR_SUCCESS || APR_STATUS_IS_ENOENT(rv)) {
        return APR_SUCCESS; /* gone already counts as deleted */
    }
    return failed(rg, io, &c, "DELETE", key);
}

/* Server-side copy between two regions of one store. */
static apr_status_t copy_object(const tt_region_t *rg, const tt_region_t *from,
                                tt_io_t *io, const char *key, apr_off_t size)
{
    const s3_t *src = from->impl;
    const char *what = apr_pstrcat(io->pool, key, " (from region ", from->name,
                                   ")", NULL);
    call_t c;
    apr_status_t rv;

    call_init(&c, rg->impl, io->pool, "PUT", object_url(rg, io->pool, key));
    c.sign = apr_table_make(io->pool, 3);
    apr_table_setn(c.sign, "x-amz-copy-source",
                   apr_pstrcat(io->pool, "/",
                               tt_sigv4_uri_encode(io->pool,
                                                   src->target.bucket, 0),
                               "/", tt_sigv4_uri_encode(io->pool, key, 1),
                               NULL));
    apr_table_setn(c.sign, "x-amz-metadata-directive", "COPY");
    apr_table_setn(c.sign, "x-amz-storage-class", "STANDARD");
    c.keep_max = COPY_BODY_MAX;   /* S3 may answer 200 and fail in the body */
    c.timeout += size / COPY_RATE;
    if (perform(rg, io, &c) != 0) {
        return failed(rg, io, &c, "CopyObject", what);
    }
    rv = tt_s3_status(c.status, 0, c.code);
    if (rv == APR_SUCCESS || APR_STATUS_IS_ENOENT(rv)) {
        return rv; /* ENOENT: the source went away meanwhile */
    }
    return failed(rg, io, &c, "CopyObject", what);
}

/* PUT of an open file (size bytes from its current offset). */
static apr_status_t put_file(const tt_region_t *rg, tt_io_t *io,
                             const char *key, apr_file_t *f, apr_off_t size,
                             tt_sha512_t *hash)
{
    call_t c;
    apr_status_t rv;

    call_init(&c, rg->impl, io->pool, "PUT", object_url(rg, io->pool, key));
    c.sign = apr_table_make(io->pool, 2);
    apr_table_setn(c.sign, "content-type", TT_S3_OCTET_STREAM);
    apr_table_setn(c.sign, "x-amz-storage-class", "STANDARD");
    c.payload_hash = TT_SIGV4_UNSIGNED_PAYLOAD;
    c.body = f;
    c.body_size = size;
    c.body_hash = hash;
    c.streaming = 1;
    if (perform(rg, io, &c) != 0) {
        return failed(rg, io, &c, "PUT", key);
    }
    rv = tt_s3_status(c.status, 0, c.code);
    return rv == APR_SUCCESS ? rv : failed(rg, io, &c, "PUT", key);
}

/* Another store: GET into a temporary file (checked against the key), PUT. */
static apr_status_t copy_via_file(const tt_region_t *rg,
                                  const tt_region_t *from, tt_io_t *io,
                                  const char *key)
{
    const char *dir, *digest = key_digest(key);
    char *tmpl, hex[TT_SHA512_HEX_LEN + 1];
    apr_file_t *f;
    apr_off_t zero = 0;
    call_t c;
    apr_status_t rv;

    if (!digest) {
        return APR_EINVAL;
    }
    if ((rv = apr_temp_dir_get(&dir, io->pool)) != APR_SUCCESS) {
        return rv;
    }
    tmpl = apr_pstrcat(io->pool, dir, "/tt-s3-copy-XXXXXX", NULL);
    rv = apr_file_mktemp(&f, tmpl, APR_FOPEN_CREATE | APR_FOPEN_READ
                         | APR_FOPEN_WRITE | APR_FOPEN_EXCL | APR_FOPEN_BINARY
                         | APR_FOPEN_DELONCLOSE, io->pool);
    if (rv != APR_SUCCESS) {
        tt_log(&io->log, SVC_LOG_ERR, rv, TTLOGNO(01204), "S3 copy of %s into "
               "region %s: cannot create a temporary file in %s", key,
               rg->name, dir);
        return rv;
    }
    call_init(&c, from->impl, io->pool, "GET", object_url(from, io->pool, key));
    c.hash = tt_sha512_make(io->pool);
    c.save = f;
    c.save_max = TT_S3_SINGLE_MAX; /* its size was checked; the bytes too */
    c.streaming = 1;
    if (!c.hash) {
        rv = APR_ENOMEM;
    }
    else if (perform(from, io, &c) != 0) {
        rv = failed(from, io, &c, "GET", key);
    }
    else if (!ok_status(c.status)) {
        rv = tt_s3_status(c.status, 0, c.code);
        if (!APR_STATUS_IS_ENOENT(rv)) {
            rv = failed(from, io, &c, "GET", key);
        }
    }
    else {
        tt_sha512_final(c.hash, hex);
        if (strcmp(hex, digest)) {
            tt_log(&io->log, SVC_LOG_WARNING, 0, TTLOGNO(01205), "S3 %s in "
                   "region %s does not match its key (digest %s): not copied "
                   "into region %s", key, from->name, hex, rg->name);
            rv = tt_storage_refuse(io, "its content does not match its key");
        }
        else if ((rv = apr_file_seek(f, APR_SET, &zero)) == APR_SUCCESS) {
            rv = put_file(rg, io, key, f, c.received, NULL);
        }
    }
    apr_file_close(f); /* and gone (DELONCLOSE) */
    return rv;
}

/* From a local region: PUT the object file, hashed as it is sent. */
static apr_status_t copy_from_local(const tt_region_t *rg,
                                    const tt_region_t *from, tt_io_t *io,
                                    const char *key)
{
    const char *digest = key_digest(key);
    char hex[TT_SHA512_HEX_LEN + 1];
    tt_sha512_t *hash = tt_sha512_make(io->pool);
    apr_file_t *f;
    apr_off_t size;
    apr_status_t rv;

    if (!digest || !hash) {
        return digest ? APR_ENOMEM : APR_EINVAL;
    }
    rv = tt_local_open(io->pool, from, key, 0, &f, &size);
    if (rv != APR_SUCCESS) {
        return APR_STATUS_IS_ENOTDIR(rv) ? APR_ENOENT : rv;
    }
    if (size > TT_S3_SINGLE_MAX) {
        apr_file_close(f);
        tt_log(&io->log, SVC_LOG_WARNING, 0, TTLOGNO(01206), "S3 copy of %s "
               "into region %s: %" APR_OFF_T_FMT " bytes is more than one "
               "request may carry (5 GiB; multipart uploads are not "
               "implemented)",
               key, rg->name, size);
        return APR_ENOTIMPL;
    }
    rv = put_file(rg, io, key, f, size, hash);
    apr_file_close(f);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    tt_sha512_final(hash, hex);
    if (strcmp(hex, digest)) {
        tt_log(&io->log, SVC_LOG_WARNING, 0, TTLOGNO(01207), "%s in local "
               "region %s does not match its key (digest %s): its copy in "
               "region %s is deleted", key, from->name, hex, rg->name);
        s3_remove(rg, io, key);
        return tt_storage_refuse(io, "its content does not match its key");
    }
    return APR_SUCCESS;
}

static apr_status_t s3_copy(const tt_region_t *rg, const tt_region_t *from,
                            tt_io_t *io, const char *key)
{
    apr_off_t size = 0;
    apr_status_t rv;

    if (tt_local_is(from)) {
        return copy_from_local(rg, from, io, key);
    }
    if (!tt_s3_is(from)) {
        return APR_ENOTIMPL;
    }
    rv = s3_stat(from, io, key, &size);
    if (rv != APR_SUCCESS) {
        return rv; /* TT_STORAGE_REFUSED: said why (tt_storage_refusal) */
    }
    if (size > TT_S3_SINGLE_MAX) {
        tt_log(&io->log, SVC_LOG_WARNING, 0, TTLOGNO(01209), "S3 copy of %s "
               "from region %s into region %s: %" APR_OFF_T_FMT " bytes is "
               "more than one request may copy (5 GiB; multipart copies are "
               "not implemented)", key, from->name, rg->name, size);
        return APR_ENOTIMPL;
    }
    if (tt_s3_same_store(rg, from)) {
        return copy_object(rg, from, io, key, size);
    }
    return copy_via_file(rg, from, io, key);
}

const tt_storage_ops_t tt_s3_ops = {
    "s3",
    s3_put_url,
    s3_get_url,
    s3_stat,
    s3_sha512,
    s3_remove,
    s3_copy
};
