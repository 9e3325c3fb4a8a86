#include "httpd.h"
#include "apr_strings.h"
#include "svc_auth.h"
#include "svc_json.h"
#include "svc_log.h"
#include "svc_ops.h"
#include "svc_send.h"

int svc_ops_heartbeat(svc_req_t *req)
{
    svc_db_t *db = svc_req_db(req);
    svc_db_rows_t *rows;
    int rc;

    apr_table_setn(req->r->headers_out, "Cache-Control", "no-cache");
    if (!db) {
        svc_log_r(req->r, SVC_LOG_WARNING, 0, 20,
                  "heartbeat: no database connection available");
        return svc_send_problem(req, 503, "Database unavailable");
    }
    rc = svc_db_select(db, req->mod->ping_label, SVC_DB_NOARGS, &rows);
    if (rc != SVC_DB_OK || rows->nrows != 1) {
        return svc_send_problem(req, 503, "Database unavailable");
    }
    return svc_send_bytes(req, 200, "text/plain", "OK", 2);
}

int svc_ops_lbheartbeat(svc_req_t *req)
{
    return svc_send_bytes(req, 200, "text/plain", "OK!", 3);
}

int svc_ops_version(svc_req_t *req)
{
    json_t *v = svc_json_own(req->r->pool,
                             json_pack("{s:s, s:s, s:s, s:s, s:s}",
                                       "name", req->mod->name,
                                       "version", req->mod->version,
                                       "commit", req->mod->commit,
                                       "source", req->mod->source,
                                       "build", req->mod->build));
    return svc_send_json(req, 200, v);
}

int svc_ops_permissions(svc_req_t *req)
{
    json_t *scopes, *doc;
    int i;

    if (svc_auth_identify(req) != 0) {
        return OK; /* 401 sent */
    }
    scopes = json_array();
    for (i = 0; req->who && req->scopes && i < req->scopes->nelts; i++) {
        json_array_append_new(scopes,
                              json_string(APR_ARRAY_IDX(req->scopes, i, const char *)));
    }
    doc = svc_json_own(req->r->pool,
                       json_pack("{s:s, s:s?, s:o}",
                                 "description", "Permissions of a logged in user",
                                 "user_id", req->who, "permissions", scopes));
    /* per caller: never shared by a cache */
    apr_table_setn(req->r->headers_out, "Cache-Control", "private, no-store");
    return svc_send_json(req, 200, doc);
}
