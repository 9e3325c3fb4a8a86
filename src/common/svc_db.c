#include <ctype.h>
#include <string.h>
#include <apr_strings.h>
#include "svc_db.h"
#include "svc_log.h"

struct svc_db_t {
    apr_pool_t *pool;
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_hash_t *prepared;
    apr_pool_t *conn_pool;
    const svc_db_stmt_t *stmts;
    const void *log_ctx;
    int in_tx;
    int tx_failed;
    int tx_transient;        /* the failure was a lost connection/statement */
};

int svc_db_error_is_transient(const char *full)
{
    static const char *const marks[] = {
        "server closed the connection",
        "terminating connection",
        "no connection to the server",
        "connection to server",
        "could not receive data",
        "could not send data",
        "connection not open",
        "Connection refused",
        "SSL SYSCALL",
        NULL
    };
    char msg[1024];
    const char *cut, *hint;
    size_t n;
    int i;

    if (!full) {
        return 0;
    }
    /* only the primary message: DETAIL/HINT lines quote user data, which
     * could contain any of the phrases below */
    cut = strstr(full, "DETAIL:");
    hint = strstr(full, "HINT:");
    if (hint && (!cut || hint < cut)) {
        cut = hint;
    }
    n = cut ? (size_t)(cut - full) : strlen(full);
    if (n >= sizeof(msg)) {
        n = sizeof(msg) - 1;
    }
    memcpy(msg, full, n);
    msg[n] = '\0';
    if (strstr(msg, "prepared statement") && strstr(msg, "does not exist")) {
        return 1;
    }
    for (i = 0; marks[i]; i++) {
        if (strstr(msg, marks[i])) {
            return 1;
        }
    }
    return 0;
}

int svc_db_placeholders(const char *sql)
{
    int n = 0;
    const char *p;

    for (p = sql; *p; p++) {
        if (*p != '%') {
            continue;
        }
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (isalpha((unsigned char)p[1])) {
            n++;
            while (isalpha((unsigned char)p[1])) {
                p++;
            }
            continue;
        }
        return -1;
    }
    return n;
}

static apr_status_t rollback_cleanup(void *data)
{
    svc_db_t *db = data;
    int nrows;

    /* runs before mod_dbd's release cleanup (LIFO): never hand a connection
     * with an open transaction back to the pool */
    if (db->in_tx) {
        apr_dbd_query(db->driver, db->handle, &nrows, "ROLLBACK");
        db->in_tx = 0;
    }
    return APR_SUCCESS;
}

svc_db_t *svc_db_make(apr_pool_t *p, const apr_dbd_driver_t *driver,
                      apr_dbd_t *handle, apr_hash_t *prepared,
                      apr_pool_t *conn_pool, const svc_db_stmt_t *stmts,
                      const void *log_ctx)
{
    svc_db_t *db = apr_pcalloc(p, sizeof(*db));

    db->pool = p;
    db->driver = driver;
    db->handle = handle;
    db->prepared = prepared;
    db->conn_pool = conn_pool;
    db->stmts = stmts;
    db->log_ctx = log_ctx;
    apr_pool_cleanup_register(p, db, rollback_cleanup, apr_pool_cleanup_null);
    return db;
}

static const char *error_text(svc_db_t *db, int rv)
{
    static char none[] = "(no message)";
    char buf[512];
    const char *msg = apr_dbd_error(db->driver, db->handle, rv);

    if (!msg || !*msg) {
        return none;
    }
    return apr_pstrdup(db->pool, svc_log_oneline(buf, msg, sizeof(buf)));
}

static const char *stmt_sql(const svc_db_t *db, const char *label)
{
    const svc_db_stmt_t *s;

    for (s = db->stmts; s && s->label; s++) {
        if (!strcmp(s->label, label)) {
            return s->sql;
        }
    }
    return NULL;
}

static int prepare_one(svc_db_t *db, const char *label, const char *sql)
{
    apr_dbd_prepared_t *st = NULL;
    int rv = apr_dbd_prepare(db->driver, db->conn_pool, db->handle, sql,
                             label, &st);

    if (rv != 0) {
        svc_log_r(db->log_ctx, SVC_LOG_ERR, 0, 1,
                  "preparing statement %s failed (rc %d): %s", label, rv,
                  error_text(db, rv));
        return SVC_DB_ERROR;
    }
    apr_hash_set(db->prepared, label, APR_HASH_KEY_STRING, st);
    return SVC_DB_OK;
}

/* After a restart: reconnect if libpq saw the connection die, drop whatever
 * prepared state the server may still have, and prepare our table again.
 * Other modules' statements on this connection heal the same way on use. */
static int repair(svc_db_t *db)
{
    const svc_db_stmt_t *s;
    int nrows, rv;

    rv = apr_dbd_check_conn(db->driver, db->pool, db->handle);
    if (rv != APR_SUCCESS) {
        svc_log_r(db->log_ctx, SVC_LOG_WARNING, 0, 2,
                  "database connection is down and could not be reset");
        return SVC_DB_UNAVAILABLE;
    }
    apr_dbd_query(db->driver, db->handle, &nrows, "DEALLOCATE ALL");
    for (s = db->stmts; s && s->label; s++) {
        if (prepare_one(db, s->label, s->sql) != SVC_DB_OK) {
            return SVC_DB_UNAVAILABLE;
        }
    }
    svc_log_r(db->log_ctx, SVC_LOG_NOTICE, 0, 3,
              "database connection reset and statements prepared again");
    return SVC_DB_OK;
}

static apr_dbd_prepared_t *lookup(svc_db_t *db, const char *label)
{
    apr_dbd_prepared_t *st = apr_hash_get(db->prepared, label,
                                          APR_HASH_KEY_STRING);
    const char *sql;

    if (st) {
        return st;
    }
    /* Not registered with mod_dbd (directive missing, or a connection made
     * before a graceful restart added statements): prepare it here. */
    sql = stmt_sql(db, label);
    if (!sql) {
        svc_log_r(db->log_ctx, SVC_LOG_ERR, 0, 4,
                  "no SQL statement labelled %s (a bug)", label);
        return NULL;
    }
    if (prepare_one(db, label, sql) != SVC_DB_OK) {
        return NULL;
    }
    return apr_hash_get(db->prepared, label, APR_HASH_KEY_STRING);
}

/* Rows are fetched by number (1..ntuples): the pgsql driver frees the
 * PGresult, names and values included, as soon as get_row is asked for the
 * row past the last one, but keeps it until the pool is cleared when rows
 * are addressed directly. So the strings can be used in place, no copies. */
static int copy_rows(svc_db_t *db, apr_dbd_results_t *res, svc_db_rows_t **out)
{
    svc_db_rows_t *rs = apr_pcalloc(db->pool, sizeof(*rs));
    int ntuples = apr_dbd_num_tuples(db->driver, res);
    int c, r;

    rs->ncols = apr_dbd_num_cols(db->driver, res);
    rs->names = apr_pcalloc(db->pool, sizeof(char *) * (rs->ncols + 1));
    for (c = 0; c < rs->ncols; c++) {
        rs->names[c] = apr_dbd_get_name(db->driver, res, c);
    }
    if (ntuples < 0) {
        ntuples = 0;
    }
    rs->cells = apr_pcalloc(db->pool, sizeof(char *) * (ntuples * rs->ncols + 1));
    for (r = 0; r < ntuples; r++) {
        apr_dbd_row_t *row = NULL;

        if (apr_dbd_get_row(db->driver, db->pool, res, &row, r + 1) != 0) {
            break;
        }
        for (c = 0; c < rs->ncols; c++) {
            const char *v = NULL;
            if (apr_dbd_datum_get(db->driver, row, c, APR_DBD_TYPE_STRING,
                                  &v) != APR_SUCCESS) {
                v = NULL; /* APR_ENOENT: SQL NULL */
            }
            rs->cells[r * rs->ncols + c] = v;
        }
    }
    rs->nrows = r;
    *out = rs;
    return SVC_DB_OK;
}

static int run(svc_db_t *db, const char *label, int nargs,
               const char *const *args, svc_db_rows_t **rows, int *affected)
{
    int attempt;

    for (attempt = 0; ; attempt++) {
        apr_dbd_prepared_t *st;
        apr_dbd_results_t *res = NULL;
        const char *msg;
        int rv, nrows = 0, transient;

        if (db->in_tx && db->tx_failed) {
            return SVC_DB_ERROR; /* the server would refuse anyway */
        }
        st = lookup(db, label);
        if (!st) {
            if (db->in_tx) {
                db->tx_failed = db->tx_transient = 1;
            }
            if (attempt == 0 && !db->in_tx && repair(db) == SVC_DB_OK) {
                continue;
            }
            return SVC_DB_UNAVAILABLE;
        }
        if (rows) {
            rv = apr_dbd_pselect(db->driver, db->pool, db->handle, &res, st,
                                 1, nargs, (const char **)args);
        }
        else {
            rv = apr_dbd_pquery(db->driver, db->pool, db->handle, &nrows, st,
                                nargs, (const char **)args);
        }
        if (rv == 0) {
            if (affected) {
                *affected = nrows;
            }
            return rows ? copy_rows(db, res, rows) : SVC_DB_OK;
        }
        msg = error_text(db, rv);
        transient = svc_db_error_is_transient(msg);
        if (db->in_tx) {
            db->tx_failed = 1;
            db->tx_transient = transient;
        }
        else if (transient && attempt == 0) {
            svc_log_r(db->log_ctx, SVC_LOG_INFO, 0, 5,
                      "statement %s failed, retrying once: %s", label, msg);
            if (repair(db) == SVC_DB_OK) {
                continue;
            }
        }
        svc_log_r(db->log_ctx, transient ? SVC_LOG_WARNING : SVC_LOG_ERR, 0, 6,
                  "statement %s failed (rc %d): %s", label, rv, msg);
        return transient ? SVC_DB_UNAVAILABLE : SVC_DB_ERROR;
    }
}

int svc_db_select(svc_db_t *db, const char *label, int nargs,
                  const char *const *args, svc_db_rows_t **rows)
{
    return run(db, label, nargs, args, rows, NULL);
}

int svc_db_exec(svc_db_t *db, const char *label, int nargs,
                const char *const *args, int *affected)
{
    return run(db, label, nargs, args, NULL, affected);
}

static int raw(svc_db_t *db, const char *sql)
{
    int nrows, rv = apr_dbd_query(db->driver, db->handle, &nrows, sql);

    if (rv != 0) {
        const char *msg = error_text(db, rv);
        svc_log_r(db->log_ctx, SVC_LOG_WARNING, 0, 7, "%s failed (rc %d): %s",
                  sql, rv, msg);
        return svc_db_error_is_transient(msg) ? SVC_DB_UNAVAILABLE
                                              : SVC_DB_ERROR;
    }
    return SVC_DB_OK;
}

int svc_db_transaction(svc_db_t *db, svc_db_unit_fn *unit, void *baton)
{
    int attempt, rc;

    for (attempt = 0; attempt < 2; attempt++) {
        rc = raw(db, "BEGIN");
        if (rc != SVC_DB_OK) {
            if (rc == SVC_DB_UNAVAILABLE && attempt == 0
                && repair(db) == SVC_DB_OK) {
                continue;
            }
            return rc;
        }
        db->in_tx = 1;
        db->tx_failed = db->tx_transient = 0;
        rc = unit(db, baton);
        if (rc == 0 && !db->tx_failed) {
            db->in_tx = 0;
            /* a COMMIT lost with the connection may or may not have happened:
             * never replay it, report the outage instead */
            return raw(db, "COMMIT");
        }
        raw(db, "ROLLBACK");
        db->in_tx = 0;
        if (db->tx_failed && db->tx_transient && attempt == 0
            && repair(db) == SVC_DB_OK) {
            continue;
        }
        if (rc == 0 || rc == SVC_DB_ERROR || rc == SVC_DB_UNAVAILABLE) {
            return db->tx_transient ? SVC_DB_UNAVAILABLE : SVC_DB_ERROR;
        }
        return rc;
    }
    return SVC_DB_UNAVAILABLE;
}

const char *svc_db_cell(const svc_db_rows_t *rows, int row, int col)
{
    if (!rows || row < 0 || row >= rows->nrows || col < 0 || col >= rows->ncols) {
        return NULL;
    }
    return rows->cells[row * rows->ncols + col];
}

int svc_db_colnum(const svc_db_rows_t *rows, const char *name)
{
    int c;

    for (c = 0; rows && c < rows->ncols; c++) {
        if (!strcmp(rows->names[c], name)) {
            return c;
        }
    }
    return -1;
}

const char *svc_db_get(const svc_db_rows_t *rows, int row, const char *name)
{
    return svc_db_cell(rows, row, svc_db_colnum(rows, name));
}
