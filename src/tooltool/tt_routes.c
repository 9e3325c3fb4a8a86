#include "httpd.h"
#include "svc_ops.h"
#include "tt_routes.h"

const svc_route_t tt_routes[] = {
    SVC_OPS_ROUTES,
    {0, NULL, NULL, NULL}
};
