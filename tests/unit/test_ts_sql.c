/* ts_sql: the statement table is well formed (what a typo would otherwise
 * only show when mod_dbd prepares it on a live connection). */
#include <ctype.h>
#include "unit.h"
#include "ts_sql.h"

START_TEST(labels_and_placeholders)
{
    const svc_db_stmt_t *s;
    const char *c;
    int n = 0;

    for (s = ts_statements; s->label; s++, n++) {
        const svc_db_stmt_t *o;

        ck_assert_msg(!strncmp(s->label, "ts_", 3), "%s: no ts_ prefix", s->label);
        for (c = s->label; *c; c++) {
            ck_assert_msg(islower((unsigned char)*c) || isdigit((unsigned char)*c)
                          || *c == '_', "%s: not lowercase snake_case", s->label);
        }
        ck_assert_msg(svc_db_placeholders(s->sql) >= 0,
                      "%s: stray %% in its SQL", s->label);
        for (o = s + 1; o->label; o++) {
            ck_assert_msg(strcmp(s->label, o->label), "%s twice", s->label);
        }
    }
    ck_assert_int_gt(n, 20);
}
END_TEST

START_TEST(arity)
{
    static const struct { const char *label; int n; } want[] = {
        {"ts_gen_get", 0}, {"ts_gen_bump", 0}, {"ts_trees", 0}, {"ts_tree", 1},
        {"ts_logs", 2}, {"ts_stack", 0}, {"ts_trees_known", 1},
        {"ts_trees_lock", 1}, {"ts_trees_update", 4}, {"ts_trees_log", 3},
        {"ts_change_insert", 3}, {"ts_change_trees_insert", 2},
        {"ts_tree_insert", 5}, {"ts_trees_delete", 1}, {"ts_change_lock", 1},
        {"ts_change_trees", 1}, {"ts_restore_lock", 1}, {"ts_tree_set", 3},
        {"ts_log_insert", 5}, {"ts_change_delete", 2}, {"ts_change_reason", 2},
        {"ts_change_tree_state", 2}, {"ts_log_amend", 3},
        {"ts_change_trees_mentioning", 1},
    };
    size_t i;

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const svc_db_stmt_t *s;
        for (s = ts_statements; s->label && strcmp(s->label, want[i].label); s++)
            ;
        ck_assert_msg(s->label != NULL, "%s missing", want[i].label);
        ck_assert_msg(svc_db_placeholders(s->sql) == want[i].n, "%s: %d placeholders",
                      want[i].label, svc_db_placeholders(s->sql));
    }
}
END_TEST

Suite *ts_sql_suite(void)
{
    Suite *s = suite_create("ts_sql");
    TCase *tc = unit_tcase("sql");

    tcase_add_test(tc, labels_and_placeholders);
    tcase_add_test(tc, arity);
    suite_add_tcase(s, tc);
    return s;
}
