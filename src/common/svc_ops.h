/* [ap] Operational endpoints shared by both modules (dockerflow style):
 *   /__heartbeat__    checks the database: 200 "OK", or 503 problem
 *   /__lbheartbeat__  the process answers: 200 "OK!" (no database)
 *   /__version__      {"commit", "name", "version"}
 *   /__permissions__  who the caller is and the scopes it holds (expanded);
 *                     401 for bad credentials, like any other endpoint
 * Modules put them in their route tables with SVC_OPS_ROUTES. */
#ifndef SVC_OPS_H
#define SVC_OPS_H

#include "svc_req.h"

int svc_ops_heartbeat(svc_req_t *req);
int svc_ops_lbheartbeat(svc_req_t *req);
int svc_ops_version(svc_req_t *req);
int svc_ops_permissions(svc_req_t *req);

#define SVC_OPS_ROUTES \
    {SVC_M_GET, "/__heartbeat__", svc_ops_heartbeat, NULL}, \
    {SVC_M_GET, "/__lbheartbeat__", svc_ops_lbheartbeat, NULL}, \
    {SVC_M_GET, "/__version__", svc_ops_version, NULL}, \
    {SVC_M_GET, "/__permissions__", svc_ops_permissions, NULL}

#endif
