/* [ap] The GET endpoints (spec §2.2-§2.7, §2.15). Trees are what every push
 * reads (Treeherder, the hg hook, Lando): those documents are rendered once
 * per generation, kept in the shared cache with their ETag, and sent as
 * bytes; logs and the stack are read from the database each time. */
#include "httpd.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "svc_generation.h"
#include "svc_json.h"
#include "svc_send.h"
#include "ts_api.h"
#include "ts_etag.h"
#include "ts_input.h"
#include "ts_render.h"

typedef enum {
    TS_DOC_TREES,      /* {"result": {name: Tree}} */
    TS_DOC_TREES2,     /* {"result": [Tree]} */
    TS_DOC_TREE,       /* {"result": Tree} */
    TS_DOC_V0_TREES,   /* {name: Tree} */
    TS_DOC_V0_TREE     /* Tree */
} ts_doc;

static const char *const doc_keys[] = {
    "trees", "trees2", "tree:", "v0trees", "v0tree:"
};

#define NO_SUCH_TREE "No such tree"

/* Cache-Control: no-cache: clients revalidate every time (RA/V0 behaviour),
 * which the ETag makes a 304 when nothing changed. */
static int send_tagged(svc_req_t *req, const char *etag, const char *body,
                       apr_size_t len)
{
    request_rec *r = req->r;

    apr_table_setn(r->headers_out, "ETag", etag);
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    if (ts_etag_match(apr_table_get(r->headers_in, "If-None-Match"), etag)) {
        return svc_send_empty(req, HTTP_NOT_MODIFIED);
    }
    return svc_send_bytes(req, HTTP_OK, "application/json", body, len);
}

/* Renders a tree document from the database: 0, HTTP_NOT_FOUND for an
 * unknown tree, or an SVC_DB_* error. */
static int render(svc_req_t *req, ts_doc doc, const char *tree,
                  const char **body, apr_size_t *len)
{
    request_rec *r = req->r;
    svc_db_t *db = svc_req_db(req);
    svc_db_rows_t *rows;
    json_t *j;
    int rc;

    if (!db) {
        return SVC_DB_UNAVAILABLE;
    }
    if (tree) {
        rc = svc_db_select(db, "ts_tree", SVC_DB_ARGS(tree), &rows);
    }
    else {
        rc = svc_db_select(db, "ts_trees", SVC_DB_NOARGS, &rows);
    }
    if (rc != SVC_DB_OK) {
        return rc;
    }
    if (tree && rows->nrows != 1) {
        return HTTP_NOT_FOUND;
    }
    switch (doc) {
    case TS_DOC_TREES:    j = ts_render_wrap(ts_render_trees_map(rows)); break;
    case TS_DOC_TREES2:   j = ts_render_wrap(ts_render_trees_list(rows)); break;
    case TS_DOC_TREE:     j = ts_render_wrap(ts_render_tree(rows, 0)); break;
    case TS_DOC_V0_TREES: j = ts_render_trees_map(rows); break;
    default:              j = ts_render_tree(rows, 0); break;
    }
    *body = svc_json_dump(r->pool, svc_json_own(r->pool, j), len);
    return 0;
}

static int serve_doc(svc_req_t *req, ts_doc doc, const char *tree)
{
    request_rec *r = req->r;
    const char *key = NULL, *cached_tag, *body;
    char etag[TS_ETAG_LEN + 1];
    apr_int64_t gen;
    apr_size_t len;
    int rc;

    if (tree && !ts_tree_name_ok(tree)) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NO_SUCH_TREE);
    }
    if (req->app->cache) {
        if ((rc = svc_generation_current(req, &gen)) != 0) {
            return svc_send_db_error(req, rc);
        }
        key = apr_psprintf(r->pool, "ts:%" APR_INT64_T_FMT ":%s%s", gen,
                           doc_keys[doc], tree ? tree : "");
        if (ts_cache_fetch(req, key, &cached_tag, &body, &len)) {
            return send_tagged(req, cached_tag, body, len);
        }
    }
    rc = render(req, doc, tree, &body, &len);
    if (rc == HTTP_NOT_FOUND) {
        return svc_send_problem(req, HTTP_NOT_FOUND, NO_SUCH_TREE);
    }
    if (rc != 0) {
        return svc_send_db_error(req, rc);
    }
    ts_etag_make(body, len, etag);
    if (key) {
        ts_cache_store(req, key, etag, body, len);
    }
    return send_tagged(req, apr_pstrdup(r->pool, etag), body, len);
}

int ts_get_trees(svc_req_t *req)
{
    return serve_doc(req, TS_DOC_TREES, NULL);
}

int ts_get_trees2(svc_req_t *req)
{
    return serve_doc(req, TS_DOC_TREES2, NULL);
}

int ts_get_tree(svc_req_t *req)
{
    return serve_doc(req, TS_DOC_TREE, svc_param(req, "tree"));
}

int ts_get_v0_trees(svc_req_t *req)
{
    return serve_doc(req, TS_DOC_V0_TREES, NULL);
}

int ts_get_v0_tree(svc_req_t *req)
{
    return serve_doc(req, TS_DOC_V0_TREE, svc_param(req, "tree"));
}

/* Newest first; `limit` NULL = all. */
static int serve_logs(svc_req_t *req, const char *limit)
{
    request_rec *r = req->r;
    const char *tree = svc_param(req, "tree");
    svc_db_t *db;
    svc_db_rows_t *rows;
    int rc;

    if (ts_tree_name_ok(tree)) {
        if (!(db = svc_req_db(req))) {
            return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
        }
        rc = svc_db_select(db, "ts_logs", SVC_DB_ARGS(limit, tree), &rows);
        if (rc != SVC_DB_OK) {
            return svc_send_db_error(req, rc);
        }
        if (rows->nrows > 0) {
            return svc_send_json(req, HTTP_OK, svc_json_own(r->pool,
                                 ts_render_wrap(ts_render_logs(r->pool, rows))));
        }
    }
    return svc_send_problem(req, HTTP_NOT_FOUND,
                            apr_psprintf(r->pool, "Could not find the requested "
                                         "tree %s.", tree));
}

int ts_get_logs(svc_req_t *req)
{
    const char *all = svc_arg(req, "all");

    /* spec D12: external consumers still send ?all=1 */
    return serve_logs(req, all && !strcmp(all, "1") ? NULL : "5");
}

int ts_get_logs_all(svc_req_t *req)
{
    return serve_logs(req, NULL);
}

int ts_get_stack(svc_req_t *req)
{
    request_rec *r = req->r;
    svc_db_t *db = svc_req_db(req);
    svc_db_rows_t *rows;
    int rc;

    if (!db) {
        return svc_send_db_error(req, SVC_DB_UNAVAILABLE);
    }
    rc = svc_db_select(db, "ts_stack", SVC_DB_NOARGS, &rows);
    if (rc != SVC_DB_OK) {
        return svc_send_db_error(req, rc);
    }
    return svc_send_json(req, HTTP_OK, svc_json_own(r->pool,
                         ts_render_wrap(ts_render_stack(r->pool, rows))));
}
