/* [ap] Reading request bodies: capped (413 past the cap, checked against
 * Content-Length first and while reading, chunked bodies included), content
 * type checked (415), strict JSON (400). */
#ifndef SVC_BODY_H
#define SVC_BODY_H

#include "svc_req.h"

/* Reads the whole body (at most req->loc->max_body bytes). Returns 0 with
 * buf and len set, or an HTTP status after having sent the problem. */
int svc_body_read(svc_req_t *req, const char **buf, apr_size_t *len);

/* Content type must be application/json (parameters allowed); the body must
 * parse strictly and be of type `want` (JSON_OBJECT, JSON_ARRAY, -1 = any).
 * Returns 0 with *out set (owned by r->pool), or an HTTP status after having
 * sent the problem: the caller just returns OK. */
int svc_body_json(svc_req_t *req, int want, json_t **out);

#endif
