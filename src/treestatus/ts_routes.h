/* [ap] The treestatus route table. */
#ifndef TS_ROUTES_H
#define TS_ROUTES_H

#include "svc_route.h"

extern const svc_route_t ts_routes[];

#endif
