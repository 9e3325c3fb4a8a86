/* tt_sign: the local backend's URL signature, with vectors computed by
 * Python's hmac module (hmac.new(key, S, hashlib.sha256).hexdigest()). */
#include <string.h>
#include "unit.h"
#include "tt_sign.h"

#define D "be688838ca8686e5c90689bf2ab585cef1137c999b48c70b92f67a5c34dc1569" \
          "7b5d11c982ed6d71be1e1e7f7b4e0733884aa97c3f7a339a8ed03577cf74be09"
#define KEY "sha512/" D
#define EXP APR_INT64_C(1767225600)
#define PUT_SIG "f9db36526ebe9f23577626cc087f1cbda65777c9151fce3981a9cb61370f4e2c"
#define GET_SIG "d9e0c88a9dace48987291dff3dc19165c690e2cd55c415758e5f0745e6a01d31"

static const tt_secret_t secret = {
    (const unsigned char *)"0123456789abcdef-secret", 23
};

START_TEST(string_is_documented_format)
{
    ck_assert_str_eq(tt_sign_string(unit_pool, "PUT", "us-east-1", KEY, EXP),
                     "PUT\nus-east-1\n" KEY "\n1767225600");
}
END_TEST

START_TEST(hex_matches_python_hmac)
{
    char out[TT_SIGN_HEX_LEN + 1];

    tt_sign_hex(&secret, "PUT", "us-east-1", KEY, EXP, out);
    ck_assert_str_eq(out, PUT_SIG);
    tt_sign_hex(&secret, "GET", "us-east-1", KEY, EXP, out);
    ck_assert_str_eq(out, GET_SIG);
}
END_TEST

START_TEST(check_accepts_until_expiry)
{
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", PUT_SIG, EXP - 60), TT_SIGN_OK);
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", PUT_SIG, EXP - 1), TT_SIGN_OK);
    /* valid while now < expires: at the expiry second it is dead */
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", PUT_SIG, EXP), TT_SIGN_EXPIRED);
    ck_assert_int_eq(tt_sign_check(&secret, "GET", "us-east-1", KEY,
                                   "1767225600", GET_SIG, EXP + 5), TT_SIGN_EXPIRED);
}
END_TEST

START_TEST(check_refuses_tampering)
{
    char sig[] = PUT_SIG;
    const tt_secret_t other = {(const unsigned char *)"another-secret-of-16", 20};
    const apr_int64_t now = EXP - 10;

    /* each signed element */
    ck_assert_int_eq(tt_sign_check(&secret, "GET", "us-east-1", KEY,
                                   "1767225600", PUT_SIG, now), TT_SIGN_BAD);
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-west-2", KEY,
                                   "1767225600", PUT_SIG, now), TT_SIGN_BAD);
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", "sha512/00",
                                   "1767225600", PUT_SIG, now), TT_SIGN_BAD);
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225601", PUT_SIG, now), TT_SIGN_BAD);
    ck_assert_int_eq(tt_sign_check(&other, "PUT", "us-east-1", KEY,
                                   "1767225600", PUT_SIG, now), TT_SIGN_BAD);
    sig[10] = sig[10] == 'a' ? 'b' : 'a';
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", sig, now), TT_SIGN_BAD);
    /* a forged signature is BAD even when expired (no oracle on expiry) */
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", sig, EXP + 10), TT_SIGN_BAD);
}
END_TEST

START_TEST(check_refuses_malformed)
{
    const apr_int64_t now = EXP - 10;
    static const char *const bad_expires[] = {
        NULL, "", "-1", "+1767225600", "1767225600 ", "0x10", "1e9",
        "1234567890123456789", "17672256OO"
    };
    size_t i;

    for (i = 0; i < sizeof(bad_expires) / sizeof(bad_expires[0]); i++) {
        ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                       bad_expires[i], PUT_SIG, now), TT_SIGN_BAD);
    }
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", NULL, now), TT_SIGN_BAD);
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", "", now), TT_SIGN_BAD);
    ck_assert_int_eq(tt_sign_check(&secret, "PUT", "us-east-1", KEY,
                                   "1767225600", PUT_SIG "00", now), TT_SIGN_BAD);
    ck_assert_int_eq(tt_sign_check(NULL, "PUT", "us-east-1", KEY,
                                   "1767225600", PUT_SIG, now), TT_SIGN_BAD);
}
END_TEST

Suite *tt_sign_suite(void)
{
    Suite *s = suite_create("tt_sign");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, string_is_documented_format);
    tcase_add_test(tc, hex_matches_python_hmac);
    tcase_add_test(tc, check_accepts_until_expiry);
    tcase_add_test(tc, check_refuses_tampering);
    tcase_add_test(tc, check_refuses_malformed);
    suite_add_tcase(s, tc);
    return s;
}
