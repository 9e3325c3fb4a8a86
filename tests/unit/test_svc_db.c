/* svc_db: the pure helpers (no database needed) and the statement-table lint
 * for both modules. The lint walks the tables to their {NULL, NULL} end, so
 * it covers every statement added later without changes here. */
#include <ctype.h>
#include <string.h>
#include "unit.h"
#include "svc_db.h"
#include "ts_sql.h"
#include "tt_sql.h"

/* ---- svc_db_placeholders ----------------------------------------------- */

struct placeholder_case {
    const char *sql;
    int n; /* the expected count */
};

static void check_placeholders(const struct placeholder_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        ck_assert_msg(svc_db_placeholders(cases[i].sql) == cases[i].n,
                      "%s: %d placeholders, expected %d", cases[i].sql,
                      svc_db_placeholders(cases[i].sql), cases[i].n);
    }
}

START_TEST(placeholders_counted)
{
    static const struct placeholder_case cases[] = {
        {"", 0},
        {"SELECT 1", 0},
        {"SELECT * FROM trees WHERE tree = %s", 1},
        {"UPDATE trees SET status = %s, reason = %s WHERE tree = %s", 3},
        {"SELECT * FROM log WHERE id = %d", 1},
        {"SELECT * FROM log WHERE id = %lld", 1},
        {"INSERT INTO t (a) VALUES (%pDt)", 1},
        {"INSERT INTO t (a, b) VALUES (%pDz, %pDb)", 2},
        {"SELECT %s::uuid, %s::jsonb, %s::timestamptz", 3},
        {"%s%s", 2},
        {"%s,%d,%lld,%pDt", 4},
        {"VALUES(%s)", 1},
        {"SELECT x FROM t LIMIT %d OFFSET %d", 2},
    };

    check_placeholders(cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

START_TEST(placeholders_literal_percent)
{
    static const struct placeholder_case cases[] = {
        {"SELECT '100%%'", 0},
        {"SELECT 'a' LIKE 'a%%'", 0},
        {"%%s", 0},            /* a literal "%s", not a parameter */
        {"%%%%", 0},
        {"%%%s", 1},
        {"%s%%", 1},
        {"SELECT id %% 2 FROM t WHERE a = %s", 1},
    };

    check_placeholders(cases, sizeof(cases) / sizeof(cases[0]));
}
END_TEST

START_TEST(placeholders_stray_percent)
{
    static const char *sqls[] = {
        "%", "50%", "SELECT id % 2 FROM t", "SELECT '%1'", "x = %s AND y = % ",
        "%_x", "%%%", "SELECT %s, %"
    };
    size_t i;

    for (i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
        ck_assert_msg(svc_db_placeholders(sqls[i]) == -1, "%s: %d, expected -1",
                      sqls[i], svc_db_placeholders(sqls[i]));
    }
}
END_TEST

/* ---- svc_db_error_is_transient ------------------------------------------ */

START_TEST(transient_errors)
{
    static const char *msgs[] = {
        "prepared statement \"x\" does not exist",
        "ERROR:  prepared statement \"ts_tree_get\" does not exist\n",
        "server closed the connection unexpectedly",
        "server closed the connection unexpectedly\n\tThis probably means the "
        "server terminated abnormally\n\tbefore or while processing the request.\n",
        "terminating connection due to administrator command",
        "FATAL:  terminating connection due to administrator command\n"
        "server closed the connection unexpectedly\n",
        "no connection to the server",
        "no connection to the server\n",
    };
    size_t i;

    for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        ck_assert_msg(svc_db_error_is_transient(msgs[i]) == 1,
                      "not transient: %s", msgs[i]);
    }
}
END_TEST

START_TEST(permanent_errors)
{
    static const char *msgs[] = {
        "relation \"t\" does not exist",
        "ERROR:  relation \"trees\" does not exist\nLINE 1: SELECT * FROM trees\n"
        "                      ^\n",
        "ERROR:  column \"x\" does not exist\n",
        "ERROR:  function nope(integer) does not exist\n",
        "duplicate key value violates unique constraint",
        "ERROR:  duplicate key value violates unique constraint \"trees_pkey\"\n"
        "DETAIL:  Key (tree)=(autoland) already exists.\n",
        "ERROR:  null value in column \"status\" violates not-null constraint\n",
        "ERROR:  syntax error at or near \"SELEC\"\n",
        "ERROR:  invalid input syntax for type integer: \"abc\"\n",
        "",
        NULL
    };
    size_t i;

    for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        ck_assert_msg(svc_db_error_is_transient(msgs[i]) == 0,
                      "transient: %s", msgs[i] ? msgs[i] : "(NULL)");
    }
}
END_TEST

/* ---- svc_db_cell / svc_db_colnum / svc_db_get --------------------------- */

static const char *names[] = {"id", "tree", "reason"};
static const char *cells[] = {
    "1", "autoland", NULL,
    "2", "try",      "",
};
static const svc_db_rows_t rows = {2, 3, names, cells};

START_TEST(cell_by_index)
{
    ck_assert_str_eq(svc_db_cell(&rows, 0, 0), "1");
    ck_assert_str_eq(svc_db_cell(&rows, 0, 1), "autoland");
    ck_assert_str_eq(svc_db_cell(&rows, 1, 0), "2");
    ck_assert_str_eq(svc_db_cell(&rows, 1, 1), "try");
    /* SQL NULL stays NULL, an empty string stays empty */
    ck_assert_ptr_null(svc_db_cell(&rows, 0, 2));
    ck_assert_ptr_eq(svc_db_cell(&rows, 1, 2), cells[5]);
    ck_assert_str_eq(svc_db_cell(&rows, 1, 2), "");
}
END_TEST

START_TEST(cell_out_of_range)
{
    static const svc_db_rows_t empty = {0, 3, names, cells};
    static const svc_db_rows_t nocols = {2, 0, names, cells};

    ck_assert_ptr_null(svc_db_cell(&rows, -1, 0));
    ck_assert_ptr_null(svc_db_cell(&rows, 2, 0));
    ck_assert_ptr_null(svc_db_cell(&rows, 0, -1));
    ck_assert_ptr_null(svc_db_cell(&rows, 0, 3));
    ck_assert_ptr_null(svc_db_cell(&rows, 1, 3)); /* not cells[6] */
    ck_assert_ptr_null(svc_db_cell(&rows, 100000, 100000));
    ck_assert_ptr_null(svc_db_cell(NULL, 0, 0));
    ck_assert_ptr_null(svc_db_cell(&empty, 0, 0));
    ck_assert_ptr_null(svc_db_cell(&nocols, 0, 0));
}
END_TEST

START_TEST(colnum_by_name)
{
    static const svc_db_rows_t empty = {0, 3, names, NULL};

    ck_assert_int_eq(svc_db_colnum(&rows, "id"), 0);
    ck_assert_int_eq(svc_db_colnum(&rows, "tree"), 1);
    ck_assert_int_eq(svc_db_colnum(&rows, "reason"), 2);
    ck_assert_int_eq(svc_db_colnum(&rows, "Tree"), -1);
    ck_assert_int_eq(svc_db_colnum(&rows, "tre"), -1);
    ck_assert_int_eq(svc_db_colnum(&rows, ""), -1);
    ck_assert_int_eq(svc_db_colnum(NULL, "id"), -1);
    /* names are known even without rows */
    ck_assert_int_eq(svc_db_colnum(&empty, "reason"), 2);
}
END_TEST

START_TEST(get_by_name)
{
    static const svc_db_rows_t empty = {0, 3, names, NULL};

    ck_assert_str_eq(svc_db_get(&rows, 0, "tree"), "autoland");
    ck_assert_str_eq(svc_db_get(&rows, 1, "id"), "2");
    ck_assert_ptr_null(svc_db_get(&rows, 0, "reason"));
    ck_assert_str_eq(svc_db_get(&rows, 1, "reason"), "");
    ck_assert_ptr_null(svc_db_get(&rows, 0, "missing"));
    ck_assert_ptr_null(svc_db_get(&rows, 2, "id"));
    ck_assert_ptr_null(svc_db_get(&rows, -1, "id"));
    ck_assert_ptr_null(svc_db_get(NULL, 0, "id"));
    ck_assert_ptr_null(svc_db_get(&empty, 0, "id"));
}
END_TEST

/* ---- statement-table lint ----------------------------------------------- */

/* PostgreSQL truncates identifiers to NAMEDATALEN-1 bytes in PREPARE, while
 * PQexecPrepared looks the label up untruncated: a longer label never runs. */
#define PG_MAX_IDENT 63

/* Lowercase snake_case: [a-z][a-z0-9]* words joined by single underscores. */
static int snake_case(const char *s)
{
    const char *p;

    if (!islower((unsigned char)s[0])) {
        return 0;
    }
    for (p = s; *p; p++) {
        if (*p == '_') {
            if (p[1] == '_' || p[1] == '\0') {
                return 0;
            }
        }
        else if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p)) {
            return 0;
        }
    }
    return 1;
}

/* All problems of one table, one per line; "" when it is clean. */
static const char *lint(apr_pool_t *p, const svc_db_stmt_t *t, const char *prefix)
{
    const char *out = "";
    size_t plen = strlen(prefix);
    int i, j;

    for (i = 0; t[i].label || t[i].sql; i++) {
        const char *label = t[i].label;
        if (!label || !t[i].sql) {
            out = apr_psprintf(p, "%sentry %d: label or SQL missing\n", out, i);
            continue;
        }
        if (!snake_case(label)) {
            out = apr_psprintf(p, "%s%s: not lowercase snake_case\n", out, label);
        }
        if (strncmp(label, prefix, plen) || !label[plen]) {
            out = apr_psprintf(p, "%s%s: does not start with %s\n", out, label, prefix);
        }
        if (strlen(label) > PG_MAX_IDENT) {
            out = apr_psprintf(p, "%s%s: longer than %d bytes\n", out, label,
                               PG_MAX_IDENT);
        }
        for (j = 0; j < i; j++) {
            if (t[j].label && !strcmp(t[j].label, label)) {
                out = apr_psprintf(p, "%s%s: duplicate label (entries %d and %d)\n",
                                   out, label, j, i);
            }
        }
        if (!*t[i].sql) {
            out = apr_psprintf(p, "%s%s: empty SQL\n", out, label);
        }
        else if (svc_db_placeholders(t[i].sql) < 0) {
            out = apr_psprintf(p, "%s%s: stray %% in SQL (write %%%% for a literal)\n",
                               out, label);
        }
    }
    return out;
}

static int table_size(const svc_db_stmt_t *t)
{
    int n = 0;
    while (t[n].label || t[n].sql) {
        n++;
    }
    return n;
}

START_TEST(lint_ts_statements)
{
    const char *problems = lint(unit_pool, ts_statements, "ts_");
    ck_assert_int_gt(table_size(ts_statements), 0);
    ck_assert_msg(!*problems, "ts_statements:\n%s", problems);
}
END_TEST

START_TEST(lint_tt_statements)
{
    const char *problems = lint(unit_pool, tt_statements, "tt_");
    ck_assert_int_gt(table_size(tt_statements), 0);
    ck_assert_msg(!*problems, "tt_statements:\n%s", problems);
}
END_TEST

/* The lint itself catches each kind of mistake. */
START_TEST(lint_catches_mistakes)
{
    static const svc_db_stmt_t bad[] = {
        {"ts_tree_get", "SELECT * FROM trees WHERE tree = %s"},
        {"ts_TreeGet", "SELECT 1"},
        {"tt_file_get", "SELECT 1"},
        {"ts_tree_get", "SELECT 2"},
        {"ts_like", "SELECT 1 WHERE 'a' LIKE 'a%'"},
        {"ts__double", "SELECT 1"},
        {"ts_trailing_", "SELECT 1"},
        {"ts_", "SELECT 1"},
        {"ts_empty", ""},
        {"ts_a_label_that_is_far_too_long_for_a_postgresql_identifier_wxyz", "SELECT 1"},
        {"ts_ok_2", "SELECT %d, '100%%'"},
        {"ts_a_label_that_is_just_short_enough_for_a_postgresql_identifie", "SELECT 1"},
        {NULL, NULL}
    };

    ck_assert_str_eq(lint(unit_pool, bad, "ts_"),
                     "ts_TreeGet: not lowercase snake_case\n"
                     "tt_file_get: does not start with ts_\n"
                     "ts_tree_get: duplicate label (entries 0 and 3)\n"
                     "ts_like: stray % in SQL (write %% for a literal)\n"
                     "ts__double: not lowercase snake_case\n"
                     "ts_trailing_: not lowercase snake_case\n"
                     "ts_: not lowercase snake_case\n"
                     "ts_: does not start with ts_\n"
                     "ts_empty: empty SQL\n"
                     "ts_a_label_that_is_far_too_long_for_a_postgresql_identifier_wxyz: "
                     "longer than 63 bytes\n");
    ck_assert_int_eq(table_size(bad), 12);
}
END_TEST

Suite *svc_db_suite(void)
{
    Suite *s = suite_create("svc_db");
    TCase *tc = unit_tcase("svc_db");

    tcase_add_test(tc, placeholders_counted);
    tcase_add_test(tc, placeholders_literal_percent);
    tcase_add_test(tc, placeholders_stray_percent);
    tcase_add_test(tc, transient_errors);
    tcase_add_test(tc, permanent_errors);
    tcase_add_test(tc, cell_by_index);
    tcase_add_test(tc, cell_out_of_range);
    tcase_add_test(tc, colnum_by_name);
    tcase_add_test(tc, get_by_name);
    tcase_add_test(tc, lint_ts_statements);
    tcase_add_test(tc, lint_tt_statements);
    tcase_add_test(tc, lint_catches_mistakes);
    suite_add_tcase(s, tc);
    return s;
}
