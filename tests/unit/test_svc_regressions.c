/* Failing tests for bugs found in the shared core (not committed). */
#include <string.h>
#include "unit.h"
#include "svc_json.h"
#include "svc_problem.h"
#include "svc_log.h"

static const char *parse_err(const char *body, int want)
{
    const char *err = "unset";
    json_t *j = svc_json_parse(unit_pool, body, strlen(body), want, &err);
    ck_assert_msg((j == NULL) == (err != NULL), "result and error disagree");
    return err;
}

/* BUG 1: top-level scalars are reported as invalid JSON (json_loadb without
 * JSON_DECODE_ANY), not as a type error; want = -1 cannot accept them. */
START_TEST(bug_parse_top_level_scalars)
{
    const char *err = "unset";
    json_t *j;

    ck_assert_str_eq(parse_err("null", JSON_OBJECT), "None is not of type 'object'");
    ck_assert_str_eq(parse_err("\"abc\"", JSON_OBJECT), "'abc' is not of type 'object'");
    ck_assert_str_eq(parse_err("true", JSON_ARRAY), "True is not of type 'array'");
    ck_assert_str_eq(parse_err("3", JSON_OBJECT), "3 is not of type 'object'");
    j = svc_json_parse(unit_pool, "3", 1, -1, &err);
    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(json_integer_value(j), 3);
}
END_TEST

/* BUG 2: repr of arrays/objects is compact JSON, not Python's repr
 * (connexion: "[1, 2] is not of type 'object'"). */
START_TEST(bug_repr_containers_python_style)
{
    ck_assert_str_eq(parse_err("[1,2]", JSON_OBJECT), "[1, 2] is not of type 'object'");
    ck_assert_str_eq(parse_err("{\"a\": \"x\"}", JSON_ARRAY),
                     "{'a': 'x'} is not of type 'array'");
    ck_assert_str_eq(parse_err("[[\"x\"], null, true]", JSON_OBJECT),
                     "[['x'], None, True] is not of type 'object'");
}
END_TEST

/* BUG 3: repr cuts long strings at byte 61, splitting UTF-8 sequences: the
 * message is then not UTF-8 and the problem builder mangles all of it. */
START_TEST(bug_repr_truncation_keeps_utf8)
{
    char s[200] = "";
    const char *r;
    json_t *v, *check;
    int i;

    for (i = 0; i < 40; i++) {
        strcat(s, "\xc3\xa9"); /* é */
    }
    v = svc_json_own(unit_pool, json_string(s));
    r = svc_json_repr(unit_pool, v);
    check = json_string(r);
    ck_assert_msg(check != NULL, "repr is not valid UTF-8: %s", r);
    json_decref(check);
    ck_assert(!strncmp(r, "'\xc3\xa9\xc3\xa9", 5));
    ck_assert(!strcmp(r + strlen(r) - 4, "...'"));
}
END_TEST

/* BUG 4: svc_json_string_lossy replaces every non-ASCII byte, not only the
 * invalid ones as its header says. */
START_TEST(bug_lossy_keeps_valid_utf8)
{
    json_t *j = svc_json_own(unit_pool, svc_json_string_lossy("caf\xc3\xa9 \xff"));
    ck_assert_str_eq(json_string_value(j), "caf\xc3\xa9 ?");
    j = svc_json_own(unit_pool, svc_problem_make(404, "No tree caf\xc3\xa9\xff found.",
                                                 SVC_PROBLEM_PLAIN));
    ck_assert_str_eq(json_string_value(json_object_get(j, "detail")),
                     "No tree caf\xc3\xa9? found.");
    ck_assert_str_eq(json_string_value(json_object_get(j, "title")),
                     "404 Not Found: No tree caf\xc3\xa9? found.");
}
END_TEST

/* BUG 5: the title is built in a 1024-byte buffer: longer details give a cut
 * title (and a cut inside a UTF-8 sequence turns the title's non-ASCII text
 * into '?'), so title != "<code> <reason>: <detail>". */
START_TEST(bug_problem_long_detail_title)
{
    char detail[2001];
    json_t *j;
    int i;

    memset(detail, 'd', 2000);
    detail[2000] = '\0';
    j = svc_json_own(unit_pool, svc_problem_make(400, detail, SVC_PROBLEM_PLAIN));
    ck_assert_str_eq(json_string_value(json_object_get(j, "title")),
                     apr_pstrcat(unit_pool, "400 Bad Request: ", detail, NULL));

    detail[0] = '\0';
    for (i = 0; i < 600; i++) {
        strcat(detail, "\xc3\xa9");
    }
    j = svc_json_own(unit_pool, svc_problem_make(400, detail, SVC_PROBLEM_PLAIN));
    ck_assert_str_eq(json_string_value(json_object_get(j, "title")),
                     apr_pstrcat(unit_pool, "400 Bad Request: ", detail, NULL));
}
END_TEST

/* BUG 6: default details are werkzeug's only for 400/403/404/405/413/500/503;
 * 401 is cut after the first sentence, 409/415/429/502/... use 400's/500's. */
START_TEST(bug_default_details_werkzeug)
{
    ck_assert_str_eq(svc_problem_default_detail(401),
                     "The server could not verify that you are authorized to access "
                     "the URL requested. You either supplied the wrong credentials "
                     "(e.g. a bad password), or your browser doesn't understand how "
                     "to supply the credentials required.");
    ck_assert_str_eq(svc_problem_default_detail(409),
                     "A conflict happened while processing the request. The resource "
                     "might have been modified while the request was being processed.");
    ck_assert_str_eq(svc_problem_default_detail(415),
                     "The server does not support the media type transmitted in the "
                     "request.");
    ck_assert_str_eq(svc_problem_default_detail(502),
                     "The proxy server received an invalid response from an upstream "
                     "server.");
}
END_TEST

/* BUG 7: svc_log_oneline stops 3 bytes early: text that fits is cut. */
START_TEST(bug_oneline_uses_whole_buffer)
{
    char buf[10];
    ck_assert_str_eq(svc_log_oneline(buf, "abcdefghi", sizeof(buf)), "abcdefghi");
    ck_assert_str_eq(svc_log_oneline(buf, "abc\ndef", sizeof(buf)), "abc | def");
}
END_TEST

Suite *svc_regressions_suite(void)
{
    Suite *s = suite_create("svc_regressions");
    TCase *tc = unit_tcase("svc_bugs");
    tcase_add_test(tc, bug_parse_top_level_scalars);
    tcase_add_test(tc, bug_repr_containers_python_style);
    tcase_add_test(tc, bug_repr_truncation_keeps_utf8);
    tcase_add_test(tc, bug_lossy_keeps_valid_utf8);
    tcase_add_test(tc, bug_problem_long_detail_title);
    tcase_add_test(tc, bug_default_details_werkzeug);
    tcase_add_test(tc, bug_oneline_uses_whole_buffer);
    suite_add_tcase(s, tc);
    return s;
}
