#include <string.h>
#include <apr_strings.h>
#include "tt_url.h"

/* A Host header we are willing to copy into a URL: a name, IPv4 or [IPv6]
 * literal and an optional numeric port; nothing that could end the
 * authority (/, ?, #, @, spaces). */
static int host_ok(const char *h)
{
    const char *c;

    if (!h || !*h || strlen(h) > 255) {
        return 0;
    }
    for (c = h; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
              || (*c >= '0' && *c <= '9') || *c == '.' || *c == '-'
              || *c == '_' || *c == ':' || *c == '[' || *c == ']')) {
            return 0;
        }
    }
    return 1;
}

/* Does the authority end in ":<digits>"? (an IPv6 literal's colons are
 * inside the brackets) */
static int has_port(const char *h)
{
    const char *colon = strrchr(h, ':');
    const char *bracket = strrchr(h, ']');

    if (!colon || (bracket && bracket > colon) || !colon[1]) {
        return 0;
    }
    for (colon++; *colon; colon++) {
        if (*colon < '0' || *colon > '9') {
            return 0;
        }
    }
    return 1;
}

const char *tt_url_origin(apr_pool_t *p, const char *scheme,
                          const char *host_header, const char *server_name,
                          apr_port_t local_port)
{
    int https = scheme && !strcmp(scheme, "https");
    const char *host;

    if (host_ok(host_header) && (has_port(host_header) || !strchr(host_header, ':')
                                 || host_header[0] == '[')) {
        host = host_header;
    }
    else {
        const char *name = host_ok(server_name) ? server_name : "localhost";
        if (strchr(name, ':') && name[0] != '[') {
            name = apr_pstrcat(p, "[", name, "]", NULL); /* bare IPv6 */
        }
        host = apr_psprintf(p, "%s:%u", name, (unsigned)local_port);
    }
    if (!https && !has_port(host)) {
        host = apr_pstrcat(p, host, ":80", NULL);
    }
    return apr_pstrcat(p, https ? "https://" : "http://", host, NULL);
}

const char *tt_url_self(apr_pool_t *p, const char *origin, const char *base)
{
    apr_size_t n = base ? strlen(base) : 0;

    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    return apr_pstrcat(p, origin, apr_pstrndup(p, base ? base : "", n), NULL);
}
