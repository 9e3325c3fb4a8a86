/* What clients send, checked before the database is touched: query strings
 * (spec §2.1 strict validation, D6), path ids, the POST /upload body (§2.5
 * steps 1-4 and the per-file checks of step 9 that need no database, with
 * D15's 400s instead of upstream's 500s) and PATCH /file ops (§2.10, D15).
 * Messages are upstream's (connexion/jsonschema style for schema errors,
 * Appendix B for the handlers'). Functions return NULL when the input is
 * fine, else the 400 `detail` (from p). Pure: unit-tested. */
#ifndef TT_INPUT_H
#define TT_INPUT_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_tables.h>
#include <jansson.h>

extern const char *const tt_visibilities[];   /* "public", "internal", NULL */

/* Strict query validation of a raw query string (r->args, may be NULL):
 * every parameter name (URL-decoded) must be in `allowed` (NULL-terminated,
 * may be NULL), else "Extra query parameter(s) a, b not in spec" (names in
 * order of appearance, once each); then `required` (may be NULL) must be
 * present, else "Missing query parameter 'q'". */
const char *tt_query_check(apr_pool_t *p, const char *args,
                           const char *const *allowed, const char *required);

/* Text from a URL or an identity, made fit for a PostgreSQL text parameter:
 * every byte that is not part of valid UTF-8 (overlongs and surrogates
 * included) becomes U+FFFD, as werkzeug decoded upstream's query strings.
 * Returns s itself when it is already valid. */
const char *tt_utf8_clean(apr_pool_t *p, const char *s);

/* A batch id from the path: optional sign and decimal digits within a
 * PostgreSQL integer. 0 when it is not one (the caller answers 404). */
int tt_batch_id_parse(const char *s, int *id);

/* One entry of the body's "files" object. */
typedef struct {
    const char *filename;
    json_t *entry;                 /* borrowed from the body: put_url goes here */
    const char *visibility;
    const char *algorithm;         /* filled by tt_upload_file_check */
    const char *digest;
    apr_int64_t size;
} tt_upload_file_t;

typedef struct {
    const char *message;
    apr_array_header_t *files;        /* tt_upload_file_t, body order */
    apr_array_header_t *visibilities; /* const char *, distinct, body order */
} tt_upload_t;

/* Steps 1-4 of POST /upload: the UploadBatch schema, then "message must be
 * non-empty", "a batch must include at least one file", "Author must NOT be
 * specified for upload.". Fills u on success. */
const char *tt_upload_parse(apr_pool_t *p, json_t *body, tt_upload_t *u);

/* The checks of step 9 that need no database, for one file in body order:
 * D15 "file <f> is missing <key>" (algorithm, digest, size), the algorithm,
 * the digest, D15 "duplicate digest <d> in batch" (`seen` collects the
 * digests of the batch), D15 "size must be non-negative". */
const char *tt_upload_file_check(apr_pool_t *p, tt_upload_file_t *f,
                                 apr_hash_t *seen);

/* PATCH /file/sha512/{digest} ops. */
typedef enum { TT_OP_SET_VISIBILITY, TT_OP_DELETE_INSTANCES } tt_op_kind;

typedef struct {
    tt_op_kind kind;
    const char *visibility;        /* set_visibility; NULL when absent */
} tt_op_t;

/* The body schema (array of {op, visibility?}); fills *ops (tt_op_t). */
const char *tt_patch_parse(apr_pool_t *p, json_t *body,
                           apr_array_header_t **ops);

/* After the permission check: D15 "visibility is required for
 * set_visibility". */
const char *tt_patch_check(apr_pool_t *p, const apr_array_header_t *ops);

#endif
