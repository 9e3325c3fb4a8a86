/* svc_problem: the one error document (DESIGN.md "Errors"), checked byte for
 * byte through svc_json_dump (compact, sorted keys). */
#include <string.h>
#include "unit.h"
#include "svc_json.h"
#include "svc_problem.h"

#define D400 "The browser (or proxy) sent a request that this server could " \
             "not understand."
#define D403 "You don't have the permission to access the requested resource. " \
             "It is either read-protected or not readable by the server."
#define D404 "The requested URL was not found on the server. If you entered " \
             "the URL manually please check your spelling and try again."
#define D405 "The method is not allowed for the requested URL."
#define D413 "The data value transmitted exceeds the capacity limit."
#define D500 "The server encountered an internal error and was unable to " \
             "complete your request. Either the server is overloaded or there " \
             "is an error in the application."
#define D503 "The server is temporarily unable to service your request due to " \
             "maintenance downtime or capacity problems. Please try again later."

static json_t *make(int status, const char *detail, svc_problem_style style)
{
    json_t *doc = svc_problem_make(status, detail, style);
    ck_assert_msg(doc != NULL, "svc_problem_make(%d) returned NULL", status);
    return svc_json_own(unit_pool, doc);
}

static const char *plain(int status, const char *detail)
{
    return svc_json_dump(unit_pool, make(status, detail, SVC_PROBLEM_PLAIN), NULL);
}

static const char *wrapped(int status, const char *detail)
{
    return svc_json_dump(unit_pool, make(status, detail, SVC_PROBLEM_WRAPPED), NULL);
}

/* The plain document for status/reason/detail, built independently. */
static const char *expect_plain(int status, const char *reason, const char *detail)
{
    return apr_psprintf(unit_pool,
                        "{\"detail\":\"%s\",\"instance\":\"about:blank\","
                        "\"status\":%d,\"title\":\"%d %s: %s\","
                        "\"type\":\"about:blank\"}",
                        detail, status, status, reason, detail);
}

START_TEST(seed_tree_not_found)
{
    ck_assert_str_eq(plain(404, "No such tree"),
                     "{\"detail\":\"No such tree\",\"instance\":\"about:blank\","
                     "\"status\":404,\"title\":\"404 Not Found: No such tree\","
                     "\"type\":\"about:blank\"}");
}
END_TEST

START_TEST(seed_invalid_digest)
{
    ck_assert_str_eq(plain(400, "Invalid sha512 digest"),
                     "{\"detail\":\"Invalid sha512 digest\",\"instance\":\"about:blank\","
                     "\"status\":400,\"title\":\"400 Bad Request: Invalid sha512 digest\","
                     "\"type\":\"about:blank\"}");
}
END_TEST

START_TEST(seed_forbidden_default_detail)
{
    ck_assert_str_eq(plain(403, NULL), expect_plain(403, "Forbidden", D403));
    /* the default detail is exactly the seed's sentence */
    ck_assert_str_eq(svc_problem_default_detail(403),
                     "You don't have the permission to access the requested "
                     "resource. It is either read-protected or not readable by "
                     "the server.");
}
END_TEST

START_TEST(wrapped_invalid_digest)
{
    /* tooltool: the same five keys plus "error" with name/description */
    ck_assert_str_eq(wrapped(400, "Invalid sha512 digest"),
                     "{\"detail\":\"Invalid sha512 digest\","
                     "\"error\":{\"description\":\"Invalid sha512 digest\","
                     "\"detail\":\"Invalid sha512 digest\",\"instance\":\"about:blank\","
                     "\"name\":\"400 Bad Request: Invalid sha512 digest\",\"status\":400,"
                     "\"title\":\"400 Bad Request: Invalid sha512 digest\","
                     "\"type\":\"about:blank\"},"
                     "\"instance\":\"about:blank\",\"status\":400,"
                     "\"title\":\"400 Bad Request: Invalid sha512 digest\","
                     "\"type\":\"about:blank\"}");
}
END_TEST

START_TEST(wrapped_default_detail)
{
    const char *t = "404 Not Found: " D404;

    ck_assert_str_eq(wrapped(404, NULL),
                     apr_pstrcat(unit_pool,
                                 "{\"detail\":\"", D404, "\",\"error\":{",
                                 "\"description\":\"", D404, "\",",
                                 "\"detail\":\"", D404, "\",",
                                 "\"instance\":\"about:blank\",",
                                 "\"name\":\"", t, "\",\"status\":404,",
                                 "\"title\":\"", t, "\",\"type\":\"about:blank\"},",
                                 "\"instance\":\"about:blank\",\"status\":404,",
                                 "\"title\":\"", t, "\",\"type\":\"about:blank\"}",
                                 NULL));
}
END_TEST

START_TEST(exact_key_sets)
{
    static const char *plain_keys[] = {"type", "instance", "status", "title", "detail"};
    json_t *p = make(409, "Tree already exists.", SVC_PROBLEM_PLAIN);
    json_t *w = make(409, "Tree already exists.", SVC_PROBLEM_WRAPPED);
    json_t *e = json_object_get(w, "error");
    size_t i;

    ck_assert_uint_eq(json_object_size(p), 5);
    ck_assert_uint_eq(json_object_size(w), 6);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(json_object_size(e), 7);
    for (i = 0; i < 5; i++) {
        const char *k = plain_keys[i];
        ck_assert_msg(json_object_get(p, k) != NULL, "plain lacks %s", k);
        /* wrapped = plain + error; error = plain + name + description */
        ck_assert_msg(json_equal(json_object_get(p, k), json_object_get(w, k)),
                      "wrapped %s differs", k);
        ck_assert_msg(json_equal(json_object_get(p, k), json_object_get(e, k)),
                      "error.%s differs", k);
    }
    ck_assert(json_equal(json_object_get(e, "name"), json_object_get(p, "title")));
    ck_assert(json_equal(json_object_get(e, "description"), json_object_get(p, "detail")));
    ck_assert(json_is_integer(json_object_get(p, "status")));
    ck_assert_int_eq(json_integer_value(json_object_get(e, "status")), 409);
}
END_TEST

START_TEST(titles_for_common_statuses)
{
    static const struct { int status; const char *reason; } cases[] = {
        {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"},
        {404, "Not Found"}, {405, "Method Not Allowed"}, {406, "Not Acceptable"},
        {409, "Conflict"}, {410, "Gone"}, {411, "Length Required"},
        {412, "Precondition Failed"}, {413, "Request Entity Too Large"},
        {414, "Request URI Too Long"}, {415, "Unsupported Media Type"},
        {422, "Unprocessable Entity"}, {429, "Too Many Requests"},
        {500, "Internal Server Error"}, {501, "Not Implemented"},
        {502, "Bad Gateway"}, {503, "Service Unavailable"},
        {504, "Gateway Timeout"}
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_str_eq(svc_http_reason(cases[i].status), cases[i].reason);
        ck_assert_str_eq(plain(cases[i].status, "x"),
                         expect_plain(cases[i].status, cases[i].reason, "x"));
    }
}
END_TEST

START_TEST(reason_fallback)
{
    ck_assert_str_eq(svc_http_reason(200), "OK");
    ck_assert_str_eq(svc_http_reason(204), "No Content");
    ck_assert_str_eq(svc_http_reason(302), "Found");
    ck_assert_str_eq(svc_http_reason(499), "Bad Request");
    ck_assert_str_eq(svc_http_reason(599), "Internal Server Error");
}
END_TEST

START_TEST(default_details)
{
    ck_assert_str_eq(svc_problem_default_detail(400), D400);
    ck_assert_str_eq(svc_problem_default_detail(404), D404);
    ck_assert_str_eq(svc_problem_default_detail(405), D405);
    ck_assert_str_eq(svc_problem_default_detail(413), D413);
    ck_assert_str_eq(svc_problem_default_detail(500), D500);
    ck_assert_str_eq(svc_problem_default_detail(503), D503);
    /* unknown 5xx fall back on 500's text, unknown 4xx on 400's */
    ck_assert_str_eq(svc_problem_default_detail(599), D500);
    ck_assert_str_eq(svc_problem_default_detail(499), D400);
    ck_assert_str_eq(plain(405, NULL), expect_plain(405, "Method Not Allowed", D405));
    ck_assert_str_eq(plain(500, NULL), expect_plain(500, "Internal Server Error", D500));
    ck_assert_str_eq(plain(503, NULL), expect_plain(503, "Service Unavailable", D503));
    ck_assert_str_eq(plain(413, NULL), expect_plain(413, "Request Entity Too Large", D413));
}
END_TEST

START_TEST(empty_detail_is_not_default)
{
    ck_assert_str_eq(plain(400, ""), expect_plain(400, "Bad Request", ""));
}
END_TEST

START_TEST(detail_is_escaped)
{
    /* messages quote client input: quotes and backslashes stay JSON-safe */
    ck_assert_str_eq(plain(400, "'a\"b\\c' is not of type 'boolean' - 'x'"),
                     expect_plain(400, "Bad Request",
                                  "'a\\\"b\\\\c' is not of type 'boolean' - 'x'"));
    ck_assert_str_eq(plain(404, "No tree caf\xc3\xa9 found."),
                     expect_plain(404, "Not Found", "No tree caf\xc3\xa9 found."));
}
END_TEST

START_TEST(invalid_utf8_never_fails)
{
    static const char *details[] = {
        "No tree \xff found.", "\x80", "tree \xc3", "\xfe\xff\xc0\xaf"
    };
    static const char *cleaned[] = {
        "No tree ? found.", "?", "tree ?", "????"
    };
    size_t i;

    for (i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
        ck_assert_str_eq(plain(404, details[i]),
                         expect_plain(404, "Not Found", cleaned[i]));
        ck_assert_str_eq(wrapped(400, details[i]),
                         apr_psprintf(unit_pool,
                                      "{\"detail\":\"%s\",\"error\":{\"description\":\"%s\","
                                      "\"detail\":\"%s\",\"instance\":\"about:blank\","
                                      "\"name\":\"400 Bad Request: %s\",\"status\":400,"
                                      "\"title\":\"400 Bad Request: %s\","
                                      "\"type\":\"about:blank\"},"
                                      "\"instance\":\"about:blank\",\"status\":400,"
                                      "\"title\":\"400 Bad Request: %s\","
                                      "\"type\":\"about:blank\"}",
                                      cleaned[i], cleaned[i], cleaned[i],
                                      cleaned[i], cleaned[i], cleaned[i]));
    }
}
END_TEST

START_TEST(moderately_long_detail)
{
    char detail[901];

    memset(detail, 'd', sizeof(detail) - 1);
    detail[sizeof(detail) - 1] = '\0';
    ck_assert_str_eq(plain(400, detail), expect_plain(400, "Bad Request", detail));
}
END_TEST

START_TEST(content_types)
{
    ck_assert_str_eq(svc_problem_content_type(SVC_PROBLEM_PLAIN),
                     "application/problem+json");
    ck_assert_str_eq(svc_problem_content_type(SVC_PROBLEM_WRAPPED),
                     "application/json");
}
END_TEST

START_TEST(independent_documents)
{
    /* every call returns a new document: changing one never shows in another */
    json_t *a = make(404, "No such tree", SVC_PROBLEM_WRAPPED);
    json_t *b = make(404, "No such tree", SVC_PROBLEM_WRAPPED);

    ck_assert_ptr_ne(a, b);
    ck_assert_int_eq(a->refcount, 1);
    json_object_set_new(json_object_get(a, "error"), "detail", json_string("changed"));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "error"),
                                                       "detail")), "No such tree");
    ck_assert_str_eq(json_string_value(json_object_get(a, "detail")), "No such tree");
}
END_TEST

Suite *svc_problem_suite(void)
{
    Suite *s = suite_create("svc_problem");
    TCase *tc = unit_tcase("svc_problem");

    tcase_add_test(tc, seed_tree_not_found);
    tcase_add_test(tc, seed_invalid_digest);
    tcase_add_test(tc, seed_forbidden_default_detail);
    tcase_add_test(tc, wrapped_invalid_digest);
    tcase_add_test(tc, wrapped_default_detail);
    tcase_add_test(tc, exact_key_sets);
    tcase_add_test(tc, titles_for_common_statuses);
    tcase_add_test(tc, reason_fallback);
    tcase_add_test(tc, default_details);
    tcase_add_test(tc, empty_detail_is_not_default);
    tcase_add_test(tc, detail_is_escaped);
    tcase_add_test(tc, invalid_utf8_never_fails);
    tcase_add_test(tc, moderately_long_detail);
    tcase_add_test(tc, content_types);
    tcase_add_test(tc, independent_documents);
    suite_add_tcase(s, tc);
    return s;
}
