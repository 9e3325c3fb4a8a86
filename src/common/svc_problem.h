/* The one error document of both modules (DESIGN.md "Errors"):
 *
 *   {"detail": D, "instance": "about:blank", "status": N,
 *    "title": "N <Reason>: D", "type": "about:blank"}
 *
 * mod_tooltool adds an "error" member holding the same keys plus "name"
 * (= title) and "description" (= detail): the real tooltool.py prints
 * error.name/error.description and crashes without them. */
#ifndef SVC_PROBLEM_H
#define SVC_PROBLEM_H

#include <jansson.h>

typedef enum {
    SVC_PROBLEM_PLAIN,   /* treestatus: application/problem+json */
    SVC_PROBLEM_WRAPPED  /* tooltool: application/json with "error" member */
} svc_problem_style;

/* Reason phrase as the upstream (werkzeug) services wrote it. */
const char *svc_http_reason(int status);

/* werkzeug's default description for a status, used when there is no message. */
const char *svc_problem_default_detail(int status);

/* New reference; detail NULL means the default description. */
json_t *svc_problem_make(int status, const char *detail, svc_problem_style style);

/* Content-Type for the style. */
const char *svc_problem_content_type(svc_problem_style style);

#endif
