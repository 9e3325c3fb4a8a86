#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include "svc_json.h"
#include "ts_render.h"
#include "ts_store.h"

static int reject(ts_write_t *w, int status, const char *detail)
{
    w->status = status;
    w->detail = detail;
    return status;
}

/* Resets the results (a replayed unit starts over) and bumps the generation. */
static int begin(svc_db_t *db, ts_write_t *w)
{
    svc_db_rows_t *rows;
    int rc;

    w->status = 0;
    w->detail = NULL;
    w->result = NULL;
    w->gen = 0;
    rc = svc_db_select(db, "ts_gen_bump", SVC_DB_NOARGS, &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows != 1 || !svc_db_cell(rows, 0, 0)) {
        return SVC_DB_ERROR; /* the generation row is missing: migration 002 */
    }
    w->gen = apr_atoi64(svc_db_cell(rows, 0, 0));
    return SVC_DB_OK;
}

static json_t *own(ts_write_t *w, json_t *j)
{
    return svc_json_own(w->p, j);
}

static const char *dump(ts_write_t *w, const json_t *j)
{
    return svc_json_dump(w->p, j, NULL);
}

/* names not among column 0 of rows, in the order of names */
static apr_array_header_t *not_found(apr_pool_t *p,
                                     const apr_array_header_t *names,
                                     const svc_db_rows_t *rows)
{
    apr_array_header_t *missing = apr_array_make(p, 1, sizeof(const char *));
    apr_hash_t *found = apr_hash_make(p);
    int i;

    for (i = 0; i < rows->nrows; i++) {
        const char *t = svc_db_cell(rows, i, 0);
        if (t) {
            apr_hash_set(found, t, APR_HASH_KEY_STRING, t);
        }
    }
    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);
        if (!apr_hash_get(found, n, APR_HASH_KEY_STRING)) {
            APR_ARRAY_PUSH(missing, const char *) = n;
        }
    }
    return missing;
}

static const char *fetch_failed(apr_pool_t *p, const apr_array_header_t *missing)
{
    return apr_pstrcat(p, "Could not fetch the following trees: ",
                       ts_names_join(p, missing), NULL);
}

int ts_store_missing(svc_db_t *db, apr_pool_t *p,
                     const apr_array_header_t *names, const char **detail)
{
    svc_db_rows_t *rows;
    int rc = svc_db_select(db, "ts_trees_known",
                           SVC_DB_ARGS(ts_names_json(p, names)), &rows);
    apr_array_header_t *missing;

    *detail = NULL;
    if (rc == SVC_DB_OK) {
        missing = not_found(p, names, rows);
        *detail = missing->nelts ? fetch_failed(p, missing) : NULL;
    }
    return rc;
}

/* A change-tree's last_state for a remembered update (spec §3.2). */
static const char *remembered_state(ts_write_t *w, const svc_db_rows_t *old,
                                    int row, const char *log_id)
{
    const ts_update_t *u = w->update;
    json_t *s = own(w, json_object());

    json_object_set_new(s, "status",
                        json_string(svc_db_get(old, row, "status")));
    json_object_set_new(s, "reason",
                        json_string(svc_db_get(old, row, "reason")));
    json_object_set_new(s, "tags", ts_render_tags(svc_db_get(old, row, "tags")));
    json_object_set_new(s, "log_id", ts_render_int(svc_db_get(old, row, "log_id")));
    json_object_set_new(s, "current_status", json_string(u->status));
    json_object_set_new(s, "current_reason", json_string(u->reason));
    json_object_set(s, "current_tags", u->tags);
    json_object_set_new(s, "current_log_id", ts_render_int(log_id));
    return dump(w, s);
}

static int remember(svc_db_t *db, ts_write_t *w, const svc_db_rows_t *old,
                    const svc_db_rows_t *logs)
{
    const ts_update_t *u = w->update;
    apr_hash_t *log_of = apr_hash_make(w->p);
    json_t *cts = own(w, json_array());
    svc_db_rows_t *rows;
    const char *change;
    int i, rc;

    for (i = 0; logs && i < logs->nrows; i++) {
        apr_hash_set(log_of, svc_db_get(logs, i, "tree"), APR_HASH_KEY_STRING,
                     svc_db_get(logs, i, "id"));
    }
    rc = svc_db_select(db, "ts_change_insert",
                       SVC_DB_ARGS(w->who, u->reason, u->status), &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    change = svc_db_cell(rows, 0, 0);
    for (i = 0; i < old->nrows; i++) {
        const char *tree = svc_db_get(old, i, "tree");
        json_array_append_new(cts, json_pack("{s:s, s:s}", "tree", tree, "state",
                              remembered_state(w, old, i,
                                               apr_hash_get(log_of, tree,
                                                            APR_HASH_KEY_STRING))));
    }
    return svc_db_exec(db, "ts_change_trees_insert",
                       SVC_DB_ARGS(change, dump(w, cts)), NULL);
}

int ts_store_update(svc_db_t *db, void *baton)
{
    ts_write_t *w = baton;
    const ts_update_t *u = w->update;
    const char *names = ts_names_json(w->p, u->trees), *err;
    svc_db_rows_t *old, *logs = NULL;
    json_t *result;
    int i, rc;

    if ((rc = begin(db, w)) != SVC_DB_OK
        || (rc = svc_db_select(db, "ts_trees_lock", SVC_DB_ARGS(names),
                               &old)) != SVC_DB_OK) {
        return rc;
    }
    if (old->nrows != u->trees->nelts) {
        return reject(w, 404, fetch_failed(w->p, not_found(w->p, u->trees, old)));
    }
    if ((err = ts_update_check(w->p, u))) {
        return reject(w, 400, err);
    }
    rc = svc_db_exec(db, "ts_trees_update",
                     SVC_DB_ARGS(u->status, u->reason, u->motd, names), NULL);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    /* spec §3.1: only a non-empty status or reason is logged */
    if ((u->status && *u->status) || (u->reason && *u->reason)) {
        rc = svc_db_select(db, "ts_trees_log",
                           SVC_DB_ARGS(w->who, u->tags ? dump(w, u->tags) : "[]",
                                       names), &logs);
        if (rc != SVC_DB_OK) {
            return rc;
        }
    }
    if (u->remember && (rc = remember(db, w, old, logs)) != SVC_DB_OK) {
        return rc;
    }
    /* LA's body, with the effective status instead of its crash (spec D7) */
    result = own(w, json_array());
    for (i = 0; i < old->nrows; i++) {
        json_array_append_new(result, json_pack(
            "{s:s, s:s, s:o, s:o}",
            "tree", svc_db_get(old, i, "tree"),
            "status", u->status ? u->status : svc_db_get(old, i, "row_status"),
            "reason", u->reason ? json_string(u->reason) : json_null(),
            "message_of_the_day", u->motd ? json_string(u->motd) : json_null()));
    }
    w->result = result;
    return SVC_DB_OK;
}

int ts_store_create(svc_db_t *db, void *baton)
{
    ts_write_t *w = baton;
    const ts_new_tree_t *t = w->new_tree;
    svc_db_rows_t *rows;
    int rc;

    if ((rc = begin(db, w)) != SVC_DB_OK
        || (rc = svc_db_select(db, "ts_tree_insert",
                               SVC_DB_ARGS(t->tree, t->status, t->reason, t->motd,
                                           t->category), &rows)) != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows == 0) {
        return reject(w, 400, "Tree already exists.");
    }
    w->result = own(w, json_pack("{s:s, s:s, s:s, s:s, s:s}", "tree", t->tree,
                                 "status", t->status, "reason", t->reason,
                                 "message_of_the_day", t->motd,
                                 "category", t->category));
    return SVC_DB_OK;
}

int ts_store_delete(svc_db_t *db, void *baton)
{
    ts_write_t *w = baton;
    svc_db_rows_t *rows;
    json_t *removed;
    int i, rc;

    if ((rc = begin(db, w)) != SVC_DB_OK
        || (rc = svc_db_select(db, "ts_trees_delete",
                               SVC_DB_ARGS(ts_names_json(w->p, w->names)),
                               &rows)) != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows != w->names->nelts) {
        /* all or nothing (spec D14): the rollback undoes the others */
        return reject(w, 404, w->many
                      ? fetch_failed(w->p, not_found(w->p, w->names, rows))
                      : "No such tree");
    }
    if (!w->many) {
        w->result = own(w, json_pack("{s:s}", "removed",
                                     APR_ARRAY_IDX(w->names, 0, const char *)));
        return SVC_DB_OK;
    }
    removed = json_array();
    for (i = 0; i < w->names->nelts; i++) {
        json_array_append_new(removed, json_string(APR_ARRAY_IDX(w->names, i,
                                                                 const char *)));
    }
    w->result = own(w, json_pack("{s:o}", "removed", removed));
    return SVC_DB_OK;
}

static int lock_change(svc_db_t *db, ts_write_t *w, const char *id,
                       const char *unknown)
{
    svc_db_rows_t *rows;
    int rc = svc_db_select(db, "ts_change_lock", SVC_DB_ARGS(id), &rows);

    if (rc == SVC_DB_OK && rows->nrows == 0) {
        return reject(w, 404, unknown);
    }
    return rc;
}

/* spec §3.3: each remembered tree goes back to its old status, reason and
 * tags, logged as a new entry by the current user; deleted trees are
 * skipped (D22). */
static int restore(svc_db_t *db, ts_write_t *w, const char *id)
{
    svc_db_rows_t *rows;
    int i, rc = svc_db_select(db, "ts_restore_lock", SVC_DB_ARGS(id), &rows);

    for (i = 0; rc == SVC_DB_OK && i < rows->nrows; i++) {
        json_t *ls = own(w, ts_render_last_state(svc_db_get(rows, i, "last_state")));
        const char *tree = svc_db_get(rows, i, "tree");
        const char *status = json_string_value(json_object_get(ls, "status"));
        const char *reason = json_string_value(json_object_get(ls, "reason"));
        json_t *tags = json_object_get(ls, "tags");
        svc_db_rows_t *now;

        rc = svc_db_select(db, "ts_tree_set", SVC_DB_ARGS(status, reason, tree),
                           &now);
        if (rc != SVC_DB_OK || now->nrows != 1
            || !((status && *status) || (reason && *reason))) {
            continue;
        }
        rc = svc_db_exec(db, "ts_log_insert",
                         SVC_DB_ARGS(tree, w->who, svc_db_get(now, 0, "status"),
                                     svc_db_get(now, 0, "reason"),
                                     json_is_array(tags) ? dump(w, tags) : "[]"),
                         NULL);
    }
    return rc;
}

int ts_store_change_close(svc_db_t *db, void *baton)
{
    ts_write_t *w = baton;
    const char *id = apr_itoa(w->p, w->id);
    int rc;

    if ((rc = begin(db, w)) != SVC_DB_OK
        || (rc = lock_change(db, w, id, "The change could not be found.")) != 0
        || (w->revert && (rc = restore(db, w, id)) != SVC_DB_OK)
        || (rc = svc_db_exec(db, "ts_change_delete", SVC_DB_ARGS(id, id),
                             NULL)) != SVC_DB_OK) {
        return rc;
    }
    w->result = own(w, json_pack("{s:i, s:b}", "id", w->id,
                                 "reverted", w->revert));
    return SVC_DB_OK;
}

static json_t *nullable_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *nullable_tags(const json_t *tags)
{
    return tags ? json_incref((json_t *)tags) : json_null();
}

/* spec §2.11: current_* take the body's values when given, the log of
 * current_log_id follows them, then the change's reason. */
int ts_store_change_amend(svc_db_t *db, void *baton)
{
    ts_write_t *w = baton;
    const ts_amend_t *a = w->amend;
    const char *id = apr_itoa(w->p, w->id);
    svc_db_rows_t *rows;
    int i, rc;

    if ((rc = begin(db, w)) != SVC_DB_OK
        || (rc = lock_change(db, w, id, "The change stack does not exist.")) != 0
        || (rc = svc_db_select(db, "ts_change_trees", SVC_DB_ARGS(id),
                               &rows)) != SVC_DB_OK) {
        return rc;
    }
    for (i = 0; rc == SVC_DB_OK && i < rows->nrows; i++) {
        json_t *ls = own(w, ts_render_last_state(svc_db_get(rows, i, "last_state")));
        json_t *log_id = json_object_get(ls, "current_log_id");
        json_t *tags, *reason;

        if (a->tags) {
            json_object_set(ls, "current_tags", a->tags);
        }
        if (a->reason) {
            json_object_set_new(ls, "current_reason", json_string(a->reason));
        }
        tags = json_object_get(ls, "current_tags");
        reason = json_object_get(ls, "current_reason");
        /* legacy entries have no log to follow: only the stack is amended */
        if (json_is_integer(log_id)) {
            rc = svc_db_exec(db, "ts_log_amend", SVC_DB_ARGS(
                                 json_string_value(reason),
                                 json_is_array(tags) ? dump(w, tags) : NULL,
                                 apr_psprintf(w->p, "%" APR_INT64_T_FMT,
                                              (apr_int64_t)json_integer_value(log_id))), NULL);
        }
        if (rc == SVC_DB_OK) {
            rc = svc_db_exec(db, "ts_change_tree_state",
                             SVC_DB_ARGS(dump(w, ls), svc_db_get(rows, i, "id")),
                             NULL);
        }
    }
    if (rc == SVC_DB_OK && a->reason) {
        rc = svc_db_exec(db, "ts_change_reason", SVC_DB_ARGS(a->reason, id), NULL);
    }
    if (rc != SVC_DB_OK) {
        return rc;
    }
    w->result = own(w, json_pack("{s:i, s:o, s:o}", "id", w->id,
                                 "tags", nullable_tags(a->tags),
                                 "reason", nullable_str(a->reason)));
    return SVC_DB_OK;
}

/* spec §2.14: the log takes the non-null values; change-trees whose
 * current_log_id is this log follow the truthy ones. */
int ts_store_log_amend(svc_db_t *db, void *baton)
{
    ts_write_t *w = baton;
    const ts_amend_t *a = w->amend;
    const char *id = apr_itoa(w->p, w->id);
    int new_reason = a->reason && *a->reason;
    int new_tags = a->tags && json_array_size(a->tags) > 0;
    svc_db_rows_t *rows;
    int i, rc;

    if ((rc = begin(db, w)) != SVC_DB_OK
        || (rc = svc_db_select(db, "ts_log_amend",
                               SVC_DB_ARGS(a->reason,
                                           a->tags ? dump(w, a->tags) : NULL, id),
                               &rows)) != SVC_DB_OK) {
        return rc;
    }
    if (rows->nrows == 0) {
        return reject(w, 404, apr_psprintf(w->p, "The tree log does not exist "
                                           "for id %d.", w->id));
    }
    if (new_reason || new_tags) {
        rc = svc_db_select(db, "ts_change_trees_mentioning", SVC_DB_ARGS(id),
                           &rows);
    }
    else {
        rows = NULL;
    }
    for (i = 0; rc == SVC_DB_OK && rows && i < rows->nrows; i++) {
        json_t *ls = own(w, json_loads(svc_db_get(rows, i, "last_state"),
                                       JSON_DECODE_ANY, NULL));
        json_t *log_id = json_object_get(ls, "current_log_id");

        if (!json_is_object(ls) || !json_is_integer(log_id)
            || json_integer_value(log_id) != w->id) {
            continue; /* the id only appeared elsewhere in the text */
        }
        if (new_reason) {
            json_object_set_new(ls, "current_reason", json_string(a->reason));
        }
        if (new_tags) {
            json_object_set(ls, "current_tags", a->tags);
        }
        rc = svc_db_exec(db, "ts_change_tree_state",
                         SVC_DB_ARGS(dump(w, ls), svc_db_get(rows, i, "id")),
                         NULL);
    }
    if (rc != SVC_DB_OK) {
        return rc;
    }
    w->result = own(w, json_pack("{s:o, s:o}", "tags", nullable_tags(a->tags),
                                 "reason", nullable_str(a->reason)));
    return SVC_DB_OK;
}
