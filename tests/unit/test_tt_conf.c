/* tt_conf: directive values. */
#include "unit.h"
#include "tt_conf.h"

START_TEST(defaults)
{
    tt_conf_t c;

    tt_conf_init(&c, unit_pool);
    ck_assert_int_eq(c.upload_expires, 60);
    ck_assert_int_eq(c.download_expires, 60);
    ck_assert_int_eq(c.anonymous_public, 1);
    ck_assert_int_eq(c.inline_max, 64 * 1024 * 1024);
    ck_assert_int_eq(c.sweep_interval, 600);
    ck_assert_int_eq(c.abandon_after, 86400);
    ck_assert_int_eq(c.regions->nelts, 0);
    ck_assert_ptr_null(c.secret.bytes);
}
END_TEST

START_TEST(regions)
{
    tt_conf_t c;
    const char *a[] = {"us-east-1", "local", "/srv/a"};
    const char *b[] = {"us-west-2", "local", "/srv/b"};
    const char *short_[] = {"us-west-2"};

    tt_conf_init(&c, unit_pool);
    ck_assert_ptr_null(tt_conf_add_region(&c, 3, a));
    ck_assert_ptr_null(tt_conf_add_region(&c, 3, b));
    ck_assert_ptr_nonnull(tt_conf_add_region(&c, 3, a)); /* twice */
    ck_assert_ptr_nonnull(tt_conf_add_region(&c, 1, short_));
    ck_assert_int_eq(c.regions->nelts, 2);
    ck_assert_str_eq(tt_conf_region(&c, "us-west-2")->name, "us-west-2");
    ck_assert_ptr_null(tt_conf_region(&c, "eu-north-9"));
    ck_assert_ptr_null(tt_conf_region(&c, NULL));
}
END_TEST

START_TEST(secret)
{
    tt_conf_t c;

    tt_conf_init(&c, unit_pool);
    ck_assert_ptr_nonnull(tt_conf_set_secret(&c, "K", "  short  "));
    ck_assert_ptr_null(tt_conf_set_secret(&c, "K", "  0123456789abcdef\n"));
    ck_assert_int_eq(c.secret.len, 16);
    ck_assert(!memcmp(c.secret.bytes, "0123456789abcdef", 16));
    /* once */
    ck_assert_ptr_nonnull(tt_conf_set_secret(&c, "F", "another-long-secret"));
}
END_TEST

START_TEST(numbers)
{
    apr_int64_t s = -1;
    apr_off_t b = -1;

    ck_assert_ptr_null(tt_conf_seconds(unit_pool, "60", 1, 86400, &s));
    ck_assert_int_eq(s, 60);
    ck_assert_ptr_null(tt_conf_seconds(unit_pool, "0", 0, 10, &s));
    ck_assert_int_eq(s, 0);
    ck_assert_ptr_nonnull(tt_conf_seconds(unit_pool, "0", 1, 10, &s));
    ck_assert_ptr_nonnull(tt_conf_seconds(unit_pool, "11", 1, 10, &s));
    ck_assert_ptr_nonnull(tt_conf_seconds(unit_pool, "-1", 0, 10, &s));
    ck_assert_ptr_nonnull(tt_conf_seconds(unit_pool, "1.5", 0, 10, &s));
    ck_assert_ptr_nonnull(tt_conf_seconds(unit_pool, "", 0, 10, &s));
    ck_assert_ptr_nonnull(tt_conf_seconds(unit_pool, "99999999999999999999", 0, 10, &s));
    ck_assert_ptr_null(tt_conf_bytes(unit_pool, "0", &b));
    ck_assert_int_eq(b, 0);
    ck_assert_ptr_null(tt_conf_bytes(unit_pool, "64M", &b));
    ck_assert_int_eq(b, 64 * 1024 * 1024);
    ck_assert_ptr_null(tt_conf_bytes(unit_pool, "3g", &b));
    ck_assert_int_eq(b, APR_INT64_C(3) << 30);
    ck_assert_ptr_null(tt_conf_bytes(unit_pool, "10k", &b));
    ck_assert_int_eq(b, 10240);
    ck_assert_ptr_nonnull(tt_conf_bytes(unit_pool, "10T", &b));
    ck_assert_ptr_nonnull(tt_conf_bytes(unit_pool, "M", &b));
    ck_assert_ptr_nonnull(tt_conf_bytes(unit_pool, "-1", &b));
    ck_assert_ptr_nonnull(tt_conf_bytes(unit_pool, "1MB", &b));
    ck_assert_ptr_nonnull(tt_conf_bytes(unit_pool, "99999999999999G", &b));
}
END_TEST

START_TEST(client_url)
{
    tt_conf_t c;

    tt_conf_init(&c, unit_pool);
    ck_assert_str_eq(c.client_url, "https://raw.githubusercontent.com/"
                     "mozilla-releng/tooltool/master/client/tooltool.py");
    ck_assert_ptr_null(tt_conf_set_client_url(&c, "https://example.org/t.py?x=1"));
    ck_assert_str_eq(c.client_url, "https://example.org/t.py?x=1");
    ck_assert_ptr_null(tt_conf_set_client_url(&c, "http://mirror:8080/tooltool.py"));
    ck_assert_ptr_null(tt_conf_set_client_url(&c, "None"));
    ck_assert_ptr_null(c.client_url);
    ck_assert_str_eq(tt_conf_set_client_url(&c, "/tooltool.py"),
                     "expected an absolute http(s) URL or 'none'");
    ck_assert_ptr_nonnull(tt_conf_set_client_url(&c, "ftp://example.org/t.py"));
    ck_assert_ptr_nonnull(tt_conf_set_client_url(&c, "https:///t.py"));
    ck_assert_ptr_nonnull(tt_conf_set_client_url(&c, "javascript:alert(1)"));
    ck_assert_ptr_nonnull(tt_conf_set_client_url(&c, "https://a.org/\r\nX: y"));
    ck_assert_ptr_null(c.client_url); /* refused values change nothing */
}
END_TEST

Suite *tt_conf_suite(void)
{
    Suite *s = suite_create("tt_conf");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, defaults);
    tcase_add_test(tc, regions);
    tcase_add_test(tc, secret);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, client_url);
    suite_add_tcase(s, tc);
    return s;
}
