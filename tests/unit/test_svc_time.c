#include "unit.h"
#include "svc_time.h"

START_TEST(iso_with_and_without_fraction)
{
    ck_assert_str_eq(svc_time_iso(unit_pool, "2019-09-30 08:36:57.123456", "+00:00"),
                     "2019-09-30T08:36:57.123456+00:00");
    ck_assert_str_eq(svc_time_iso(unit_pool, "2019-09-30 08:36:57.12", "Z"),
                     "2019-09-30T08:36:57.120000Z");
    ck_assert_str_eq(svc_time_iso(unit_pool, "2015-07-16 00:00:00", "+00:00"),
                     "2015-07-16T00:00:00+00:00");
    ck_assert_str_eq(svc_time_iso(unit_pool, "2015-07-16T00:00:00.000000", "Z"),
                     "2015-07-16T00:00:00Z");
}
END_TEST

START_TEST(unknown_text_is_kept)
{
    ck_assert_str_eq(svc_time_iso(unit_pool, "yesterday", "Z"), "yesterday");
    ck_assert_str_eq(svc_time_iso(unit_pool, "2015-07-16/00:00:00", "Z"),
                     "2015-07-16/00:00:00");
    ck_assert_ptr_null(svc_time_iso(unit_pool, NULL, "Z"));
}
END_TEST

START_TEST(seconds)
{
    apr_interval_time_t t;

    ck_assert_ptr_null(svc_seconds_parse(unit_pool, "1", &t));
    ck_assert_int_eq(t, 1000000);
    ck_assert_ptr_null(svc_seconds_parse(unit_pool, "0.25", &t));
    ck_assert_int_eq(t, 250000);
    ck_assert_ptr_null(svc_seconds_parse(unit_pool, "0", &t));
    ck_assert_int_eq(t, 0);
    ck_assert_str_eq(svc_seconds_parse(unit_pool, "-1", &t),
                     "expected a number of seconds from 0 to 86400 (decimals "
                     "allowed), got '-1'");
    ck_assert_ptr_nonnull(svc_seconds_parse(unit_pool, "1s", &t));
    ck_assert_ptr_nonnull(svc_seconds_parse(unit_pool, "", &t));
    ck_assert_ptr_nonnull(svc_seconds_parse(unit_pool, "nan", &t));
    ck_assert_ptr_nonnull(svc_seconds_parse(unit_pool, "86401", &t));
}
END_TEST

Suite *svc_time_suite(void)
{
    Suite *s = suite_create("svc_time");
    TCase *tc = unit_tcase("svc_time");

    tcase_add_test(tc, iso_with_and_without_fraction);
    tcase_add_test(tc, unknown_text_is_kept);
    tcase_add_test(tc, seconds);
    suite_add_tcase(s, tc);
    return s;
}
