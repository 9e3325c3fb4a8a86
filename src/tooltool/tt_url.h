/* Absolute URLs of the API itself, for the signed URLs of the local
 * storage backend.
 *
 * tooltool.py uses a put_url verbatim and, for an http:// URL without a
 * port, connects to port 443 (spec §5.5), so http URLs always carry an
 * explicit port. The host is the one the client addressed (Host header,
 * port included); without a Host header (HTTP/1.0), the server name and the
 * local port. Pure: unit-tested. */
#ifndef TT_URL_H
#define TT_URL_H

#include <apr_pools.h>
#include <apr_network_io.h>

/* "http://host:port" or "https://host[:port]". `scheme` is "http" or
 * "https" (anything else is taken as http); `host_header` may be NULL or
 * unusable (then server_name:local_port is used). */
const char *tt_url_origin(apr_pool_t *p, const char *scheme,
                          const char *host_header, const char *server_name,
                          apr_port_t local_port);

/* origin + base path without its trailing slashes: "http://h:1/tooltool". */
const char *tt_url_self(apr_pool_t *p, const char *origin, const char *base);

#endif
