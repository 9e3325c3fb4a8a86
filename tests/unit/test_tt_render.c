/* tt_render: File and Batch documents from hand-made rows (spec §1.4). */
#include <string.h>
#include "unit.h"
#include "svc_json.h"
#include "tt_render.h"

#define ONE_D "3abb6677af34ac57c0ca5828fd94f9d886c26ce59a8ce60ecf6778079423dccf" \
              "f1d6f19cb655805d56098e6d38a1a710dee59523eed7511e5a9e4b8ccb3a4686"

static svc_db_rows_t *rows_of(const char **names, int ncols, const char **cells,
                              int nrows)
{
    svc_db_rows_t *r = apr_pcalloc(unit_pool, sizeof(*r));

    r->names = names;
    r->ncols = ncols;
    r->cells = cells;
    r->nrows = nrows;
    return r;
}

static const char *dump(json_t *j)
{
    return svc_json_dump(unit_pool, svc_json_own(unit_pool, j), NULL);
}

START_TEST(uploaded_format)
{
    ck_assert_str_eq(tt_render_uploaded(unit_pool, "2015-03-05T22:02:02.000000"),
                     "2015-03-05T22:02:02Z");
    ck_assert_str_eq(tt_render_uploaded(unit_pool, "2026-05-04T18:37:33.123456"),
                     "2026-05-04T18:37:33.123456Z");
    ck_assert_str_eq(tt_render_uploaded(unit_pool, "2026-05-04 18:37:33.12"),
                     "2026-05-04T18:37:33.120000Z");
    ck_assert_str_eq(tt_render_uploaded(unit_pool, "2015-03-05 22:02:02"),
                     "2015-03-05T22:02:02Z");
    ck_assert_str_eq(tt_render_uploaded(unit_pool, "garbage"), "garbage");
    ck_assert_ptr_null(tt_render_uploaded(unit_pool, NULL));
}
END_TEST

START_TEST(file_document)
{
    static const char *names[] = {"sha512", "size", "visibility", "has_instances",
                                  "instances"};
    static const char *cells[] = {
        ONE_D, "5000000000", "public", "t", "[\"us-east-1\", \"us-west-2\"]",
        ONE_D, "2", "internal", "f", "[]",
        ONE_D, "2", "internal", "f", NULL,
    };
    svc_db_rows_t *rows = rows_of(names, 5, cells, 3);

    ck_assert_str_eq(dump(tt_render_file(rows, 0, 1)),
                     "{\"algorithm\":\"sha512\",\"digest\":\"" ONE_D "\","
                     "\"has_instances\":true,\"instances\":[\"us-east-1\",\"us-west-2\"],"
                     "\"size\":5000000000,\"visibility\":\"public\"}");
    ck_assert_str_eq(dump(tt_render_file(rows, 1, 0)),
                     "{\"algorithm\":\"sha512\",\"digest\":\"" ONE_D "\","
                     "\"has_instances\":false,\"size\":2,\"visibility\":\"internal\"}");
    ck_assert_str_eq(dump(tt_render_file(rows, 2, 1)),
                     "{\"algorithm\":\"sha512\",\"digest\":\"" ONE_D "\","
                     "\"has_instances\":false,\"instances\":[],\"size\":2,"
                     "\"visibility\":\"internal\"}");
    ck_assert_str_eq(dump(tt_render_files(rows_of(names, 5, cells, 0))), "[]");
    ck_assert_str_eq(dump(tt_render_wrap(json_array())), "{\"result\":[]}");
}
END_TEST

START_TEST(batch_documents)
{
    static const char *names[] = {"id", "uploaded", "author", "message", "filename",
                                  "sha512", "size", "visibility", "has_instances"};
    static const char *cells[] = {
        "1", "2015-03-05T22:02:02.000000", "me@me.com", "first batch", "one",
        ONE_D, "2", "public", "t",
        "3", "2015-03-05T22:02:02.500000", "you@you.com", "third batch", "1",
        ONE_D, "2", "public", "t",
        "3", "2015-03-05T22:02:02.500000", "you@you.com", "third batch", "2",
        ONE_D, "3", "public", "f",
        "4", "2015-03-05T22:02:02.000000", "x", "no files", NULL,
        NULL, NULL, NULL, NULL,
    };
    const char *out = dump(tt_render_batches(unit_pool, rows_of(names, 9, cells, 4)));

    ck_assert_str_eq(out,
        "[{\"author\":\"me@me.com\",\"files\":{\"one\":{\"algorithm\":\"sha512\","
        "\"digest\":\"" ONE_D "\",\"has_instances\":true,\"size\":2,"
        "\"visibility\":\"public\"}},\"id\":1,\"message\":\"first batch\","
        "\"uploaded\":\"2015-03-05T22:02:02Z\"},"
        "{\"author\":\"you@you.com\",\"files\":{\"1\":{\"algorithm\":\"sha512\","
        "\"digest\":\"" ONE_D "\",\"has_instances\":true,\"size\":2,"
        "\"visibility\":\"public\"},\"2\":{\"algorithm\":\"sha512\","
        "\"digest\":\"" ONE_D "\",\"has_instances\":false,\"size\":3,"
        "\"visibility\":\"public\"}},\"id\":3,\"message\":\"third batch\","
        "\"uploaded\":\"2015-03-05T22:02:02.500000Z\"},"
        "{\"author\":\"x\",\"files\":{},\"id\":4,\"message\":\"no files\","
        "\"uploaded\":\"2015-03-05T22:02:02Z\"}]");
    ck_assert_str_eq(dump(tt_render_batches(unit_pool, rows_of(names, 9, cells, 0))), "[]");
}
END_TEST

START_TEST(int64_cells)
{
    ck_assert(tt_render_int64("5000000000") == APR_INT64_C(5000000000));
    ck_assert(tt_render_int64(NULL) == 0);
}
END_TEST

Suite *tt_render_suite(void)
{
    Suite *s = suite_create("tt_render");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, uploaded_format);
    tcase_add_test(tc, file_document);
    tcase_add_test(tc, batch_documents);
    tcase_add_test(tc, int64_cells);
    suite_add_tcase(s, tc);
    return s;
}
