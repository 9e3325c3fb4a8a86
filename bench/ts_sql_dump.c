/* bench/ts_sql_dump.c: mod_treestatus' statement table (src/treestatus/ts_sql.c), for
 * bench/run.sh, which gives pgbench the very SQL the module prepares.
 *
 *   ts_sql_dump                  every statement as "label<TAB>sql"
 *   ts_sql_dump LABEL [VAR...]   that statement for a pgbench script: the n-th apr_dbd
 *                                placeholder becomes (:VARn)::type with the type apr_dbd_pgsql
 *                                declares in its PREPARE (%s varchar, %d integer, %lld bigint);
 *                                VAR "NULL" binds SQL NULL; %% becomes %.
 * Exit 2 for an unknown label or a wrong number of VARs. Built by bench/run.sh into its
 * scratch directory; not part of the modules. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "ts_sql.h"

static int bind_vars(const char *sql, int nvars, char **vars)
{
    const char *p, *q, *type;
    int k = 0;

    for (p = sql; *p; p++) {
        if (*p != '%') {
            putchar(*p);
            continue;
        }
        if (p[1] == '%') {
            putchar('%');
            p++;
            continue;
        }
        for (q = p + 1; isalpha((unsigned char)*q); q++) {
        }
        if (q - p == 2 && p[1] == 'd') {
            type = "integer";
        }
        else if (q - p == 4 && !strncmp(p + 1, "lld", 3)) {
            type = "bigint";
        }
        else {
            type = "varchar";
        }
        if (k >= nvars) {
            return -1;
        }
        if (!strcmp(vars[k], "NULL")) {
            printf("NULL::%s", type);
        }
        else {
            printf("(:%s)::%s", vars[k], type);
        }
        k++;
        p = q - 1;
    }
    putchar('\n');
    return k == nvars ? 0 : -1;
}

int main(int argc, char **argv)
{
    const svc_db_stmt_t *s;

    for (s = ts_statements; s->label; s++) {
        if (argc == 1) {
            printf("%s\t%s\n", s->label, s->sql);
        }
        else if (!strcmp(s->label, argv[1])) {
            if (bind_vars(s->sql, argc - 2, argv + 2) != 0) {
                fprintf(stderr, "ts_sql_dump: %s: wrong number of variables\n",
                        argv[1]);
                return 2;
            }
            return 0;
        }
    }
    if (argc > 1) {
        fprintf(stderr, "ts_sql_dump: no statement %s in ts_statements\n", argv[1]);
        return 2;
    }
    return 0;
}
