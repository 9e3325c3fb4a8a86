#include <string.h>
#include <apr_strings.h>
#include "svc_json.h"
#include "svc_time.h"
#include "ts_render.h"

const char *ts_render_when(apr_pool_t *p, const char *sql)
{
    return svc_time_iso(p, sql, "+00:00");
}

json_t *ts_render_tags(const char *text)
{
    json_t *j;

    if (!text || !*text) {
        return json_array();
    }
    j = json_loads(text, JSON_DECODE_ANY, NULL);
    if (json_is_array(j)) {
        return j;
    }
    if (json_is_string(j) && json_string_length(j) > 0) {
        json_t *a = json_array();
        json_array_append_new(a, j); /* V0 stored one tag as a string */
        return a;
    }
    json_decref(j);
    return json_array();
}

json_t *ts_render_last_state(const char *text)
{
    static const char *const keys[] = {
        "status", "reason", "tags", "log_id",
        "current_status", "current_reason", "current_tags", "current_log_id"
    };
    json_t *stored = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    json_t *out = json_object();
    int i;

    if (!json_is_object(stored)) {
        json_decref(stored);
        stored = NULL;
    }
    for (i = 0; i < 8; i++) {
        json_t *v = stored ? json_object_get(stored, keys[i]) : NULL;

        if (v) {
            json_object_set(out, keys[i], v);
            continue;
        }
        /* upstream's DEFAULT_TREE, for current_* too */
        switch (i % 4) {
        case 0:  v = json_string("closed"); break;
        case 1:  v = json_string("New tree"); break;
        case 2:  v = json_array(); break;
        default: v = json_null(); break;
        }
        json_object_set_new(out, keys[i], v);
    }
    json_decref(stored);
    return out;
}

json_t *ts_render_int(const char *cell)
{
    return cell ? json_integer(apr_atoi64(cell)) : json_null();
}

static json_t *str(const char *cell)
{
    return cell ? svc_json_string_lossy(cell) : json_null();
}

typedef struct {
    int tree, status, reason, motd, tags, log_id, category;
} tree_cols;

static void tree_cols_init(const svc_db_rows_t *rows, tree_cols *c)
{
    c->tree = svc_db_colnum(rows, "tree");
    c->status = svc_db_colnum(rows, "status");
    c->reason = svc_db_colnum(rows, "reason");
    c->motd = svc_db_colnum(rows, "message_of_the_day");
    c->tags = svc_db_colnum(rows, "tags");
    c->log_id = svc_db_colnum(rows, "log_id");
    c->category = svc_db_colnum(rows, "category");
}

static json_t *tree_obj(const svc_db_rows_t *rows, int row, const tree_cols *c)
{
    json_t *o = json_object();

    json_object_set_new(o, "tree", str(svc_db_cell(rows, row, c->tree)));
    json_object_set_new(o, "status", str(svc_db_cell(rows, row, c->status)));
    json_object_set_new(o, "reason", str(svc_db_cell(rows, row, c->reason)));
    json_object_set_new(o, "message_of_the_day",
                        str(svc_db_cell(rows, row, c->motd)));
    json_object_set_new(o, "tags",
                        ts_render_tags(svc_db_cell(rows, row, c->tags)));
    json_object_set_new(o, "log_id",
                        ts_render_int(svc_db_cell(rows, row, c->log_id)));
    json_object_set_new(o, "category",
                        str(svc_db_cell(rows, row, c->category)));
    return o;
}

json_t *ts_render_tree(const svc_db_rows_t *rows, int row)
{
    tree_cols c;

    tree_cols_init(rows, &c);
    return tree_obj(rows, row, &c);
}

json_t *ts_render_trees_map(const svc_db_rows_t *rows)
{
    json_t *map = json_object();
    tree_cols c;
    int i;

    tree_cols_init(rows, &c);
    for (i = 0; i < rows->nrows; i++) {
        const char *name = svc_db_cell(rows, i, c.tree);
        if (name) {
            json_object_set_new(map, name, tree_obj(rows, i, &c));
        }
    }
    return map;
}

json_t *ts_render_trees_list(const svc_db_rows_t *rows)
{
    json_t *list = json_array();
    tree_cols c;
    int i;

    tree_cols_init(rows, &c);
    for (i = 0; i < rows->nrows; i++) {
        json_array_append_new(list, tree_obj(rows, i, &c));
    }
    return list;
}

json_t *ts_render_logs(apr_pool_t *p, const svc_db_rows_t *rows)
{
    json_t *list = json_array();
    int id = svc_db_colnum(rows, "id"), tree = svc_db_colnum(rows, "tree");
    int when = svc_db_colnum(rows, "when"), who = svc_db_colnum(rows, "who");
    int status = svc_db_colnum(rows, "status");
    int reason = svc_db_colnum(rows, "reason"), tags = svc_db_colnum(rows, "tags");
    int i;

    for (i = 0; i < rows->nrows; i++) {
        json_t *o;

        if (!svc_db_cell(rows, i, id)) {
            continue;
        }
        o = json_object();
        json_object_set_new(o, "id", ts_render_int(svc_db_cell(rows, i, id)));
        json_object_set_new(o, "tree", str(svc_db_cell(rows, i, tree)));
        json_object_set_new(o, "when",
                            str(ts_render_when(p, svc_db_cell(rows, i, when))));
        json_object_set_new(o, "who", str(svc_db_cell(rows, i, who)));
        json_object_set_new(o, "status", str(svc_db_cell(rows, i, status)));
        json_object_set_new(o, "reason", str(svc_db_cell(rows, i, reason)));
        json_object_set_new(o, "tags",
                            ts_render_tags(svc_db_cell(rows, i, tags)));
        json_array_append_new(list, o);
    }
    return list;
}

json_t *ts_render_stack(apr_pool_t *p, const svc_db_rows_t *rows)
{
    json_t *list = json_array(), *trees = NULL;
    int id = svc_db_colnum(rows, "id"), who = svc_db_colnum(rows, "who");
    int reason = svc_db_colnum(rows, "reason");
    int status = svc_db_colnum(rows, "status");
    int when = svc_db_colnum(rows, "when"), ct_id = svc_db_colnum(rows, "ct_id");
    int tree = svc_db_colnum(rows, "tree");
    int state = svc_db_colnum(rows, "last_state");
    const char *prev = NULL;
    int i;

    for (i = 0; i < rows->nrows; i++) {
        const char *cid = svc_db_cell(rows, i, id);
        json_t *t;

        if (!cid) {
            continue;
        }
        if (!prev || strcmp(prev, cid)) {
            /* rows come grouped by change, newest change first */
            json_t *c = json_object();
            json_object_set_new(c, "id", ts_render_int(cid));
            json_object_set_new(c, "reason", str(svc_db_cell(rows, i, reason)));
            json_object_set_new(c, "status", str(svc_db_cell(rows, i, status)));
            json_object_set_new(c, "when",
                                str(ts_render_when(p, svc_db_cell(rows, i, when))));
            json_object_set_new(c, "who", str(svc_db_cell(rows, i, who)));
            trees = json_array();
            json_object_set_new(c, "trees", trees);
            json_array_append_new(list, c);
            prev = cid;
        }
        t = json_object();
        json_object_set_new(t, "id", ts_render_int(svc_db_cell(rows, i, ct_id)));
        json_object_set_new(t, "tree", str(svc_db_cell(rows, i, tree)));
        json_object_set_new(t, "last_state",
                            ts_render_last_state(svc_db_cell(rows, i, state)));
        json_array_append_new(trees, t);
    }
    return list;
}

json_t *ts_render_wrap(json_t *doc)
{
    json_t *o = json_object();

    json_object_set_new(o, "result", doc);
    return o;
}
