/* svc_log: the sink the glue installs, "<PREFIX><5-digit tag>: msg" lines,
 * and svc_log_oneline for multi-line PostgreSQL errors. The tag-uniqueness
 * check over the tree is scripts/check-log-tags.sh (run by `make test`). */
#include <string.h>
#include "unit.h"
#include "svc_log.h"

static struct {
    int calls;
    const char *file;
    int line;
    int level;
    apr_status_t rv;
    const void *ctx;
    svc_log_ctx_kind kind;
    char msg[4096];
} got;

static void capture(const char *file, int line, int level, apr_status_t rv,
                    const void *ctx, svc_log_ctx_kind kind, const char *msg)
{
    got.calls++;
    got.file = file;
    got.line = line;
    got.level = level;
    got.rv = rv;
    got.ctx = ctx;
    got.kind = kind;
    strncpy(got.msg, msg, sizeof(got.msg) - 1);
    got.msg[sizeof(got.msg) - 1] = '\0';
}

/* The sink is process state: every test starts and ends without one. */
static void sink_setup(void)
{
    unit_pool_setup();
    memset(&got, 0, sizeof(got));
    svc_log_set_sink(NULL, NULL);
}

static void sink_teardown(void)
{
    svc_log_set_sink(NULL, NULL);
    unit_pool_teardown();
}

static TCase *log_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, sink_setup, sink_teardown);
    tcase_set_timeout(tc, 30);
    return tc;
}

/* ---- sink and tags ------------------------------------------------------ */

START_TEST(request_message_reaches_sink)
{
    static const int r = 0; /* any address stands for the request_rec */
    int line;

    svc_log_set_sink(capture, "TS");
    line = __LINE__; svc_log_r(&r, SVC_LOG_ERR, 70002, 12, "failed: %s (%d)", "why", 7);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_str_eq(got.msg, "TS00012: failed: why (7)");
    ck_assert_int_eq(got.level, SVC_LOG_ERR);
    ck_assert_int_eq(got.rv, 70002);
    ck_assert_ptr_eq(got.ctx, &r);
    ck_assert_int_eq(got.kind, SVC_LOG_REQUEST);
    ck_assert_str_eq(got.file, __FILE__);
    ck_assert_int_eq(got.line, line);
}
END_TEST

START_TEST(server_message_reaches_sink)
{
    static const int s = 0;

    svc_log_set_sink(capture, "TT");
    svc_log_s(&s, SVC_LOG_CRIT, 0, 999, "cache %s", "gone");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_str_eq(got.msg, "TT00999: cache gone");
    ck_assert_int_eq(got.level, SVC_LOG_CRIT);
    ck_assert_int_eq(got.rv, 0);
    ck_assert_ptr_eq(got.ctx, &s);
    ck_assert_int_eq(got.kind, SVC_LOG_SERVER);
}
END_TEST

START_TEST(tag_formatting)
{
    svc_log_set_sink(capture, "TS");
    svc_log_s(NULL, SVC_LOG_INFO, 0, 1, "one");
    ck_assert_str_eq(got.msg, "TS00001: one");
    svc_log_s(NULL, SVC_LOG_INFO, 0, 1234, "module");
    ck_assert_str_eq(got.msg, "TS01234: module");
    svc_log_s(NULL, SVC_LOG_INFO, 0, 12345, "five");
    ck_assert_str_eq(got.msg, "TS12345: five");
    svc_log_s(NULL, SVC_LOG_INFO, 0, 7, "%s", "");
    ck_assert_str_eq(got.msg, "TS00007: ");
    ck_assert_int_eq(got.calls, 4);
}
END_TEST

START_TEST(arguments_are_not_formats)
{
    svc_log_set_sink(capture, "TT");
    svc_log_r(NULL, SVC_LOG_WARNING, 0, 5, "statement %s failed: %s", "tt_x",
              "LIKE 'a%s%d%n'");
    ck_assert_str_eq(got.msg, "TT00005: statement tt_x failed: LIKE 'a%s%d%n'");
}
END_TEST

START_TEST(prefix_installed_and_default)
{
    ck_assert_str_eq(svc_log_prefix(), "SV");
    svc_log_set_sink(capture, "TT");
    ck_assert_str_eq(svc_log_prefix(), "TT");
    svc_log_set_sink(capture, NULL);
    ck_assert_str_eq(svc_log_prefix(), "SV");
    svc_log_s(NULL, SVC_LOG_DEBUG, 0, 42, "x");
    ck_assert_str_eq(got.msg, "SV00042: x");
    ck_assert_int_eq(got.level, SVC_LOG_DEBUG);
}
END_TEST

START_TEST(no_sink_no_call)
{
    svc_log_set_sink(capture, "TS");
    svc_log_s(NULL, SVC_LOG_ERR, 0, 1, "first");
    ck_assert_int_eq(got.calls, 1);
    svc_log_set_sink(NULL, "TS");
    svc_log_s(NULL, SVC_LOG_ERR, 0, 2, "second");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_str_eq(got.msg, "TS00001: first");
}
END_TEST

START_TEST(long_message_is_cut_not_overflowed)
{
    char *big = apr_palloc(unit_pool, 5001);
    size_t n;

    memset(big, 'x', 5000);
    big[5000] = '\0';
    svc_log_set_sink(capture, "TS");
    svc_log_s(NULL, SVC_LOG_ERR, 0, 3, "%s", big);
    ck_assert_int_eq(got.calls, 1);
    n = strlen(got.msg);
    ck_assert_uint_gt(n, 1000);       /* cut, but not to nothing */
    ck_assert_uint_lt(n, 5000);
    ck_assert(!strncmp(got.msg, "TS00003: xxxx", 13));
    ck_assert_uint_eq(strspn(got.msg + 9, "x"), n - 9);
}
END_TEST

/* ---- svc_log_oneline --------------------------------------------------- */

static const char *oneline(const char *text)
{
    char buf[1024];
    char *out = svc_log_oneline(buf, text, sizeof(buf));
    ck_assert_ptr_eq(out, buf);
    return apr_pstrdup(unit_pool, out);
}

START_TEST(oneline_joins_lines)
{
    ck_assert_str_eq(oneline("plain"), "plain");
    ck_assert_str_eq(oneline("a\nb"), "a | b");
    ck_assert_str_eq(oneline("a\r\nb"), "a | b");
    ck_assert_str_eq(oneline("a\rb"), "a | b");
    ck_assert_str_eq(oneline("a\n\n\nb\nc"), "a | b | c");
    ck_assert_str_eq(oneline(""), "");
    ck_assert_str_eq(oneline(NULL), "");
}
END_TEST

START_TEST(oneline_drops_trailing_newlines)
{
    ck_assert_str_eq(oneline("abc\n"), "abc");
    ck_assert_str_eq(oneline("abc\n\n"), "abc");
    ck_assert_str_eq(oneline("abc\r\n"), "abc");
    ck_assert_str_eq(oneline("abc\n  \n"), "abc");
    ck_assert_str_eq(oneline("\n"), "");
}
END_TEST

START_TEST(oneline_postgresql_errors)
{
    ck_assert_str_eq(
        oneline("ERROR:  duplicate key value violates unique constraint \"t_name_key\"\n"
                "DETAIL:  Key (name)=(a) already exists.\n"),
        "ERROR:  duplicate key value violates unique constraint \"t_name_key\""
        " | DETAIL:  Key (name)=(a) already exists.");
    /* the caret line's indentation goes with its newline */
    ck_assert_str_eq(
        oneline("ERROR:  syntax error at or near \"SELEC\"\n"
                "LINE 1: SELEC 1\n"
                "        ^\n"),
        "ERROR:  syntax error at or near \"SELEC\" | LINE 1: SELEC 1 | ^");
    ck_assert_str_eq(
        oneline("server closed the connection unexpectedly\n"
                "\tThis probably means the server terminated abnormally\n"),
        "server closed the connection unexpectedly | "
        "\tThis probably means the server terminated abnormally");
}
END_TEST

/* For every buffer size: NUL-terminated inside the buffer, never a byte
 * past it, and always a prefix of the full one-line text. */
START_TEST(oneline_truncates_within_size)
{
    static const char *texts[] = {
        "abcdefghijklmnop",
        "ERROR:  x\nDETAIL:  y\n",
        "a\nb\nc\nd\ne\nf\n",
        "\n\n\nx"
    };
    size_t t;

    for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        const char *full = oneline(texts[t]);
        unsigned long size;

        for (size = 1; size <= strlen(full) + 8; size++) {
            char buf[64];
            size_t n;

            memset(buf, '#', sizeof(buf));
            ck_assert_ptr_eq(svc_log_oneline(buf, texts[t], size), buf);
            n = strnlen(buf, sizeof(buf));
            ck_assert_msg(n < size, "text %lu size %lu: length %lu", (unsigned long)t,
                          size, (unsigned long)n);
            ck_assert_msg(!strncmp(buf, full, n), "text %lu size %lu: \"%s\" is not "
                          "a prefix of \"%s\"", (unsigned long)t, size, buf, full);
            ck_assert_msg(buf[size] == '#', "text %lu size %lu: wrote past the end",
                          (unsigned long)t, size);
        }
    }
}
END_TEST

START_TEST(oneline_size_zero_writes_nothing)
{
    char buf[4] = "###";
    ck_assert_ptr_eq(svc_log_oneline(buf, "abc", 0), buf);
    ck_assert_str_eq(buf, "###");
}
END_TEST

START_TEST(oneline_large_buffer_keeps_everything)
{
    char *text = apr_palloc(unit_pool, 600);
    char buf[512];

    memset(text, 'q', 599);
    text[599] = '\0';
    svc_log_oneline(buf, text, sizeof(buf));
    ck_assert_uint_gt(strlen(buf), 400);
    ck_assert_uint_lt(strlen(buf), sizeof(buf));
    ck_assert_uint_eq(strspn(buf, "q"), strlen(buf));
}
END_TEST

Suite *svc_log_suite(void)
{
    Suite *s = suite_create("svc_log");
    TCase *tc = log_tcase("svc_log");

    tcase_add_test(tc, request_message_reaches_sink);
    tcase_add_test(tc, server_message_reaches_sink);
    tcase_add_test(tc, tag_formatting);
    tcase_add_test(tc, arguments_are_not_formats);
    tcase_add_test(tc, prefix_installed_and_default);
    tcase_add_test(tc, no_sink_no_call);
    tcase_add_test(tc, long_message_is_cut_not_overflowed);
    tcase_add_test(tc, oneline_joins_lines);
    tcase_add_test(tc, oneline_drops_trailing_newlines);
    tcase_add_test(tc, oneline_postgresql_errors);
    tcase_add_test(tc, oneline_truncates_within_size);
    tcase_add_test(tc, oneline_size_zero_writes_nothing);
    tcase_add_test(tc, oneline_large_buffer_keeps_everything);
    suite_add_tcase(s, tc);
    return s;
}
