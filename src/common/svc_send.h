/* [ap] Writing responses: status, content type, length and body in one call,
 * so no path forgets a part. Every function returns OK for the handler to
 * return. */
#ifndef SVC_SEND_H
#define SVC_SEND_H

#include "svc_req.h"

/* JSON body (borrowed reference), Content-Type application/json. GET/HEAD
 * responses get Cache-Control: no-cache unless the handler set one. */
int svc_send_json(svc_req_t *req, int status, const json_t *body);

/* Pre-rendered bytes with a content type (cached responses, text). */
int svc_send_bytes(svc_req_t *req, int status, const char *content_type,
                   const char *body, apr_size_t len);

/* The module's problem document; detail NULL = the reason's default text. */
int svc_send_problem(svc_req_t *req, int status, const char *detail);
int svc_send_problem_r(request_rec *r, svc_problem_style style, int status,
                       const char *detail);

/* 503 for SVC_DB_UNAVAILABLE (and NULL connections), 500 otherwise. */
int svc_send_db_error(svc_req_t *req, int rc);

/* 204 No Content (also used for OPTIONS). */
int svc_send_empty(svc_req_t *req, int status);

#endif
