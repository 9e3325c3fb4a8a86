/* [ap] The tooltool route table. */
#ifndef TT_ROUTES_H
#define TT_ROUTES_H

#include "svc_route.h"

extern const svc_route_t tt_routes[];

#endif
