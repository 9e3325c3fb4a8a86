#include "httpd.h"
#include "svc_ops.h"
#include "tt_api.h"
#include "tt_routes.h"

/* Relative to the module's base (D1). No route carries a scope: the scope
 * depends on the body or the file (upload/<visibility>, download/<vis>), and
 * PATCH must check its body before the permission (G15), so the handlers
 * check permissions themselves. */
const svc_route_t tt_routes[] = {
    SVC_OPS_ROUTES,
    {SVC_M_GET, "/upload", tt_api_batches_search, NULL},
    {SVC_M_POST, "/upload", tt_api_upload, NULL},
    {SVC_M_GET, "/upload/{id}", tt_api_batch_get, NULL},
    /* GET is what clients send; POST is accepted as an alias (D14) */
    {SVC_M_GET | SVC_M_POST, "/upload/complete/sha512/{digest}",
     tt_api_upload_complete, NULL},
    {SVC_M_GET, "/file", tt_api_files_search, NULL},
    {SVC_M_GET, "/file/sha512/{digest}", tt_api_file_get, NULL},
    {SVC_M_PATCH, "/file/sha512/{digest}", tt_api_file_patch, NULL},
    {SVC_M_GET, "/sha512/{digest}", tt_api_download, NULL},
    {SVC_M_GET, "/tooltool.py", tt_api_client, NULL},
    /* the local storage backend's signed URLs (tt_local.h) */
    {SVC_M_GET | SVC_M_PUT, "/__storage__/{region}/sha512/{digest}",
     tt_api_storage, NULL},
    {0, NULL, NULL, NULL}
};
