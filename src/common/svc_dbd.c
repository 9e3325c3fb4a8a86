#include "httpd.h"
#include "http_config.h"
#include "apr_dbd.h"
#include "apr_optional.h"
#include "apr_strings.h"
#include "mod_dbd.h"
#include "svc_dbd.h"

static APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *dbd_prepare_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire_fn;

const char *svc_dbd_register(cmd_parms *cmd, const svc_db_stmt_t *stmts)
{
    const svc_db_stmt_t *s;

    if (!dbd_prepare_fn) {
        dbd_prepare_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
        if (!dbd_prepare_fn) {
            return apr_pstrcat(cmd->pool, cmd->cmd->name,
                               ": mod_dbd is not loaded (its LoadModule line "
                               "must come before this directive)", NULL);
        }
    }
    for (s = stmts; s->label; s++) {
        dbd_prepare_fn(cmd->server, s->sql, s->label);
    }
    return NULL;
}

int svc_dbd_post_config(void)
{
    dbd_acquire_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    return dbd_acquire_fn ? 0 : -1;
}

svc_db_t *svc_dbd_acquire(request_rec *r, const svc_db_stmt_t *stmts)
{
    ap_dbd_t *dbd;

    if (!dbd_acquire_fn) {
        return NULL;
    }
    dbd = dbd_acquire_fn(r);
    if (!dbd) {
        return NULL;
    }
    return svc_db_make(r->pool, dbd->driver, dbd->handle, dbd->prepared,
                       dbd->pool, stmts, r);
}
