/* Rows from ts_sql.c's statements -> the JSON documents of the API (spec
 * §2.1, §2.6, §2.7). Pure: unit-tested on hand-made rows. Every function
 * returns a new reference (NULL only when jansson is out of memory). */
#ifndef TS_RENDER_H
#define TS_RENDER_H

#include <apr_pools.h>
#include <jansson.h>
#include "svc_db.h"

/* The timestamp of to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.US') (or
 * PostgreSQL's ISO text "YYYY-MM-DD HH:MM:SS[.f]") as Python's isoformat() of
 * an aware UTC datetime: "2015-07-16T00:00:00+00:00",
 * "2019-09-30T08:36:57.123456+00:00" (no fraction when it is 0). */
const char *ts_render_when(apr_pool_t *p, const char *sql);

/* A stored tags column (JSON text) as an array. Legacy values are read
 * leniently: NULL, '' or invalid JSON -> [], a JSON string -> [it]. */
json_t *ts_render_tags(const char *text);

/* A stored last_state (JSON text) as the 8-key object, legacy keys
 * back-filled from upstream's DEFAULT_TREE (spec §1.4); other keys dropped. */
json_t *ts_render_last_state(const char *text);

/* Tree objects from ts_trees/ts_tree rows: exactly tree, status, reason,
 * message_of_the_day, tags, log_id, category. */
json_t *ts_render_tree(const svc_db_rows_t *rows, int row);
json_t *ts_render_trees_map(const svc_db_rows_t *rows);   /* {name: Tree} */
json_t *ts_render_trees_list(const svc_db_rows_t *rows);  /* [Tree] in row order */

/* Log entries from ts_logs rows (a row with a NULL id is skipped: the tree
 * has no logs). */
json_t *ts_render_logs(apr_pool_t *p, const svc_db_rows_t *rows);

/* Stack entries from ts_stack rows (one row per change-tree, ordered by
 * change): [{id, reason, status, when, who, trees: [{id, tree, last_state}]}]. */
json_t *ts_render_stack(apr_pool_t *p, const svc_db_rows_t *rows);

/* {"result": doc}, stealing the reference. */
json_t *ts_render_wrap(json_t *doc);

/* An integer column (NULL -> JSON null). */
json_t *ts_render_int(const char *cell);

#endif
