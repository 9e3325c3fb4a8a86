#include <string.h>
#include <apr_strings.h>
#include "svc_route.h"

unsigned svc_route_method(const char *method)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        {"GET", SVC_M_GET}, {"HEAD", SVC_M_HEAD}, {"POST", SVC_M_POST},
        {"PUT", SVC_M_PUT}, {"PATCH", SVC_M_PATCH}, {"DELETE", SVC_M_DELETE},
        {"OPTIONS", SVC_M_OPTIONS}, {NULL, 0}
    };
    int i;

    for (i = 0; method && names[i].name; i++) {
        if (!strcmp(method, names[i].name)) {
            return names[i].bit;
        }
    }
    return 0;
}

/* Matches one pattern against the path segment by segment; fills params. */
static int pattern_match(const char *pattern, const char *path,
                         apr_pool_t *p, svc_route_match_t *m)
{
    const char *pp = pattern, *sp = path;

    m->nparams = 0;
    while (*pp && *sp) {
        if (*pp == '{') {
            const char *pend = strchr(pp, '}');
            const char *send = strchr(sp, '/');
            apr_size_t n = send ? (apr_size_t)(send - sp) : strlen(sp);

            if (!pend || n == 0 || m->nparams == SVC_ROUTE_MAX_PARAMS) {
                return 0;
            }
            m->names[m->nparams] = apr_pstrndup(p, pp + 1, pend - pp - 1);
            m->values[m->nparams] = apr_pstrndup(p, sp, n);
            m->nparams++;
            pp = pend + 1;
            sp += n;
        }
        else if (*pp == *sp) {
            pp++;
            sp++;
        }
        else {
            return 0;
        }
    }
    return *pp == '\0' && *sp == '\0';
}

svc_route_result svc_route_find(apr_pool_t *p, const svc_route_t *table,
                                const char *method, const char *path,
                                svc_route_match_t *m)
{
    unsigned want = svc_route_method(method);
    svc_route_match_t probe;
    int i;

    memset(m, 0, sizeof(*m));
    if (want == SVC_M_HEAD) {
        want = SVC_M_GET;
    }
    for (i = 0; table[i].pattern; i++) {
        if (!pattern_match(table[i].pattern, path, p, &probe)) {
            continue;
        }
        m->allowed |= table[i].methods;
        if (!m->route && (table[i].methods & want)) {
            unsigned allowed = m->allowed;
            *m = probe;
            m->route = &table[i];
            m->allowed = allowed;
        }
    }
    if (m->allowed == 0) {
        return SVC_ROUTE_NOT_FOUND;
    }
    m->allowed |= SVC_M_OPTIONS;
    if (m->allowed & SVC_M_GET) {
        m->allowed |= SVC_M_HEAD;
    }
    return m->route ? SVC_ROUTE_FOUND : SVC_ROUTE_METHOD_NOT_ALLOWED;
}

const char *svc_route_allow(apr_pool_t *p, unsigned allowed)
{
    static const struct { unsigned bit; const char *name; } order[] = {
        {SVC_M_GET, "GET"}, {SVC_M_HEAD, "HEAD"}, {SVC_M_POST, "POST"},
        {SVC_M_PUT, "PUT"}, {SVC_M_PATCH, "PATCH"}, {SVC_M_DELETE, "DELETE"},
        {SVC_M_OPTIONS, "OPTIONS"}
    };
    const char *out = NULL;
    size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (allowed & order[i].bit) {
            out = out ? apr_pstrcat(p, out, ", ", order[i].name, NULL)
                      : order[i].name;
        }
    }
    return out ? out : "";
}

const char *svc_route_param(const svc_route_match_t *m, const char *name)
{
    int i;

    for (i = 0; i < m->nparams; i++) {
        if (!strcmp(m->names[i], name)) {
            return m->values[i];
        }
    }
    return NULL;
}

const char *svc_route_relative(apr_pool_t *p, const char *uri, const char *base)
{
    apr_size_t n = base ? strlen(base) : 0;

    (void)p;
    while (n > 0 && base[n - 1] == '/') {
        n--; /* "/treestatus/" and "/" are written either way in configs */
    }
    if (!uri || strncmp(uri, base ? base : "", n) != 0) {
        return NULL;
    }
    uri += n;
    if (*uri == '\0') {
        return "/";
    }
    return *uri == '/' ? uri : NULL;
}
