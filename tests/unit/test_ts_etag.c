/* ts_etag: the tag of a body, and If-None-Match lists. */
#include "unit.h"
#include "ts_etag.h"

START_TEST(tag_is_sha256_prefix)
{
    char tag[TS_ETAG_LEN + 1];

    /* sha256("") = e3b0c44298fc1c149afbf4c8996fb924 27ae41e4649b934ca495991b7852b855 */
    ts_etag_make("", 0, tag);
    ck_assert_str_eq(tag, "\"e3b0c44298fc1c149afbf4c8996fb924\"");
    /* sha256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a396177a9cb410ff61f20015ad */
    ts_etag_make("abcdef", 3, tag);
    ck_assert_str_eq(tag, "\"ba7816bf8f01cfea414140de5dae2223\"");
    ck_assert_int_eq(strlen(tag), TS_ETAG_LEN);
}
END_TEST

START_TEST(if_none_match)
{
    const char *t = "\"ba7816bf8f01cfea414140de5dae2223\"";

    ck_assert(ts_etag_match(t, t));
    ck_assert(ts_etag_match("*", t));
    ck_assert(ts_etag_match("  * ", t));
    ck_assert(ts_etag_match("W/\"ba7816bf8f01cfea414140de5dae2223\"", t));
    ck_assert(ts_etag_match("\"x\", \"ba7816bf8f01cfea414140de5dae2223\"", t));
    ck_assert(ts_etag_match("\"x\",W/\"y\" ,  \"ba7816bf8f01cfea414140de5dae2223\"", t));
    ck_assert(ts_etag_match(", ,\"ba7816bf8f01cfea414140de5dae2223\",", t));
    ck_assert(!ts_etag_match(NULL, t));
    ck_assert(!ts_etag_match("", t));
    ck_assert(!ts_etag_match("\"x\"", t));
    ck_assert(!ts_etag_match("\"x\", \"y\"", t));
    ck_assert(!ts_etag_match("ba7816bf8f01cfea414140de5dae2223", t)); /* unquoted */
    ck_assert(!ts_etag_match("\"ba7816bf8f01cfea414140de5dae2223", t)); /* open */
    ck_assert(!ts_etag_match("\"ba7816bf8f01cfea414140de5dae222\"", t)); /* shorter */
    ck_assert(!ts_etag_match("*, \"x\"", t));
    ck_assert(!ts_etag_match("\"x\" junk \"ba7816bf8f01cfea414140de5dae2223\"", t));
}
END_TEST

Suite *ts_etag_suite(void)
{
    Suite *s = suite_create("ts_etag");
    TCase *tc = unit_tcase("etag");

    tcase_add_test(tc, tag_is_sha256_prefix);
    tcase_add_test(tc, if_none_match);
    suite_add_tcase(s, tc);
    return s;
}
