/* What clients send, checked before anything touches the database: request
 * bodies (spec §2.8-§2.14 with decisions D4-D6, D11, D17, D20, D28), path ids
 * and tree names. Functions return NULL when the input is fine, else the
 * 400 `detail` text (allocated from p). Pure: unit-tested message by message. */
#ifndef TS_INPUT_H
#define TS_INPUT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>
#include <jansson.h>

#define TS_TREE_NAME_MAX 64  /* characters: the varchar(64) of the schema */

/* Statuses and categories clients may set (LA/DJ enums). */
extern const char *const ts_statuses[];    /* NULL-terminated */
extern const char *const ts_categories[];

/* PATCH /trees. Strings and tags are borrowed from the body; JSON null is
 * treated as absent (NULL), as upstream's `is not None` did. */
typedef struct {
    const json_t *body;          /* the request (for messages quoting it) */
    apr_array_header_t *trees;   /* const char *: de-duplicated, request order */
    const char *status;
    const char *reason;
    const char *motd;
    json_t *tags;                /* array of strings */
    int remember;                /* JSON true only */
} ts_update_t;

/* Types and shape only (checked first, no database needed). */
const char *ts_update_parse(apr_pool_t *p, json_t *body, ts_update_t *u);

/* The rules spec D6 orders after the trees' existence: tags when closing
 * (D5), remember's requirements (D6), then the status value (D4). */
const char *ts_update_check(apr_pool_t *p, const ts_update_t *u);

/* PUT /trees/{tree}: `url_tree` is the path's name. Absent fields default
 * (status "open", reason "", message_of_the_day "", category "other"). */
typedef struct {
    const char *tree;
    const char *status;
    const char *reason;
    const char *motd;
    const char *category;
} ts_new_tree_t;

const char *ts_new_tree_parse(apr_pool_t *p, json_t *body, const char *url_tree,
                              ts_new_tree_t *t);

/* PATCH /stack/{id} and PATCH /log/{id}: {"reason", "tags"}, both optional. */
typedef struct {
    const char *reason;
    json_t *tags;
} ts_amend_t;

const char *ts_amend_parse(apr_pool_t *p, json_t *body, ts_amend_t *a);

/* DELETE /trees2: {"trees": [...]}, names de-duplicated in request order.
 * (RS clients before 2019 sent a bare array; no client does any more.) */
const char *ts_names_parse(apr_pool_t *p, json_t *body,
                           apr_array_header_t **names);

/* `revert` of DELETE /stack/{id}: absent = 0 (discard), "0" or "1";
 * anything else is the returned message. */
const char *ts_revert_parse(const char *arg, int *revert);

/* A path id: decimal digits within a PostgreSQL integer. 0 when it is not
 * (the caller answers 404: such an id names nothing). */
int ts_id_parse(const char *s, int *id);

/* A name that can be a tree: valid UTF-8, 1 to TS_TREE_NAME_MAX characters.
 * Lookups of other names answer 404 without asking the database. */
int ts_tree_name_ok(const char *s);

/* A JSON array of the names (for the %s::jsonb parameters of ts_sql.c). */
char *ts_names_json(apr_pool_t *p, const apr_array_header_t *names);

/* Names joined with ", " (the 404 message of PATCH /trees). */
const char *ts_names_join(apr_pool_t *p, const apr_array_header_t *names);

#endif
