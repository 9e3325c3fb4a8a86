#include "httpd.h"
#include "svc_ops.h"
#include "ts_routes.h"

const svc_route_t ts_routes[] = {
    SVC_OPS_ROUTES,
    {0, NULL, NULL, NULL}
};
