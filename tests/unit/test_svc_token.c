/* svc_token: the stored form is what `printf %s "$TOKEN" | sha256sum`
 * prints (the expected hashes below were produced by that command; the
 * first three are also the FIPS 180-2 SHA-256 examples). */
#include <string.h>
#include "unit.h"
#include "svc_token.h"

static const struct {
    const char *token, *sha256sum;
} known[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "tt-7Qm3VZr2x0P9bLw4Yk8sNf1Hc6JdGa5E",
      "dc37346fe0f43d53ba0675b4472957a6af56bea8ca6355d283b6d50e549dc029" },
};

#define TOKEN "tt-7Qm3VZr2x0P9bLw4Yk8sNf1Hc6JdGa5E"
#define TOKEN_SHA "dc37346fe0f43d53ba0675b4472957a6af56bea8ca6355d283b6d50e549dc029"

static apr_array_header_t *one_scope(const char *s)
{
    apr_array_header_t *a = apr_array_make(unit_pool, 1, sizeof(char *));

    APR_ARRAY_PUSH(a, const char *) = s;
    return a;
}

START_TEST(hash_matches_sha256sum)
{
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        ck_assert_str_eq(svc_token_hash(unit_pool, known[i].token),
                         known[i].sha256sum);
    }
}
END_TEST

START_TEST(verify_outcomes)
{
    svc_tokens_t *t = svc_tokens_make(unit_pool);
    const svc_token_t *found;
    const char *why;

    ck_assert_ptr_null(svc_tokens_add(t, known[1].sha256sum, "abc-user", 0,
                                      NULL));
    /* upper-case hex is accepted and stored lower-case */
    ck_assert_ptr_null(svc_tokens_add(t, "DC37346FE0F43D53BA0675B4472957A6"
                                      "AF56BEA8CA6355D283B6D50E549DC029",
                                      "uploader", 2000000000,
                                      one_scope("project:releng:services/"
                                                "tooltool/api/upload/*")));
    ck_assert_int_eq(svc_tokens_count(t), 2);

    ck_assert_int_eq(svc_tokens_verify(t, TOKEN, 1700000000, &found, &why),
                     SVC_TOKEN_OK);
    ck_assert_ptr_null(why);
    ck_assert_str_eq(found->identity, "uploader");
    ck_assert_str_eq(found->sha256_hex, TOKEN_SHA);
    ck_assert_int_eq(found->expires, 2000000000);
    ck_assert_int_eq(found->scopes->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(found->scopes, 0, const char *),
                     "project:releng:services/tooltool/api/upload/*");

    ck_assert_int_eq(svc_tokens_verify(t, "abc", 1700000000, &found, &why),
                     SVC_TOKEN_OK);
    ck_assert_str_eq(found->identity, "abc-user");
    ck_assert_int_eq(found->scopes->nelts, 0);

    /* expiry: valid until the second before `expires` */
    ck_assert_int_eq(svc_tokens_verify(t, TOKEN, 1999999999, &found, &why),
                     SVC_TOKEN_OK);
    ck_assert_int_eq(svc_tokens_verify(t, TOKEN, 2000000000, &found, &why),
                     SVC_TOKEN_EXPIRED);
    ck_assert_ptr_null(found);
    ck_assert_str_eq(why, "Bearer token has expired");

    ck_assert_int_eq(svc_tokens_verify(t, TOKEN "x", 0, &found, &why),
                     SVC_TOKEN_UNKNOWN);
    ck_assert_str_eq(why, "Bearer token is not valid");
    ck_assert_int_eq(svc_tokens_verify(t, "ABC", 0, &found, &why),
                     SVC_TOKEN_UNKNOWN);
    ck_assert_int_eq(svc_tokens_verify(t, "", 0, &found, &why),
                     SVC_TOKEN_MALFORMED);
    ck_assert_int_eq(svc_tokens_verify(t, NULL, 0, &found, &why),
                     SVC_TOKEN_MALFORMED);
    ck_assert_int_eq(svc_tokens_verify(t, "abc\n", 0, &found, &why),
                     SVC_TOKEN_MALFORMED);
    ck_assert_ptr_nonnull(strstr(why, "control"));
    /* an empty or absent table knows no token */
    ck_assert_int_eq(svc_tokens_verify(svc_tokens_make(unit_pool), "abc", 0,
                                       &found, &why), SVC_TOKEN_UNKNOWN);
    ck_assert_int_eq(svc_tokens_verify(NULL, "abc", 0, &found, &why),
                     SVC_TOKEN_UNKNOWN);
}
END_TEST

START_TEST(add_refuses_bad_entries)
{
    svc_tokens_t *t = svc_tokens_make(unit_pool);
    const char *err;

    err = svc_tokens_add(t, "abc", "x", 0, NULL);
    ck_assert_ptr_nonnull(strstr(err, "sha256sum"));
    ck_assert_ptr_nonnull(svc_tokens_add(t, NULL, "x", 0, NULL));
    ck_assert_ptr_nonnull(svc_tokens_add(t, "g3b0c44298fc1c149afbf4c8996fb924"
                                         "27ae41e4649b934ca495991b7852b855",
                                         "x", 0, NULL));
    ck_assert_ptr_nonnull(svc_tokens_add(t, TOKEN_SHA, "", 0, NULL));
    ck_assert_ptr_nonnull(svc_tokens_add(t, TOKEN_SHA, "x", -1, NULL));
    ck_assert_ptr_null(svc_tokens_add(t, TOKEN_SHA, "x", 0, NULL));
    err = svc_tokens_add(t, TOKEN_SHA, "y", 0, NULL);
    ck_assert_ptr_nonnull(strstr(err, "twice"));
    ck_assert_int_eq(svc_tokens_count(t), 1);
    ck_assert_int_eq(svc_tokens_count(NULL), 0);
}
END_TEST

START_TEST(expiry_syntax)
{
    apr_int64_t e = 42;

    ck_assert_ptr_null(svc_token_parse_expiry(unit_pool, "-", &e));
    ck_assert_int_eq(e, 0);
    ck_assert_ptr_null(svc_token_parse_expiry(unit_pool, "1767225600", &e));
    ck_assert_int_eq(e, 1767225600);
    ck_assert_ptr_null(svc_token_parse_expiry(unit_pool, "0", &e));
    ck_assert_int_eq(e, 0);
    ck_assert_ptr_nonnull(svc_token_parse_expiry(unit_pool, "", &e));
    ck_assert_ptr_nonnull(svc_token_parse_expiry(unit_pool, NULL, &e));
    ck_assert_ptr_nonnull(svc_token_parse_expiry(unit_pool, "2026-01-01", &e));
    ck_assert_ptr_nonnull(svc_token_parse_expiry(unit_pool, "-5", &e));
    ck_assert_ptr_nonnull(svc_token_parse_expiry(unit_pool,
                                                 "99999999999999999", &e));
}
END_TEST

Suite *svc_token_suite(void)
{
    Suite *s = suite_create("svc_token");
    TCase *tc = unit_tcase("token");

    tcase_add_test(tc, hash_matches_sha256sum);
    tcase_add_test(tc, verify_outcomes);
    tcase_add_test(tc, add_refuses_bad_entries);
    tcase_add_test(tc, expiry_syntax);
    suite_add_tcase(s, tc);
    return s;
}
