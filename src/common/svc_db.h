/* The one place that talks apr_dbd (pgsql through mod_dbd).
 *
 * What it takes care of, each learnt the hard way (guides/style.md §2.4):
 *  - selects run with random=1 (sequential mode sleeps 100 ms on empty
 *    results and hides SQL errors);
 *  - results are copied out as rows of C strings with SQL NULL kept as NULL;
 *  - after a PostgreSQL restart the pooled connection is reset and its
 *    prepared statements are gone: the statement is re-prepared and run once
 *    more (outside a transaction), or the whole transaction unit is rerun;
 *  - transactions are plain BEGIN/COMMIT issued here, with our own failure
 *    flag: apr_dbd_transaction_end returns 0 after an automatic rollback, and
 *    the pgsql driver dereferences NULL when BEGIN fails on a dead connection;
 *  - an open transaction is rolled back by a pool cleanup that runs before
 *    mod_dbd returns the connection to its pool.
 * Errors are logged with their tag; clients only ever see 500/503. */
#ifndef SVC_DB_H
#define SVC_DB_H

#include <apr_pools.h>
#include <apr_hash.h>
#include <apr_dbd.h>

/* A module's statement table, ended by {NULL, NULL}. SQL in apr_dbd syntax:
 * %s (varchar), %d (integer), %lld (bigint); a literal percent is %%. Labels
 * are lowercase snake_case with the module prefix (ts_, tt_). */
typedef struct {
    const char *label;
    const char *sql;
} svc_db_stmt_t;

typedef enum {
    SVC_DB_OK = 0,
    SVC_DB_ERROR = -1,       /* the statement failed: a bug or a constraint */
    SVC_DB_UNAVAILABLE = -2  /* no usable connection, even after a retry */
} svc_db_status;

typedef struct {
    int nrows;
    int ncols;
    const char **names;      /* ncols column names */
    const char **cells;      /* nrows * ncols values, NULL for SQL NULL */
} svc_db_rows_t;

typedef struct svc_db_t svc_db_t;

/* Wraps a connection acquired from mod_dbd (see svc_dbd.h for the glue).
 * `prepared` is the connection's label -> statement hash and `conn_pool` the
 * connection's own pool (re-prepared statements must outlive the request). */
svc_db_t *svc_db_make(apr_pool_t *p, const apr_dbd_driver_t *driver,
                      apr_dbd_t *handle, apr_hash_t *prepared,
                      apr_pool_t *conn_pool, const svc_db_stmt_t *stmts,
                      const void *log_ctx);

/* Argument helpers: svc_db_select(db, "ts_tree_get", SVC_DB_ARGS(name), &rows) */
#define SVC_DB_ARGS(...) \
    (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)), \
    (const char *[]){__VA_ARGS__}
#define SVC_DB_NOARGS 0, NULL

int svc_db_select(svc_db_t *db, const char *label, int nargs,
                  const char *const *args, svc_db_rows_t **rows);
int svc_db_exec(svc_db_t *db, const char *label, int nargs,
                const char *const *args, int *affected);

/* Runs `unit` inside BEGIN/COMMIT. The unit returns 0 to commit; anything
 * else rolls back and is returned. When the connection was lost or its
 * statements vanished, the connection is repaired and the unit is run once
 * more from the start, so a unit must only build its results from what it
 * reads inside the transaction. */
typedef int svc_db_unit_fn(svc_db_t *db, void *baton);
int svc_db_transaction(svc_db_t *db, svc_db_unit_fn *unit, void *baton);

/* Result access. */
const char *svc_db_cell(const svc_db_rows_t *rows, int row, int col);
int svc_db_colnum(const svc_db_rows_t *rows, const char *name);
const char *svc_db_get(const svc_db_rows_t *rows, int row, const char *name);

/* Number of placeholders (%s, %d, %lld, %pDt, ...) in apr_dbd SQL, -1 if the
 * text has a stray percent; used by the statement-table lint test. */
int svc_db_placeholders(const char *sql);

/* True when an apr_dbd/libpq error text means the connection or its prepared
 * statements are gone (worth a reset + re-prepare + one retry). */
int svc_db_error_is_transient(const char *msg);

#endif
