/* Rows of tt_sql.c's statements -> the JSON documents of the API (spec
 * §1.4). Pure: unit-tested on hand-made rows. Functions return new
 * references (NULL only when jansson is out of memory). */
#ifndef TT_RENDER_H
#define TT_RENDER_H

#include <apr_pools.h>
#include <jansson.h>
#include "svc_db.h"

/* to_char(uploaded, 'YYYY-MM-DD"T"HH24:MI:SS.US') (or PostgreSQL's own
 * "YYYY-MM-DD HH:MM:SS[.f]") as upstream's isoformat() + "Z" (D17):
 * "2026-05-04T18:37:33.123456Z", without the fraction when it is 0. */
const char *tt_render_uploaded(apr_pool_t *p, const char *sql);

/* A File from a row with columns sha512, size, visibility, has_instances
 * and, when with_instances, instances (a JSON array as text):
 * {"algorithm", "digest", "has_instances", "size", "visibility"[, "instances"]}. */
json_t *tt_render_file(const svc_db_rows_t *rows, int row, int with_instances);

/* [File] in row order. */
json_t *tt_render_files(const svc_db_rows_t *rows);

/* Batches from rows ordered by batch id, one row per (batch, file) with
 * columns id, uploaded, author, message, filename (NULL for a batch with no
 * file) and the File columns: [{"author", "files": {name: File}, "id",
 * "message", "uploaded"}]. */
json_t *tt_render_batches(apr_pool_t *p, const svc_db_rows_t *rows);

/* {"result": doc}, stealing the reference. */
json_t *tt_render_wrap(json_t *doc);

/* A decimal column (bigint) as an integer; 0 for NULL or garbage. */
apr_int64_t tt_render_int64(const char *cell);

#endif
