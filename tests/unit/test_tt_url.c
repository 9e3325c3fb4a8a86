/* tt_url: the absolute base URL put into signed storage URLs. */
#include "unit.h"
#include "tt_url.h"

START_TEST(origin_from_host_header)
{
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "127.0.0.1:8080", "srv", 80),
                     "http://127.0.0.1:8080");
    ck_assert_str_eq(tt_url_origin(unit_pool, "https", "tt.example.com", "srv", 8443),
                     "https://tt.example.com");
    ck_assert_str_eq(tt_url_origin(unit_pool, "https", "tt.example.com:444", "srv", 1),
                     "https://tt.example.com:444");
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "[::1]:8080", "srv", 80),
                     "http://[::1]:8080");
}
END_TEST

START_TEST(http_always_has_a_port)
{
    /* tooltool.py connects to 443 for an http URL without a port */
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "tt.example.com", "srv", 8080),
                     "http://tt.example.com:80");
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "[::1]", "srv", 8080),
                     "http://[::1]:80");
    ck_assert_str_eq(tt_url_origin(unit_pool, NULL, "h", "srv", 8080), "http://h:80");
}
END_TEST

START_TEST(fallback_to_server_and_local_port)
{
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", NULL, "srv.example", 8080),
                     "http://srv.example:8080");
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "", "srv", 81), "http://srv:81");
    /* anything that could end the authority is not copied into a URL */
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "evil.com/x?", "srv", 81),
                     "http://srv:81");
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "a@b", "srv", 81), "http://srv:81");
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "h:", "srv", 81), "http://srv:81");
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", "h:8x", "srv", 81), "http://srv:81");
    ck_assert_str_eq(tt_url_origin(unit_pool, "https", NULL, "::1", 443),
                     "https://[::1]:443");
    ck_assert_str_eq(tt_url_origin(unit_pool, "http", NULL, NULL, 81),
                     "http://localhost:81");
}
END_TEST

START_TEST(self_joins_base)
{
    ck_assert_str_eq(tt_url_self(unit_pool, "http://h:1", "/tooltool"), "http://h:1/tooltool");
    ck_assert_str_eq(tt_url_self(unit_pool, "http://h:1", "/tooltool/"), "http://h:1/tooltool");
    ck_assert_str_eq(tt_url_self(unit_pool, "http://h:1", "/"), "http://h:1");
    ck_assert_str_eq(tt_url_self(unit_pool, "http://h:1", ""), "http://h:1");
    ck_assert_str_eq(tt_url_self(unit_pool, "http://h:1", NULL), "http://h:1");
}
END_TEST

Suite *tt_url_suite(void)
{
    Suite *s = suite_create("tt_url");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, origin_from_host_header);
    tcase_add_test(tc, http_always_has_a_port);
    tcase_add_test(tc, fallback_to_server_and_local_port);
    tcase_add_test(tc, self_joins_base);
    suite_add_tcase(s, tc);
    return s;
}
