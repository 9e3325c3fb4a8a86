/* The treestatus statement table (registered with mod_dbd). */
#ifndef TS_SQL_H
#define TS_SQL_H

#include "svc_db.h"

extern const svc_db_stmt_t ts_statements[];

#endif
