#include <string.h>
#include <openssl/evp.h>
#include "svc_sha256.h"
#include "ts_etag.h"

void ts_etag_make(const char *body, apr_size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int i;

    if (!EVP_Digest(body, len, md, &mdlen, svc_sha256(), NULL) || mdlen < 16) {
        memset(md, 0, sizeof(md)); /* never happens with a working libcrypto */
    }
    out[0] = '"';
    for (i = 0; i < 16; i++) {
        out[1 + 2 * i] = hex[md[i] >> 4];
        out[2 + 2 * i] = hex[md[i] & 0x0f];
    }
    out[TS_ETAG_LEN - 1] = '"';
    out[TS_ETAG_LEN] = '\0';
}

static const char *skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return s;
}

int ts_etag_match(const char *header, const char *etag)
{
    apr_size_t elen = strlen(etag);
    const char *s;

    if (!header) {
        return 0;
    }
    s = skip_ows(header);
    if (*s == '*') {
        return *skip_ows(s + 1) == '\0';
    }
    for (;;) {
        const char *tag, *end;

        while (*s == ',' || *s == ' ' || *s == '\t') {
            s++; /* empty list elements are allowed (RFC 9110 §5.6.1) */
        }
        if (!*s) {
            break;
        }
        if (s[0] == 'W' && s[1] == '/') {
            s += 2;
        }
        if (*s != '"') {
            return 0;
        }
        tag = s;
        end = strchr(s + 1, '"');
        if (!end) {
            return 0;
        }
        if ((apr_size_t)(end + 1 - tag) == elen && !memcmp(tag, etag, elen)) {
            return 1;
        }
        s = skip_ows(end + 1);
        if (*s && *s != ',') {
            return 0;
        }
    }
    return 0;
}
