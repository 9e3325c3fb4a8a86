#include <string.h>
#include <apr_strings.h>
#include "svc_json.h"
#include "svc_time.h"
#include "tt_render.h"

const char *tt_render_uploaded(apr_pool_t *p, const char *sql)
{
    return svc_time_iso(p, sql, "Z");
}

apr_int64_t tt_render_int64(const char *cell)
{
    return cell ? apr_atoi64(cell) : 0;
}

static int is_true(const char *cell)
{
    /* PostgreSQL's text for booleans */
    return cell && (cell[0] == 't' || cell[0] == '1');
}

json_t *tt_render_file(const svc_db_rows_t *rows, int row, int with_instances)
{
    json_t *f = json_object();

    json_object_set_new(f, "algorithm", json_string("sha512"));
    json_object_set_new(f, "digest",
                        json_string(svc_db_get(rows, row, "sha512")));
    json_object_set_new(f, "size", json_integer(
                            tt_render_int64(svc_db_get(rows, row, "size"))));
    json_object_set_new(f, "visibility",
                        json_string(svc_db_get(rows, row, "visibility")));
    json_object_set_new(f, "has_instances", json_boolean(
                            is_true(svc_db_get(rows, row, "has_instances"))));
    if (with_instances) {
        const char *text = svc_db_get(rows, row, "instances");
        json_t *list = text ? json_loads(text, 0, NULL) : NULL;

        if (!json_is_array(list)) {
            json_decref(list);
            list = json_array();
        }
        json_object_set_new(f, "instances", list);
    }
    return f;
}

json_t *tt_render_files(const svc_db_rows_t *rows)
{
    json_t *out = json_array();
    int i;

    for (i = 0; rows && i < rows->nrows; i++) {
        json_array_append_new(out, tt_render_file(rows, i, 0));
    }
    return out;
}

json_t *tt_render_batches(apr_pool_t *p, const svc_db_rows_t *rows)
{
    json_t *out = json_array(), *batch = NULL, *files = NULL;
    const char *current = NULL;
    int i;

    for (i = 0; rows && i < rows->nrows; i++) {
        const char *id = svc_db_get(rows, i, "id");
        const char *filename = svc_db_get(rows, i, "filename");

        if (!id) {
            continue;
        }
        if (!current || strcmp(current, id)) {
            current = id;
            batch = json_object();
            files = json_object();
            json_object_set_new(batch, "id", json_integer(tt_render_int64(id)));
            json_object_set_new(batch, "uploaded", json_string(
                    tt_render_uploaded(p, svc_db_get(rows, i, "uploaded"))));
            /* text written by clients: lossy rather than dropped if an
             * adopted database holds something that is not UTF-8 */
            json_object_set_new(batch, "author", svc_json_string_lossy(
                                    svc_db_get(rows, i, "author")));
            json_object_set_new(batch, "message", svc_json_string_lossy(
                                    svc_db_get(rows, i, "message")));
            json_object_set_new(batch, "files", files);
            json_array_append_new(out, batch);
        }
        if (filename) {
            json_t *key = svc_json_string_lossy(filename);
            json_object_set_new(files, json_string_value(key),
                                tt_render_file(rows, i, 0));
            json_decref(key);
        }
    }
    return out;
}

json_t *tt_render_wrap(json_t *doc)
{
    json_t *w = json_object();

    json_object_set_new(w, "result", doc);
    return w;
}
