#include "svc_auth_sql.h"
#include "tt_sql.h"

const svc_db_stmt_t tt_statements[] = {
    {"tt_ping", "SELECT 1"},
    SVC_AUTH_STATEMENTS("tt"),
    {NULL, NULL}
};
