/* [ap] mod_dbd through its optional functions (so LoadModule order does not
 * matter at run time), statements registered at config time. */
#ifndef SVC_DBD_H
#define SVC_DBD_H

#include "httpd.h"
#include "http_config.h"
#include "svc_db.h"

/* For a server-scope directive (e.g. `TreestatusDatabase On`): registers every
 * statement of the table with mod_dbd, which prepares them on each new
 * connection. Returns an error for the config parser, or NULL. */
const char *svc_dbd_register(cmd_parms *cmd, const svc_db_stmt_t *stmts);

/* post_config: looks up ap_dbd_acquire once, before any thread exists.
 * Returns 0, or -1 when mod_dbd is not loaded. */
int svc_dbd_post_config(void);

/* The request's connection wrapped for svc_db, NULL when none is available. */
svc_db_t *svc_dbd_acquire(request_rec *r, const svc_db_stmt_t *stmts);

#endif
