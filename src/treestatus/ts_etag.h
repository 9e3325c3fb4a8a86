/* Strong entity tags for the cached GET responses, and If-None-Match.
 * Pure: unit-tested. */
#ifndef TS_ETAG_H
#define TS_ETAG_H

#include <apr.h>

/* "\"" + 32 hex digits of SHA-256(body) + "\"" */
#define TS_ETAG_LEN 34

/* Writes the tag and a NUL into out (TS_ETAG_LEN + 1 bytes). */
void ts_etag_make(const char *body, apr_size_t len, char *out);

/* True when an If-None-Match header value matches the tag: "*", or a list
 * of entity tags one of which is the same, weak ones included (RFC 9110
 * §13.1.2 compares weakly). A malformed header matches nothing. */
int ts_etag_match(const char *if_none_match, const char *etag);

#endif
