#include "unit.h"
#include "svc_route.h"

static int h_a(struct svc_req_t *req) { (void)req; return 1; }
static int h_b(struct svc_req_t *req) { (void)req; return 2; }

static const svc_route_t table[] = {
    {SVC_M_GET, "/__heartbeat__", h_a, NULL},
    {SVC_M_GET | SVC_M_PATCH, "/trees", h_a, NULL},
    {SVC_M_GET, "/trees/{tree}", h_a, NULL},
    {SVC_M_PUT | SVC_M_DELETE, "/trees/{tree}", h_b, "trees/create"},
    {SVC_M_GET, "/trees/{tree}/logs", h_b, NULL},
    {SVC_M_DELETE, "/stack2/restore/{id}", h_b, NULL},
    {SVC_M_GET, "/v0/trees/", h_a, NULL},
    {0, NULL, NULL, NULL}
};

START_TEST(found_literal)
{
    svc_route_match_t m;
    ck_assert_int_eq(svc_route_find(unit_pool, table, "GET", "/__heartbeat__", &m),
                     SVC_ROUTE_FOUND);
    ck_assert_ptr_eq(m.route, &table[0]);
    ck_assert_int_eq(m.nparams, 0);
}
END_TEST

START_TEST(found_param_and_method_split)
{
    svc_route_match_t m;
    ck_assert_int_eq(svc_route_find(unit_pool, table, "PUT", "/trees/autoland", &m),
                     SVC_ROUTE_FOUND);
    ck_assert_ptr_eq(m.route, &table[3]);
    ck_assert_str_eq(svc_route_param(&m, "tree"), "autoland");
    ck_assert_ptr_null(svc_route_param(&m, "id"));
    ck_assert_int_eq(svc_route_find(unit_pool, table, "HEAD", "/trees/x", &m),
                     SVC_ROUTE_FOUND);
    ck_assert_ptr_eq(m.route, &table[2]);
}
END_TEST

START_TEST(method_not_allowed_lists_allow)
{
    svc_route_match_t m;
    ck_assert_int_eq(svc_route_find(unit_pool, table, "POST", "/trees/x", &m),
                     SVC_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_ptr_null(m.route);
    ck_assert_str_eq(svc_route_allow(unit_pool, m.allowed),
                     "GET, HEAD, PUT, DELETE, OPTIONS");
    ck_assert_int_eq(svc_route_find(unit_pool, table, "BREW", "/trees", &m),
                     SVC_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(svc_route_allow(unit_pool, m.allowed),
                     "GET, HEAD, PATCH, OPTIONS");
    ck_assert_int_eq(svc_route_find(unit_pool, table, "GET", "/stack2/restore/4", &m),
                     SVC_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(svc_route_allow(unit_pool, m.allowed), "DELETE, OPTIONS");
}
END_TEST

START_TEST(not_found)
{
    static const char *paths[] = {
        "/", "/tree", "/trees/", "/trees//logs", "/trees/a/b", "/v0/trees//",
        "/__heartbeat__/", "/trees/a/logs/", "/stack2/restore/", ""
    };
    svc_route_match_t m;
    size_t i;
    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        ck_assert_msg(svc_route_find(unit_pool, table, "GET", paths[i], &m)
                      == SVC_ROUTE_NOT_FOUND, "path %s", paths[i]);
    }
}
END_TEST

START_TEST(trailing_slash_is_its_own_route)
{
    svc_route_match_t m;
    ck_assert_int_eq(svc_route_find(unit_pool, table, "GET", "/v0/trees/", &m),
                     SVC_ROUTE_FOUND);
    ck_assert_ptr_eq(m.route, &table[6]);
}
END_TEST

START_TEST(relative_to_base)
{
    ck_assert_str_eq(svc_route_relative(unit_pool, "/treestatus/trees", "/treestatus"), "/trees");
    ck_assert_str_eq(svc_route_relative(unit_pool, "/treestatus/trees", "/treestatus/"), "/trees");
    ck_assert_str_eq(svc_route_relative(unit_pool, "/treestatus", "/treestatus"), "/");
    ck_assert_str_eq(svc_route_relative(unit_pool, "/trees", "/"), "/trees");
    ck_assert_str_eq(svc_route_relative(unit_pool, "/trees", NULL), "/trees");
    ck_assert_ptr_null(svc_route_relative(unit_pool, "/treestatusX/trees", "/treestatus"));
    ck_assert_ptr_null(svc_route_relative(unit_pool, "/other", "/treestatus"));
}
END_TEST

Suite *svc_route_suite(void)
{
    Suite *s = suite_create("svc_route");
    TCase *tc = unit_tcase("route");
    tcase_add_test(tc, found_literal);
    tcase_add_test(tc, found_param_and_method_split);
    tcase_add_test(tc, method_not_allowed_lists_allow);
    tcase_add_test(tc, not_found);
    tcase_add_test(tc, trailing_slash_is_its_own_route);
    tcase_add_test(tc, relative_to_base);
    suite_add_tcase(s, tc);
    return s;
}
