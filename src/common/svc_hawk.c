/* Hawk verification with Taskcluster's ext (temporary credentials,
 * authorizedScopes). See svc_hawk.h for what is reproduced from where;
 * the reason texts are hawk's and the auth service's where they have one. */
#include <stdlib.h>
#include <string.h>
#include <apr_base64.h>
#include <apr_strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "svc_hawk.h"
#include "svc_sha256.h"

#define CERT_SKEW_MS (5 * 60 * 1000)             /* auth service: 5 min */
#define CERT_MAX_MS ((apr_int64_t)31 * 24 * 60 * 60 * 1000)

const char *svc_hawk_status_name(svc_hawk_status_e status)
{
    static const char *const names[] = {
        "ok", "not-hawk", "malformed", "unknown-client", "bad-ext",
        "bad-certificate", "certificate-time", "insufficient-scopes",
        "bad-mac", "missing-hash", "bad-hash", "stale-timestamp", "error"
    };

    if ((unsigned)status < sizeof(names) / sizeof(names[0])) {
        return names[status];
    }
    return "unknown";
}

/* ---- small helpers (ASCII only: headers are not locale text) ---------- */

static int is_word(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_';
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static char *ascii_case(apr_pool_t *p, const char *s, int upper)
{
    char *out = apr_pstrdup(p, s ? s : ""), *c;

    for (c = out; *c; c++) {
        if (upper && *c >= 'a' && *c <= 'z') {
            *c -= 'a' - 'A';
        }
        else if (!upper && *c >= 'A' && *c <= 'Z') {
            *c += 'a' - 'A';
        }
    }
    return out;
}

static const char *b64(apr_pool_t *p, const unsigned char *d, int len)
{
    char *out = apr_palloc(p, apr_base64_encode_len(len));

    apr_base64_encode_binary(out, d, len);
    return out;
}

/* Either base64 alphabet; -1 for anything else. */
static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
        return 62;
    }
    if (c == '/' || c == '_') {
        return 63;
    }
    return -1;
}

/* Base64 as Node's Buffer.from(s, 'base64') reads what clients send:
 * either alphabet (the Python client sends URL-safe ext), padding
 * optional. Stricter than Node about stray characters. */
static int b64_decode(apr_pool_t *p, const char *s, unsigned char **out,
                      apr_size_t *outlen)
{
    apr_size_t len = strlen(s), i, n = 0;
    unsigned int acc = 0;
    int bits = 0;
    unsigned char *d;

    while (len > 0 && s[len - 1] == '=') {
        len--;
    }
    if (strlen(s) - len > 2 || len % 4 == 1) {
        return 0;
    }
    d = apr_palloc(p, len * 3 / 4 + 1);
    for (i = 0; i < len; i++) {
        int v = b64_value(s[i]);

        if (v < 0) {
            return 0;
        }
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            d[n++] = (acc >> bits) & 0xff;
        }
    }
    d[n] = '\0';
    *out = d;
    *outlen = n;
    return 1;
}

static int str_equal_ct(const char *a, const char *b)
{
    apr_size_t la = strlen(a);

    return la == strlen(b) && CRYPTO_memcmp(a, b, la) == 0;
}

static void hmac256(const char *key, const char *data, apr_size_t len,
                    unsigned char out[32])
{
    if (!svc_hmac_sha256(key, strlen(key), data, len, out)) {
        memset(out, 0, 32); /* compares unequal to any real MAC's base64 */
    }
}

/* ---- header ------------------------------------------------------------ */

static const struct {
    const char *name;
    apr_size_t off;
} attr_names[] = {
    { "id", APR_OFFSETOF(svc_hawk_attrs_t, id) },
    { "ts", APR_OFFSETOF(svc_hawk_attrs_t, ts) },
    { "nonce", APR_OFFSETOF(svc_hawk_attrs_t, nonce) },
    { "hash", APR_OFFSETOF(svc_hawk_attrs_t, hash) },
    { "ext", APR_OFFSETOF(svc_hawk_attrs_t, ext) },
    { "mac", APR_OFFSETOF(svc_hawk_attrs_t, mac) },
    { "app", APR_OFFSETOF(svc_hawk_attrs_t, app) },
    { "dlg", APR_OFFSETOF(svc_hawk_attrs_t, dlg) },
};

/* hawk's attributeRegex: printable ASCII but `"` and `\`, at least one. */
static int attr_value_ok(const char *v, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            return 0;
        }
    }
    return len > 0;
}

svc_hawk_status_e svc_hawk_parse(apr_pool_t *p, const char *header,
                                 svc_hawk_attrs_t *attrs, const char **reason)
{
    const char *c = header, *start;

    memset(attrs, 0, sizeof(*attrs));
    *reason = "Not a Hawk Authorization header";
    if (!header) {
        return SVC_HAWK_NOT_HAWK;
    }
    /* `scheme[ attributes]`: another scheme is not ours to judge */
    while (is_word(*c)) {
        c++;
    }
    if (c - header != 4 || strncasecmp(header, "hawk", 4) != 0) {
        return SVC_HAWK_NOT_HAWK;
    }
    if (strlen(header) > SVC_HAWK_MAX_HEADER) {
        *reason = "Header length too long";
        return SVC_HAWK_MALFORMED;
    }
    if (!is_space(*c) || strpbrk(header, "\r\n")) {
        *reason = "Invalid header syntax";
        return SVC_HAWK_MALFORMED;
    }
    while (is_space(*c)) {
        c++;
    }
    if (!*c) {
        *reason = "Invalid header syntax";
        return SVC_HAWK_MALFORMED;
    }
    /* hawk: every part must match (\w+)="([^"\\]*)"\s*(?:,\s*|$) */
    while (*c) {
        const char *name, *value, **slot = NULL;
        apr_size_t nlen, vlen, i;

        for (start = c; is_word(*c); c++) {
        }
        name = start;
        nlen = c - start;
        if (nlen == 0 || c[0] != '=' || c[1] != '"') {
            *reason = "Bad header format";
            return SVC_HAWK_MALFORMED;
        }
        for (start = c += 2; *c && *c != '"' && *c != '\\'; c++) {
        }
        if (*c != '"') {
            *reason = "Bad header format";
            return SVC_HAWK_MALFORMED;
        }
        value = start;
        vlen = c - start;
        for (c++; is_space(*c); c++) {
        }
        if (*c == ',') {
            for (c++; is_space(*c); c++) {
            }
        }
        else if (*c) {
            *reason = "Bad header format";
            return SVC_HAWK_MALFORMED;
        }
        for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
            if (strlen(attr_names[i].name) == nlen
                && memcmp(attr_names[i].name, name, nlen) == 0) {
                slot = (const char **)((char *)attrs + attr_names[i].off);
            }
        }
        if (!slot) {
            *reason = apr_psprintf(p, "Unknown attribute: %.*s", (int)nlen,
                                   name);
            return SVC_HAWK_MALFORMED;
        }
        if (!attr_value_ok(value, vlen)) {
            *reason = apr_psprintf(p, "Bad attribute value: %.*s", (int)nlen,
                                   name);
            return SVC_HAWK_MALFORMED;
        }
        if (*slot) {
            *reason = apr_psprintf(p, "Duplicate attribute: %.*s", (int)nlen,
                                   name);
            return SVC_HAWK_MALFORMED;
        }
        *slot = apr_pstrmemdup(p, value, vlen);
    }
    *reason = NULL;
    return SVC_HAWK_OK;
}

/* ---- MAC and payload hash ------------------------------------------------ */

/* hawk signs the path of an absolute URI (a proxy's request line):
 * http://h/p?q#f -> /p?q, http://h?q -> /?q, http://h -> / */
static const char *origin_form(apr_pool_t *p, const char *resource)
{
    const char *c, *end;

    if (!resource || resource[0] == '/' || !(c = strstr(resource, "://"))) {
        return resource ? resource : "";
    }
    c += strcspn(c + 3, "/?#") + 3;
    end = c + strcspn(c, "#");
    if (c == end) {
        return "/";
    }
    return apr_pstrcat(p, *c == '?' ? "/" : "",
                       apr_pstrmemdup(p, c, end - c), NULL);
}

const char *svc_hawk_normalized(apr_pool_t *p, const char *type,
                                const svc_hawk_attrs_t *attrs,
                                const char *method, const char *resource,
                                const char *host, unsigned int port)
{
    const char *ext = "";

    if (attrs->ext) {
        /* hawk escapes these; parsed headers cannot contain them, but
         * callers signing their own strings can */
        const char *c;
        char *e = apr_palloc(p, 2 * strlen(attrs->ext) + 1), *o = e;

        for (c = attrs->ext; *c; c++) {
            if (*c == '\\' || *c == '\n') {
                *o++ = '\\';
                *o++ = *c == '\n' ? 'n' : '\\';
            }
            else {
                *o++ = *c;
            }
        }
        *o = '\0';
        ext = e;
    }
    return apr_psprintf(p, "hawk.1.%s\n%s\n%s\n%s\n%s\n%s\n%u\n%s\n%s\n%s",
                        type, attrs->ts ? attrs->ts : "",
                        attrs->nonce ? attrs->nonce : "",
                        ascii_case(p, method, 1), origin_form(p, resource),
                        ascii_case(p, host, 0), port,
                        attrs->hash ? attrs->hash : "", ext,
                        attrs->app ? apr_pstrcat(p, attrs->app, "\n",
                                                 attrs->dlg ? attrs->dlg : "",
                                                 "\n", NULL)
                                   : "");
}

const char *svc_hawk_mac(apr_pool_t *p, const char *key,
                         const char *normalized)
{
    unsigned char mac[32];

    hmac256(key, normalized, strlen(normalized), mac);
    return b64(p, mac, sizeof(mac));
}

/* hawk's payload hash into out (base64, 44 characters + NUL). No pool:
 * it also runs after the request body was read, per request. */
static void payload_hash(const char *content_type, const char *body,
                         apr_size_t len, char out[45])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[32];
    unsigned int n = sizeof(md);
    const char *ct = content_type ? content_type : "", *end;
    char low[64];

    /* hawk's parseContentType: before any `;`, trimmed, lower case */
    end = strchr(ct, ';');
    end = end ? end : ct + strlen(ct);
    while (ct < end && (is_space(*ct) || *ct == '\r' || *ct == '\n')) {
        ct++;
    }
    while (end > ct && (is_space(end[-1]) || end[-1] == '\r'
                        || end[-1] == '\n')) {
        end--;
    }
    EVP_DigestInit_ex(ctx, svc_sha256(), NULL);
    EVP_DigestUpdate(ctx, "hawk.1.payload\n", 15);
    while (ct < end) {
        apr_size_t k = 0;

        for (; ct < end && k < sizeof(low); ct++, k++) {
            low[k] = (*ct >= 'A' && *ct <= 'Z') ? *ct + ('a' - 'A') : *ct;
        }
        EVP_DigestUpdate(ctx, low, k);
    }
    EVP_DigestUpdate(ctx, "\n", 1);
    if (len) {
        EVP_DigestUpdate(ctx, body, len);
    }
    EVP_DigestUpdate(ctx, "\n", 1);
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_MD_CTX_free(ctx);
    apr_base64_encode_binary(out, md, sizeof(md));
}

const char *svc_hawk_payload_hash(apr_pool_t *p, const char *content_type,
                                  const char *body, apr_size_t len)
{
    char out[45];

    payload_hash(content_type, body, len, out);
    return apr_pstrdup(p, out);
}

svc_hawk_status_e svc_hawk_check_payload(const svc_hawk_result_t *res,
                                         const char *content_type,
                                         const char *body, apr_size_t len)
{
    char out[45];

    if (!res->attrs.hash) {
        return SVC_HAWK_MISSING_HASH;
    }
    payload_hash(content_type, body, len, out);
    return str_equal_ct(out, res->attrs.hash) ? SVC_HAWK_OK
                                              : SVC_HAWK_BAD_HASH;
}

const char *svc_hawk_replay_key(apr_pool_t *p, const char *id,
                                const char *ts, const char *nonce)
{
    /* None of the three can hold a newline, so the join is unambiguous;
     * hashing bounds the size an attacker can make us store. */
    const char *s = apr_pstrcat(p, id, "\n", ts, "\n", nonce, NULL);
    unsigned char md[32];
    unsigned int n = sizeof(md);
    char *hex = apr_palloc(p, 65);

    EVP_Digest(s, strlen(s), md, &n, svc_sha256(), NULL);
    for (n = 0; n < 32; n++) {
        apr_snprintf(hex + 2 * n, 3, "%02x", md[n]);
    }
    return hex;
}

/* ---- Taskcluster ext ------------------------------------------------------ */

static apr_status_t json_cleanup(void *data)
{
    json_decref(data);
    return APR_SUCCESS;
}

/* JavaScript truthiness, since the auth service tests `if (ext.x)`. */
static int truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v)) {
        return 0;
    }
    if (json_is_string(v)) {
        return json_string_length(v) > 0;
    }
    if (json_is_number(v)) {
        return json_number_value(v) != 0;
    }
    return 1;
}

static svc_hawk_status_e fail(svc_hawk_result_t *res, svc_hawk_status_e st,
                              const char *reason)
{
    res->status = st;
    res->reason = reason;
    res->scopes = NULL;
    return st;
}

/* Scopes from a JSON array of valid scope strings, or NULL. */
static apr_array_header_t *json_scopes(apr_pool_t *p, const json_t *arr)
{
    apr_array_header_t *a;
    size_t i;

    if (!json_is_array(arr)) {
        return NULL;
    }
    a = apr_array_make(p, (int)json_array_size(arr) + 1, sizeof(char *));
    for (i = 0; i < json_array_size(arr); i++) {
        const json_t *s = json_array_get(arr, i);

        if (!json_is_string(s) || !svc_scope_valid(json_string_value(s))) {
            return NULL;
        }
        APR_ARRAY_PUSH(a, const char *) = json_string_value(s);
    }
    return a;
}

static svc_scope_expr_t *all_of(apr_pool_t *p, const apr_array_header_t *s)
{
    svc_scope_expr_t *e = apr_pcalloc(p, sizeof(*e));
    const svc_scope_expr_t **kids = apr_pcalloc(p, (s->nelts + 1)
                                                   * sizeof(*kids));
    int i;

    for (i = 0; i < s->nelts; i++) {
        kids[i] = svc_scope_expr_scope(p, APR_ARRAY_IDX(s, i, const char *));
    }
    e->type = SVC_SCOPE_EXPR_ALLOF;
    e->nkids = s->nelts;
    e->kids = kids;
    return e;
}

static apr_array_header_t *with_anonymous(apr_pool_t *p,
                                          const svc_hawk_config_t *cfg,
                                          const apr_array_header_t *scopes)
{
    apr_array_header_t *a = apr_array_copy(p, scopes);

    if (cfg->grant_anonymous) {
        APR_ARRAY_PUSH(a, const char *) = "assume:anonymous";
    }
    return svc_scopes_expand(p, cfg->roles, a);
}

/* The auth service's limitClientWithExt for `certificate`: on success the
 * key becomes the temporary access token and the scopes the certificate's. */
static svc_hawk_status_e check_certificate(apr_pool_t *p,
                                           const svc_hawk_request_t *req,
                                           const json_t *cert,
                                           const char *name,
                                           const char *issuer,
                                           const char **key,
                                           const apr_array_header_t **scopes,
                                           svc_hawk_result_t *res)
{
    const json_t *v, *seed, *start, *expiry, *sig;
    apr_array_header_t *cscopes;
    apr_int64_t now_ms = req->now * 1000, st, ex;
    const char *text;
    unsigned char mac[32];
    int named = strcmp(name, issuer) != 0, i;
    char *tmp;

    if (!json_is_object(cert)) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate must be a JSON object");
    }
    v = json_object_get(cert, "version");
    if (!json_is_number(v) || json_number_value(v) != 1) {
        return fail(res, SVC_HAWK_BAD_CERT, "ext.certificate.version must be 1");
    }
    seed = json_object_get(cert, "seed");
    if (!json_is_string(seed)) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate.seed must be a string");
    }
    if (json_string_length(seed) != 44) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate.seed must be 44 characters");
    }
    /* Integers only (JavaScript would also take 1.5 and sign "1.5"). */
    start = json_object_get(cert, "start");
    if (!json_is_integer(start)) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate.start must be a number");
    }
    expiry = json_object_get(cert, "expiry");
    if (!json_is_integer(expiry)) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate.expiry must be a number");
    }
    if (!json_is_array(json_object_get(cert, "scopes"))) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate.scopes must be an array");
    }
    cscopes = json_scopes(p, json_object_get(cert, "scopes"));
    if (!cscopes) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate.scopes must be an array of valid scopes");
    }
    st = json_integer_value(start);
    ex = json_integer_value(expiry);
    if (st > now_ms + CERT_SKEW_MS) {
        return fail(res, SVC_HAWK_CERT_TIME, "ext.certificate.start > now");
    }
    if (ex < now_ms - CERT_SKEW_MS) {
        return fail(res, SVC_HAWK_CERT_TIME, "ext.certificate.expiry < now");
    }
    if (ex - st > CERT_MAX_MS) {
        return fail(res, SVC_HAWK_BAD_CERT,
                    "ext.certificate cannot last longer than 31 days!");
    }
    if (named) {
        const char *create = apr_pstrcat(p, "auth:create-client:", name, NULL);

        if (!svc_scopes_match_any(*scopes, create)) {
            return fail(res, SVC_HAWK_SCOPES, apr_psprintf(p,
                        "ext.certificate issuer `%s` doesn't have `%s` for "
                        "supplied clientId.", issuer, create));
        }
    }
    else if (json_object_get(cert, "clientId")) {
        return fail(res, SVC_HAWK_BAD_CERT, "ext.certificate.clientId must "
                    "only be used with ext.certificate.issuer");
    }
    if (!svc_scopes_satisfy(*scopes, all_of(p, cscopes))) {
        return fail(res, SVC_HAWK_SCOPES, apr_psprintf(p,
                    "ext.certificate issuer `%s` doesn't satisfy all "
                    "certificate scopes %s.  The temporary credentials were "
                    "not generated correctly.", issuer,
                    cscopes->nelts ? apr_array_pstrcat(p, cscopes, ',') : ""));
    }

    /* The string the issuer signed (taskcluster-client
     * createTemporaryCredentials): scopes joined by newlines, no final one. */
    text = apr_psprintf(p, "version:1\n%sseed:%s\nstart:%" APR_INT64_T_FMT
                        "\nexpiry:%" APR_INT64_T_FMT "\nscopes:\n",
                        named ? apr_psprintf(p, "clientId:%s\nissuer:%s\n",
                                             name, issuer) : "",
                        json_string_value(seed), st, ex);
    for (i = 0; i < cscopes->nelts; i++) {
        text = apr_pstrcat(p, text, i ? "\n" : "",
                           APR_ARRAY_IDX(cscopes, i, const char *), NULL);
    }
    hmac256(*key, text, strlen(text), mac);
    sig = json_object_get(cert, "signature");
    if (!json_is_string(sig)
        || !str_equal_ct(json_string_value(sig), b64(p, mac, sizeof(mac)))) {
        return fail(res, SVC_HAWK_BAD_CERT, named
                    ? "ext.certificate.signature is not valid, or wrong "
                      "clientId provided"
                    : "ext.certificate.signature is not valid");
    }

    /* temporary access token: URL-safe base64 HMAC of the seed, no `=` */
    hmac256(*key, json_string_value(seed), json_string_length(seed), mac);
    tmp = apr_pstrdup(p, b64(p, mac, sizeof(mac)));
    for (i = 0; tmp[i]; i++) {
        if (tmp[i] == '+') {
            tmp[i] = '-';
        }
        else if (tmp[i] == '/') {
            tmp[i] = '_';
        }
        else if (tmp[i] == '=') {
            tmp[i] = '\0';
        }
    }
    *key = tmp;
    *scopes = cscopes;
    res->expires_ms = ex;
    return SVC_HAWK_OK;
}

/* Decode ext, and find whose credentials sign the request. */
static svc_hawk_status_e parse_ext(apr_pool_t *p, const char *id,
                                   svc_hawk_result_t *res,
                                   const char **issuer)
{
    unsigned char *raw;
    apr_size_t len;
    json_t *ext, *cert, *iss;

    *issuer = id;
    if (!b64_decode(p, res->attrs.ext, &raw, &len)
        || !(ext = json_loadb((const char *)raw, len,
                              JSON_REJECT_DUPLICATES, NULL))) {
        return fail(res, SVC_HAWK_BAD_EXT, "Failed to parse ext");
    }
    apr_pool_cleanup_register(p, ext, json_cleanup, apr_pool_cleanup_null);
    if (!json_is_object(ext)) {
        return fail(res, SVC_HAWK_BAD_EXT,
                    "Failed to parse ext (not a JSON object)");
    }
    res->ext = ext;
    cert = json_object_get(ext, "certificate");
    if (truthy(cert) && json_is_object(cert)
        && truthy(iss = json_object_get(cert, "issuer"))) {
        if (!json_is_string(iss)) {
            return fail(res, SVC_HAWK_BAD_CERT,
                        "ext.certificate.issuer must be a string");
        }
        if (strcmp(json_string_value(iss), id) == 0) {
            return fail(res, SVC_HAWK_BAD_CERT, "ext.certificate.issuer must "
                        "differ from the supplied clientId");
        }
        *issuer = apr_pstrdup(p, json_string_value(iss));
    }
    return SVC_HAWK_OK;
}

static svc_hawk_status_e load_credentials(apr_pool_t *p,
                                          const svc_hawk_config_t *cfg,
                                          const svc_hawk_request_t *req,
                                          svc_hawk_result_t *res,
                                          const char **key)
{
    const char *id = res->attrs.id, *issuer = id;
    const apr_array_header_t *raw = NULL, *scopes;
    const json_t *v;
    apr_status_t rv;

    if (res->attrs.ext && parse_ext(p, id, res, &issuer) != SVC_HAWK_OK) {
        return res->status;
    }
    rv = cfg->lookup(cfg->baton, p, issuer, key, &raw);
    if (rv == APR_NOTFOUND) {
        return fail(res, SVC_HAWK_UNKNOWN_CLIENT, apr_psprintf(p,
                    "Client with clientId '%s' not found", issuer));
    }
    if (rv != APR_SUCCESS || !*key) {
        return fail(res, SVC_HAWK_ERROR, apr_psprintf(p,
                    "Could not load the credentials of '%s'", issuer));
    }
    scopes = svc_scopes_expand(p, cfg->roles, raw);

    if (res->ext && truthy(v = json_object_get(res->ext, "certificate"))) {
        if (check_certificate(p, req, v, id, issuer, key, &scopes, res)
            != SVC_HAWK_OK) {
            return res->status;
        }
        res->issuer = issuer;
    }
    if (res->ext && truthy(v = json_object_get(res->ext,
                                               "authorizedScopes"))) {
        apr_array_header_t *authorized = json_scopes(p, v);
        const svc_scope_expr_t *missing;
        json_t *j;
        char *txt;

        if (!json_is_array(v)) {
            return fail(res, SVC_HAWK_BAD_EXT,
                        "ext.authorizedScopes must be an array");
        }
        if (!authorized) {
            return fail(res, SVC_HAWK_BAD_EXT,
                        "ext.authorizedScopes must be an array of valid "
                        "scopes");
        }
        scopes = with_anonymous(p, cfg, scopes);
        missing = svc_scopes_missing(p, scopes, all_of(p, authorized));
        if (missing) {
            j = svc_scope_expr_to_json(missing);
            txt = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
            fail(res, SVC_HAWK_SCOPES, apr_psprintf(p, "Supplied credentials "
                 "do not satisfy authorizedScopes (missing %s)", txt));
            free(txt);
            json_decref(j);
            return res->status;
        }
        scopes = authorized;
    }
    res->scopes = with_anonymous(p, cfg, scopes);
    return SVC_HAWK_OK;
}

svc_hawk_status_e svc_hawk_verify(apr_pool_t *p, const svc_hawk_config_t *cfg,
                                  const svc_hawk_request_t *req,
                                  svc_hawk_result_t *res)
{
    const char *reason, *key = NULL, *c;
    apr_int64_t skew = cfg->skew > 0 ? cfg->skew : SVC_HAWK_DEFAULT_SKEW;
    svc_hawk_status_e st;

    memset(res, 0, sizeof(*res));
    st = svc_hawk_parse(p, req->authorization, &res->attrs, &reason);
    if (st != SVC_HAWK_OK) {
        return fail(res, st, reason);
    }
    if (!res->attrs.id || !res->attrs.ts || !res->attrs.nonce
        || !res->attrs.mac) {
        return fail(res, SVC_HAWK_MALFORMED, "Missing attributes");
    }
    for (c = res->attrs.ts; *c >= '0' && *c <= '9'; c++) {
    }
    if (*c || c - res->attrs.ts > 15) {
        return fail(res, SVC_HAWK_MALFORMED,
                    "Bad attribute value: ts (not a number of seconds)");
    }
    res->ts = apr_atoi64(res->attrs.ts);
    res->client_id = res->attrs.id;

    if (load_credentials(p, cfg, req, res, &key) != SVC_HAWK_OK) {
        return res->status;
    }
    if (!str_equal_ct(svc_hawk_mac(p, key, svc_hawk_normalized(p, "header",
                      &res->attrs, req->method, req->resource, req->host,
                      req->port)), res->attrs.mac)) {
        return fail(res, SVC_HAWK_BAD_MAC, "Bad mac");
    }
    if (req->body || req->require_hash) {
        st = res->attrs.hash || req->require_hash
             ? svc_hawk_check_payload(res, req->content_type,
                                      req->body ? req->body : "",
                                      req->body ? req->body_len : 0)
             : SVC_HAWK_OK;
        if (st == SVC_HAWK_MISSING_HASH) {
            return fail(res, st, "Missing required payload hash");
        }
        if (st == SVC_HAWK_BAD_HASH) {
            return fail(res, st, "Bad payload hash");
        }
    }
    if (res->ts < req->now - skew || res->ts > req->now + skew) {
        return fail(res, SVC_HAWK_STALE, apr_psprintf(p, "Stale timestamp "
                    "(ts %" APR_INT64_T_FMT ", server time %" APR_INT64_T_FMT
                    ", allowed skew %" APR_INT64_T_FMT " s)", res->ts,
                    req->now, skew));
    }
    res->status = SVC_HAWK_OK;
    return SVC_HAWK_OK;
}
