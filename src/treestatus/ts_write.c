/* [ap] The write endpoints (spec §2.8-§2.14, §3): body and path checks in
 * ts_input.c (400/404 before anything is written), then one transaction from
 * ts_store.c, then the new generation is published to the cache and the
 * body of LA (spec D7) is sent. Scopes are enforced by the dispatcher. */
#include "httpd.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "svc_body.h"
#include "svc_generation.h"
#include "svc_json.h"
#include "svc_send.h"
#include "ts_api.h"
#include "ts_input.h"
#include "ts_log.h"
#include "ts_store.h"

static void write_init(svc_req_t *req, ts_write_t *w)
{
    memset(w, 0, sizeof(*w));
    w->p = req->r->pool;
    w->who = req->who ? req->who : "anonymous";
}

static int run(svc_req_t *req, svc_db_unit_fn *unit, ts_write_t *w, int ok)
{
    svc_db_t *db = svc_req_db(req);
    int rc;

    if (!db) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    rc = svc_db_transaction(db, unit, w);
    if (rc == SVC_DB_ERROR || rc == SVC_DB_UNAVAILABLE) {
        return svc_send_db_error(req, rc);
    }
    if (rc != 0) {
        return svc_send_problem(req, w->status ? w->status : rc, w->detail);
    }
    if (!w->result) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, TSLOGNO(01004)
                      "committed, but the response could not be built");
        return svc_send_problem(req, HTTP_INTERNAL_SERVER_ERROR, NULL);
    }
    svc_generation_publish(req, w->gen);
    return svc_send_json(req, ok, w->result);
}

static apr_array_header_t *one_name(apr_pool_t *p, const char *name)
{
    apr_array_header_t *a = apr_array_make(p, 1, sizeof(const char *));

    APR_ARRAY_PUSH(a, const char *) = name;
    return a;
}

int ts_patch_trees(svc_req_t *req)
{
    apr_pool_t *p = req->r->pool;
    ts_update_t u;
    ts_write_t w;
    json_t *body;
    const char *err, *missing;
    svc_db_t *db;
    int rc;

    if (svc_body_json(req, JSON_OBJECT, &body) != 0) {
        return OK;
    }
    if ((err = ts_update_parse(p, body, &u))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    if ((err = ts_update_check(p, &u))) {
        /* spec D6 answers unknown trees first; nothing is locked for that */
        if (!(db = svc_req_db(req))) {
            return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
        }
        if ((rc = ts_store_missing(db, p, u.trees, &missing)) != SVC_DB_OK) {
            return svc_send_db_error(req, rc);
        }
        return svc_send_problem(req, missing ? HTTP_NOT_FOUND : HTTP_BAD_REQUEST,
                                missing ? missing : err);
    }
    write_init(req, &w);
    w.update = &u;
    return run(req, ts_store_update, &w, HTTP_OK);
}

int ts_put_tree(svc_req_t *req)
{
    ts_new_tree_t t;
    ts_write_t w;
    json_t *body;
    const char *err;

    if (svc_body_json(req, JSON_OBJECT, &body) != 0) {
        return OK;
    }
    if ((err = ts_new_tree_parse(req->r->pool, body, svc_param(req, "tree"),
                                 &t))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    write_init(req, &w);
    w.new_tree = &t;
    return run(req, ts_store_create, &w, HTTP_CREATED);
}

int ts_delete_tree(svc_req_t *req)
{
    const char *tree = svc_param(req, "tree");
    ts_write_t w;

    if (!ts_tree_name_ok(tree)) {
        return svc_send_problem(req, HTTP_NOT_FOUND, "No such tree");
    }
    write_init(req, &w);
    w.names = one_name(req->r->pool, tree);
    return run(req, ts_store_delete, &w, HTTP_OK);
}

int ts_delete_trees2(svc_req_t *req)
{
    apr_array_header_t *names;
    ts_write_t w;
    json_t *body;
    const char *err;

    if (svc_body_json(req, JSON_OBJECT, &body) != 0) {
        return OK;
    }
    if ((err = ts_names_parse(req->r->pool, body, &names))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    write_init(req, &w);
    w.names = names;
    w.many = 1;
    return run(req, ts_store_delete, &w, HTTP_OK);
}

/* PATCH /stack/{id} and PATCH /log/{id}: body first (400), then the id (an
 * id that is not a number names nothing: 404). */
static int amend(svc_req_t *req, svc_db_unit_fn *unit, const char *unknown)
{
    const char *raw = svc_param(req, "id"), *err;
    ts_amend_t a;
    ts_write_t w;
    json_t *body;

    if (svc_body_json(req, JSON_OBJECT, &body) != 0) {
        return OK;
    }
    if ((err = ts_amend_parse(req->r->pool, body, &a))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    write_init(req, &w);
    if (!ts_id_parse(raw, &w.id)) {
        return svc_send_problem(req, HTTP_NOT_FOUND,
                                unknown ? unknown
                                : apr_psprintf(req->r->pool, "The tree log does "
                                               "not exist for id %s.", raw));
    }
    w.amend = &a;
    return run(req, unit, &w, HTTP_OK);
}

int ts_patch_stack(svc_req_t *req)
{
    return amend(req, ts_store_change_amend, "The change stack does not exist.");
}

int ts_patch_log(svc_req_t *req)
{
    return amend(req, ts_store_log_amend, NULL);
}

static int close_change(svc_req_t *req, int revert)
{
    ts_write_t w;

    write_init(req, &w);
    if (!ts_id_parse(svc_param(req, "id"), &w.id)) {
        return svc_send_problem(req, HTTP_NOT_FOUND,
                                "The change could not be found.");
    }
    w.revert = revert;
    return run(req, ts_store_change_close, &w, HTTP_OK);
}

int ts_delete_stack(svc_req_t *req)
{
    const char *err;
    int revert;

    /* spec D11: absent = 0 (discard) */
    if ((err = ts_revert_parse(svc_arg(req, "revert"), &revert))) {
        return svc_send_problem(req, HTTP_BAD_REQUEST, err);
    }
    return close_change(req, revert);
}

int ts_restore_stack(svc_req_t *req)
{
    return close_change(req, 1);
}

int ts_discard_stack(svc_req_t *req)
{
    return close_change(req, 0);
}
