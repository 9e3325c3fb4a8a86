#include "httpd.h"
#include "svc_ops.h"
#include "ts_api.h"
#include "ts_routes.h"

/* Scopes are suffixes: the dispatcher prepends the configured prefix
 * (default project:releng:services/treestatus/, as upstream SA). */
const svc_route_t ts_routes[] = {
    SVC_OPS_ROUTES,
    {SVC_M_GET, "/trees", ts_get_trees, NULL},
    {SVC_M_PATCH, "/trees", ts_patch_trees, "trees/update"},
    {SVC_M_GET, "/trees2", ts_get_trees2, NULL},
    {SVC_M_DELETE, "/trees2", ts_delete_trees2, "trees/delete"},
    {SVC_M_GET, "/trees/{tree}", ts_get_tree, NULL},
    {SVC_M_PUT, "/trees/{tree}", ts_put_tree, "trees/create"},
    {SVC_M_DELETE, "/trees/{tree}", ts_delete_tree, "trees/delete"},
    {SVC_M_GET, "/trees/{tree}/logs", ts_get_logs, NULL},
    {SVC_M_GET, "/trees/{tree}/logs_all", ts_get_logs_all, NULL},
    {SVC_M_GET, "/stack", ts_get_stack, NULL},
    {SVC_M_PATCH, "/stack/{id}", ts_patch_stack, "recent_changes/revert"},
    {SVC_M_DELETE, "/stack/{id}", ts_delete_stack, "recent_changes/revert"},
    {SVC_M_DELETE, "/stack2/restore/{id}", ts_restore_stack,
     "recent_changes/revert"},
    {SVC_M_DELETE, "/stack2/discard/{id}", ts_discard_stack,
     "recent_changes/revert"},
    {SVC_M_PATCH, "/log/{id}", ts_patch_log, "trees/update"},
    {SVC_M_GET, "/v0/trees", ts_get_v0_trees, NULL},
    {SVC_M_GET, "/v0/trees/", ts_get_v0_trees, NULL},
    {SVC_M_GET, "/v0/trees/{tree}", ts_get_v0_tree, NULL},
    {0, NULL, NULL, NULL}
};
