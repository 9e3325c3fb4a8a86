/* ts_render: rows as the statements return them -> the API's JSON, compared
 * as whole documents (svc_json_dump: compact, sorted keys). */
#include "unit.h"
#include "svc_json.h"
#include "ts_render.h"

/* rows from a NULL-terminated column list and nrows * ncols cells */
static svc_db_rows_t *rows_of(const char **names, int nrows, const char **cells)
{
    svc_db_rows_t *r = apr_pcalloc(unit_pool, sizeof(*r));

    while (names[r->ncols]) {
        r->ncols++;
    }
    r->nrows = nrows;
    r->names = names;
    r->cells = cells;
    return r;
}

static const char *dump(json_t *j)
{
    return svc_json_dump(unit_pool, svc_json_own(unit_pool, j), NULL);
}

static const char *tree_cols[] = {
    "tree", "message_of_the_day", "category", "status", "reason", "tags",
    "log_id", NULL
};

START_TEST(when_formats)
{
    ck_assert_str_eq(ts_render_when(unit_pool, "2015-07-16T00:00:00.000000"),
                     "2015-07-16T00:00:00+00:00");
    ck_assert_str_eq(ts_render_when(unit_pool, "2019-09-30T08:36:57.123456"),
                     "2019-09-30T08:36:57.123456+00:00");
    ck_assert_str_eq(ts_render_when(unit_pool, "2019-09-30T08:36:57.000001"),
                     "2019-09-30T08:36:57.000001+00:00");
    ck_assert_str_eq(ts_render_when(unit_pool, "0001-01-01T01:00:00.000000"),
                     "0001-01-01T01:00:00+00:00");
    /* PostgreSQL's own text: space, trailing zeros dropped */
    ck_assert_str_eq(ts_render_when(unit_pool, "2019-09-30 08:36:57.12"),
                     "2019-09-30T08:36:57.120000+00:00");
    ck_assert_str_eq(ts_render_when(unit_pool, "2015-07-16 00:00:00"),
                     "2015-07-16T00:00:00+00:00");
    ck_assert_str_eq(ts_render_when(unit_pool, "garbage"), "garbage");
    ck_assert_ptr_null(ts_render_when(unit_pool, NULL));
}
END_TEST

START_TEST(tags_lenient)
{
    ck_assert_str_eq(dump(ts_render_tags(NULL)), "[]");
    ck_assert_str_eq(dump(ts_render_tags("")), "[]");
    ck_assert_str_eq(dump(ts_render_tags("[]")), "[]");
    ck_assert_str_eq(dump(ts_render_tags("[\"a\", \"b\"]")), "[\"a\",\"b\"]");
    ck_assert_str_eq(dump(ts_render_tags("[\"\"]")), "[\"\"]");
    ck_assert_str_eq(dump(ts_render_tags("\"infra\"")), "[\"infra\"]");
    ck_assert_str_eq(dump(ts_render_tags("\"\"")), "[]");
    ck_assert_str_eq(dump(ts_render_tags("infra")), "[]");
    ck_assert_str_eq(dump(ts_render_tags("{}")), "[]");
    ck_assert_str_eq(dump(ts_render_tags("null")), "[]");
}
END_TEST

START_TEST(last_state_backfill)
{
    /* RA/RS before 2019: status and reason only */
    ck_assert_str_eq(dump(ts_render_last_state(
                         "{\"status\": \"open\", \"reason\": \"bug 1\"}")),
                     "{\"current_log_id\":null,\"current_reason\":\"New tree\","
                     "\"current_status\":\"closed\",\"current_tags\":[],"
                     "\"log_id\":null,\"reason\":\"bug 1\",\"status\":\"open\","
                     "\"tags\":[]}");
    /* V0: the whole tree; extra keys dropped */
    ck_assert_str_eq(dump(ts_render_last_state(
                         "{\"tree\": \"t\", \"status\": \"closed\", \"reason\": "
                         "\"x\", \"message_of_the_day\": \"m\"}")),
                     "{\"current_log_id\":null,\"current_reason\":\"New tree\","
                     "\"current_status\":\"closed\",\"current_tags\":[],"
                     "\"log_id\":null,\"reason\":\"x\",\"status\":\"closed\","
                     "\"tags\":[]}");
    /* complete: as stored, nulls kept */
    ck_assert_str_eq(dump(ts_render_last_state(
                         "{\"status\":\"open\",\"reason\":\"\",\"tags\":[\"a\"],"
                         "\"log_id\":null,\"current_status\":\"closed\","
                         "\"current_reason\":\"r\",\"current_tags\":[\"b\"],"
                         "\"current_log_id\":7}")),
                     "{\"current_log_id\":7,\"current_reason\":\"r\","
                     "\"current_status\":\"closed\",\"current_tags\":[\"b\"],"
                     "\"log_id\":null,\"reason\":\"\",\"status\":\"open\","
                     "\"tags\":[\"a\"]}");
    /* unreadable: all defaults */
    ck_assert_str_eq(dump(ts_render_last_state("not json")),
                     "{\"current_log_id\":null,\"current_reason\":\"New tree\","
                     "\"current_status\":\"closed\",\"current_tags\":[],"
                     "\"log_id\":null,\"reason\":\"New tree\","
                     "\"status\":\"closed\",\"tags\":[]}");
    ck_assert_str_eq(dump(ts_render_last_state(NULL)),
                     dump(ts_render_last_state("[]")));
}
END_TEST

START_TEST(tree_without_log)
{
    const char *cells[] = {"mozilla-central", "message", "other", "open",
                           "reason", NULL, NULL};
    svc_db_rows_t *rows = rows_of(tree_cols, 1, cells);

    ck_assert_str_eq(dump(ts_render_tree(rows, 0)),
                     "{\"category\":\"other\",\"log_id\":null,"
                     "\"message_of_the_day\":\"message\",\"reason\":\"reason\","
                     "\"status\":\"open\",\"tags\":[],\"tree\":\"mozilla-central\"}");
    ck_assert_str_eq(dump(ts_render_wrap(ts_render_tree(rows, 0))),
                     "{\"result\":{\"category\":\"other\",\"log_id\":null,"
                     "\"message_of_the_day\":\"message\",\"reason\":\"reason\","
                     "\"status\":\"open\",\"tags\":[],\"tree\":\"mozilla-central\"}}");
}
END_TEST

START_TEST(tree_with_log_and_empty_strings)
{
    const char *cells[] = {"autoland", "", "development", "closed", "",
                           "[\"closingtag1\", \"closingtag2\"]", "4"};
    svc_db_rows_t *rows = rows_of(tree_cols, 1, cells);

    ck_assert_str_eq(dump(ts_render_tree(rows, 0)),
                     "{\"category\":\"development\",\"log_id\":4,"
                     "\"message_of_the_day\":\"\",\"reason\":\"\","
                     "\"status\":\"closed\",\"tags\":[\"closingtag1\","
                     "\"closingtag2\"],\"tree\":\"autoland\"}");
}
END_TEST

START_TEST(trees_map_and_list)
{
    const char *cells[] = {
        "try", "", "try", "open", "", NULL, NULL,
        "autoland", "m", "other", "closed", "bustage", "[\"infra\"]", "12",
    };
    svc_db_rows_t *rows = rows_of(tree_cols, 2, cells);
    svc_db_rows_t *none = rows_of(tree_cols, 0, cells);

    ck_assert_str_eq(dump(ts_render_trees_list(rows)),
                     "[{\"category\":\"try\",\"log_id\":null,"
                     "\"message_of_the_day\":\"\",\"reason\":\"\",\"status\":\"open\","
                     "\"tags\":[],\"tree\":\"try\"},"
                     "{\"category\":\"other\",\"log_id\":12,"
                     "\"message_of_the_day\":\"m\",\"reason\":\"bustage\","
                     "\"status\":\"closed\",\"tags\":[\"infra\"],\"tree\":\"autoland\"}]");
    ck_assert_str_eq(dump(ts_render_trees_map(rows)),
                     "{\"autoland\":{\"category\":\"other\",\"log_id\":12,"
                     "\"message_of_the_day\":\"m\",\"reason\":\"bustage\","
                     "\"status\":\"closed\",\"tags\":[\"infra\"],\"tree\":\"autoland\"},"
                     "\"try\":{\"category\":\"try\",\"log_id\":null,"
                     "\"message_of_the_day\":\"\",\"reason\":\"\",\"status\":\"open\","
                     "\"tags\":[],\"tree\":\"try\"}}");
    ck_assert_str_eq(dump(ts_render_wrap(ts_render_trees_map(none))),
                     "{\"result\":{}}");
    ck_assert_str_eq(dump(ts_render_wrap(ts_render_trees_list(none))),
                     "{\"result\":[]}");
}
END_TEST

static const char *log_cols[] = {
    "id", "tree", "when", "who", "status", "reason", "tags", NULL
};

START_TEST(logs)
{
    const char *cells[] = {
        "8", "tree", "2026-01-02T03:04:05.000000", "ad|x", "closed",
        "fourth close", "[\"sometag1\"]",
        "7", "tree", "2026-01-02T03:04:04.500000", "ad|x", "open",
        "fourth open", "[]",
    };
    const char *empty[] = {NULL, "tree", NULL, NULL, NULL, NULL, NULL};

    ck_assert_str_eq(dump(ts_render_logs(unit_pool, rows_of(log_cols, 2, cells))),
                     "[{\"id\":8,\"reason\":\"fourth close\",\"status\":\"closed\","
                     "\"tags\":[\"sometag1\"],\"tree\":\"tree\","
                     "\"when\":\"2026-01-02T03:04:05+00:00\",\"who\":\"ad|x\"},"
                     "{\"id\":7,\"reason\":\"fourth open\",\"status\":\"open\","
                     "\"tags\":[],\"tree\":\"tree\","
                     "\"when\":\"2026-01-02T03:04:04.500000+00:00\",\"who\":\"ad|x\"}]");
    /* the tree exists, no logs: one row of NULLs from the LEFT JOIN */
    ck_assert_str_eq(dump(ts_render_logs(unit_pool, rows_of(log_cols, 1, empty))),
                     "[]");
}
END_TEST

static const char *stack_cols[] = {
    "id", "who", "reason", "status", "when", "ct_id", "tree", "last_state", NULL
};

START_TEST(stack_grouped_newest_first)
{
    const char *cells[] = {
        "2", "u", "close", "closed", "2026-01-02T00:00:01.000000", "3",
        "mozilla-central",
        "{\"status\":\"open\",\"reason\":\"r\",\"tags\":[\"t\"],\"log_id\":1,"
        "\"current_status\":\"closed\",\"current_reason\":\"close\","
        "\"current_tags\":[\"c\"],\"current_log_id\":3}",
        "2", "u", "close", "closed", "2026-01-02T00:00:01.000000", "4",
        "autoland", "{\"status\":\"open\",\"reason\":\"bug 1\"}",
        "1", "v", "bug 1", "open", "2015-07-14T00:00:00.250000", "1", "try",
        "{\"status\":\"closed\",\"reason\":\"x\"}",
    };
    const char *legacy_ls =
        "{\"current_log_id\":null,\"current_reason\":\"New tree\","
        "\"current_status\":\"closed\",\"current_tags\":[],\"log_id\":null,";

    ck_assert_str_eq(dump(ts_render_stack(unit_pool, rows_of(stack_cols, 3, cells))),
                     apr_pstrcat(unit_pool,
                     "[{\"id\":2,\"reason\":\"close\",\"status\":\"closed\","
                     "\"trees\":[{\"id\":3,\"last_state\":{\"current_log_id\":3,"
                     "\"current_reason\":\"close\",\"current_status\":\"closed\","
                     "\"current_tags\":[\"c\"],\"log_id\":1,\"reason\":\"r\","
                     "\"status\":\"open\",\"tags\":[\"t\"]},\"tree\":\"mozilla-central\"},"
                     "{\"id\":4,\"last_state\":", legacy_ls,
                     "\"reason\":\"bug 1\",\"status\":\"open\",\"tags\":[]},"
                     "\"tree\":\"autoland\"}],"
                     "\"when\":\"2026-01-02T00:00:01+00:00\",\"who\":\"u\"},"
                     "{\"id\":1,\"reason\":\"bug 1\",\"status\":\"open\","
                     "\"trees\":[{\"id\":1,\"last_state\":", legacy_ls,
                     "\"reason\":\"x\",\"status\":\"closed\",\"tags\":[]},"
                     "\"tree\":\"try\"}],"
                     "\"when\":\"2015-07-14T00:00:00.250000+00:00\",\"who\":\"v\"}]",
                     NULL));
    ck_assert_str_eq(dump(ts_render_stack(unit_pool, rows_of(stack_cols, 0, cells))),
                     "[]");
}
END_TEST

START_TEST(ints)
{
    ck_assert_str_eq(dump(ts_render_int("42")), "42");
    ck_assert_str_eq(dump(ts_render_int(NULL)), "null");
}
END_TEST

Suite *ts_render_suite(void)
{
    Suite *s = suite_create("ts_render");
    TCase *tc = unit_tcase("render");

    tcase_add_test(tc, when_formats);
    tcase_add_test(tc, tags_lenient);
    tcase_add_test(tc, last_state_backfill);
    tcase_add_test(tc, tree_without_log);
    tcase_add_test(tc, tree_with_log_and_empty_strings);
    tcase_add_test(tc, trees_map_and_list);
    tcase_add_test(tc, logs);
    tcase_add_test(tc, stack_grouped_newest_first);
    tcase_add_test(tc, ints);
    suite_add_tcase(s, tc);
    return s;
}
