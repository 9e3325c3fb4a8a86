#include <ctype.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include "tt_conf.h"
#include "tt_s3.h"

static tt_conf_t the_conf;

void tt_conf_init(tt_conf_t *c, apr_pool_t *p)
{
    memset(c, 0, sizeof(*c));
    c->pool = p;
    c->regions = apr_array_make(p, 2, sizeof(tt_region_t *));
    c->upload_expires = TT_DEFAULT_EXPIRES;
    c->download_expires = TT_DEFAULT_EXPIRES;
    c->anonymous_public = 1;
    c->inline_max = TT_DEFAULT_INLINE_MAX;
    c->sweep_interval = TT_DEFAULT_SWEEP;
    c->abandon_after = TT_DEFAULT_ABANDON;
    c->s3_timeout = TT_DEFAULT_S3_TIMEOUT;
    c->client_url = TT_DEFAULT_CLIENT_URL;
}

const char *tt_conf_set_client_url(tt_conf_t *c, const char *arg)
{
    apr_uri_t uri;
    const char *u;

    if (!strcasecmp(arg, "none")) {
        c->client_url = NULL;
        return NULL;
    }
    for (u = arg; *u; u++) {
        if ((unsigned char)*u <= ' ' || (unsigned char)*u >= 0x7f) {
            return "expected an absolute http(s) URL or 'none' (no spaces "
                   "or control characters)";
        }
    }
    if (apr_uri_parse(c->pool, arg, &uri) != APR_SUCCESS || !uri.scheme
        || (strcasecmp(uri.scheme, "https") && strcasecmp(uri.scheme, "http"))
        || !uri.hostname || !*uri.hostname) {
        return "expected an absolute http(s) URL or 'none'";
    }
    c->client_url = apr_pstrdup(c->pool, arg);
    return NULL;
}

tt_conf_t *tt_conf_get(void)
{
    return &the_conf;
}

const tt_region_t *tt_conf_region(const tt_conf_t *c, const char *name)
{
    int i;

    for (i = 0; name && c->regions && i < c->regions->nelts; i++) {
        const tt_region_t *rg = APR_ARRAY_IDX(c->regions, i, tt_region_t *);
        if (!strcmp(rg->name, name)) {
            return rg;
        }
    }
    return NULL;
}

static const char *remove_region(tt_conf_t *c, const char *name)
{
    apr_array_header_t *kept = apr_array_make(c->pool, c->regions->nelts,
                                              sizeof(tt_region_t *));
    int i;

    for (i = 0; i < c->regions->nelts; i++) {
        tt_region_t *rg = APR_ARRAY_IDX(c->regions, i, tt_region_t *);
        if (strcmp(rg->name, name)) {
            APR_ARRAY_PUSH(kept, tt_region_t *) = rg;
        }
    }
    c->regions = kept;
    return NULL;
}

const char *tt_conf_add_region(tt_conf_t *c, int argc, const char *const *argv)
{
    tt_region_t *rg;
    const char *err;

    if (argc < 2) {
        return "expected: <region> <type> <arguments...>, e.g. "
               "'us-east-1 local /var/lib/tooltool'";
    }
    if (!strcmp(argv[1], "none")) {
        return argc == 2 ? remove_region(c, argv[0])
                         : "<region> none takes no other argument";
    }
    if (tt_conf_region(c, argv[0])) {
        return apr_psprintf(c->pool, "region %s is configured twice (to "
                            "replace it, 'TooltoolRegion %s none' first)",
                            argv[0], argv[0]);
    }
    err = tt_region_make(c->pool, argv[0], argv[1], argc - 2, argv + 2,
                         &c->secret, &rg);
    if (err) {
        return err;
    }
    if (tt_s3_is(rg)) {
        tt_s3_set_timeout(rg, &c->s3_timeout); /* may be set later */
    }
    APR_ARRAY_PUSH(c->regions, tt_region_t *) = rg;
    return NULL;
}

const char *tt_conf_set_secret(tt_conf_t *c, const char *origin,
                               const char *text)
{
    const char *start = text;
    apr_size_t n;

    if (c->secret_origin) {
        return apr_psprintf(c->pool, "the signing key is already set by %s",
                            c->secret_origin);
    }
    while (*start && isspace((unsigned char)*start)) {
        start++;
    }
    n = strlen(start);
    while (n > 0 && isspace((unsigned char)start[n - 1])) {
        n--;
    }
    if (n < TT_SIGN_MIN_SECRET) {
        return apr_psprintf(c->pool, "the signing key must be at least %d "
                            "bytes long (e.g. openssl rand -hex 32)",
                            TT_SIGN_MIN_SECRET);
    }
    c->secret.bytes = (const unsigned char *)apr_pstrndup(c->pool, start, n);
    c->secret.len = n;
    c->secret_origin = origin;
    return NULL;
}

const char *tt_conf_seconds(apr_pool_t *p, const char *arg, apr_int64_t min,
                            apr_int64_t max, apr_int64_t *out)
{
    char *end;
    apr_int64_t v;

    if (!arg || !*arg || !isdigit((unsigned char)*arg)) {
        v = -1;
    }
    else {
        v = apr_strtoi64(arg, &end, 10);
        if (*end || v < 0) {
            v = -1;
        }
    }
    if (v < min || v > max) {
        return apr_psprintf(p, "expected whole seconds from %" APR_INT64_T_FMT
                            " to %" APR_INT64_T_FMT ", got '%s'", min, max,
                            arg ? arg : "");
    }
    *out = v;
    return NULL;
}

const char *tt_conf_bytes(apr_pool_t *p, const char *arg, apr_off_t *out)
{
    apr_int64_t v, mult = 1;
    char *end;

    if (!arg || !isdigit((unsigned char)*arg)) {
        goto bad;
    }
    v = apr_strtoi64(arg, &end, 10);
    switch (*end) {
    case 'k': case 'K': mult = APR_INT64_C(1) << 10; end++; break;
    case 'm': case 'M': mult = APR_INT64_C(1) << 20; end++; break;
    case 'g': case 'G': mult = APR_INT64_C(1) << 30; end++; break;
    default: break;
    }
    if (*end || v < 0 || v > APR_INT64_MAX / mult) {
        goto bad;
    }
    *out = (apr_off_t)(v * mult);
    return NULL;
bad:
    return apr_psprintf(p, "expected a byte count (digits, optional K, M or G "
                        "suffix), got '%s'", arg ? arg : "");
}
