/* The tooltool statement table (registered with mod_dbd by
 * `TooltoolDatabase On`); SQL and labels in tt_sql.c. */
#ifndef TT_SQL_H
#define TT_SQL_H

#include "svc_db.h"

extern const svc_db_stmt_t tt_statements[];

#endif
