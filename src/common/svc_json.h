/* JSON helpers over jansson, tied to APR pools.
 *
 * Request bodies are parsed strictly: duplicate keys are rejected (two
 * different "status" values must not be resolved silently), and the caller
 * states which top-level type it accepts. Messages are the ones connexion
 * gave the upstream services, so clients see the same `detail` texts. */
#ifndef SVC_JSON_H
#define SVC_JSON_H

#include <apr_pools.h>
#include <jansson.h>

/* Ties a reference to a pool: json_decref runs when the pool is cleared, so
 * early returns never leak. Returns j. */
json_t *svc_json_own(apr_pool_t *p, json_t *j);

/* Parses a request body. `want` is JSON_OBJECT, JSON_ARRAY or -1 (any).
 * Returns the value (owned by p) or NULL with *err set to the client message. */
json_t *svc_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                       int want, const char **err);

/* Compact serialisation with sorted keys into pool memory (NUL-terminated). */
char *svc_json_dump(apr_pool_t *p, const json_t *j, apr_size_t *len);

/* Python-style short rendering of a value for messages: 'text', True, None, 3, [...]. */
const char *svc_json_repr(apr_pool_t *p, const json_t *j);

/* Field checks in the style of jsonschema messages.
 *   "'trees' is a required property"       (SVC_JSON_REQUIRED and absent)
 *   "'yes' is not of type 'boolean'"        (wrong type)
 * SVC_JSON_NULLABLE accepts null. Returns NULL when the field is fine or
 * absent-and-optional, else the message (from p). */
#define SVC_JSON_REQUIRED 1
#define SVC_JSON_NULLABLE 2
typedef enum {
    SVC_JT_STRING, SVC_JT_INTEGER, SVC_JT_BOOLEAN, SVC_JT_ARRAY, SVC_JT_OBJECT,
    SVC_JT_STRING_ARRAY /* array whose items are all strings */
} svc_json_type;
const char *svc_json_check(apr_pool_t *p, const json_t *obj, const char *key,
                           svc_json_type type, int flags);

/* A JSON string even for text that is not valid UTF-8 (invalid bytes become
 * '?'): for messages that quote client input. Never NULL for non-NULL s. */
json_t *svc_json_string_lossy(const char *s);

/* The string at key, or NULL when absent/null/not a string. */
const char *svc_json_str(const json_t *obj, const char *key);

#endif
