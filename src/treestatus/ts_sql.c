#include "svc_auth_sql.h"
#include "ts_sql.h"

const svc_db_stmt_t ts_statements[] = {
    {"ts_ping", "SELECT 1"},
    SVC_AUTH_STATEMENTS("ts"),
    {NULL, NULL}
};
