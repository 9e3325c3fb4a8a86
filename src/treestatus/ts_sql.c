#include "ts_sql.h"

const svc_db_stmt_t ts_statements[] = {
    {"ts_ping", "SELECT 1"},
    {NULL, NULL}
};
