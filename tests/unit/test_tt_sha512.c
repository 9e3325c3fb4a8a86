/* tt_sha512: digest syntax and streamed hashing (vectors from hashlib). */
#include <stdio.h>
#include <string.h>
#include <apr_file_io.h>
#include "unit.h"
#include "tt_sha512.h"

#define NL_D "be688838ca8686e5c90689bf2ab585cef1137c999b48c70b92f67a5c34dc1569" \
             "7b5d11c982ed6d71be1e1e7f7b4e0733884aa97c3f7a339a8ed03577cf74be09"
#define EMPTY_D "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce" \
                "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
/* bytes (i*7+3) % 251 for i in range(200000): several 64 KiB blocks */
#define BIG_D "f81e46d4b6800e747aab40e85adb1b168f77f849a319b69036db39c905e9cdcc" \
              "9d648bff44facb12d63e14ec9b85059ecbbc8e9607b17735981cf11772b0b3dd"
#define BIG_N 200000

START_TEST(digest_syntax)
{
    char upper[] = NL_D;

    ck_assert(tt_digest_valid(NL_D));
    ck_assert(tt_digest_valid(EMPTY_D));
    ck_assert(!tt_digest_valid(NULL));
    ck_assert(!tt_digest_valid(""));
    ck_assert(!tt_digest_valid("123"));
    ck_assert(!tt_digest_valid(NL_D "a"));
    ck_assert(!tt_digest_valid("a" NL_D));
    ck_assert(!tt_digest_valid(apr_pstrndup(unit_pool, NL_D, 127)));
    upper[5] = 'A';
    ck_assert(!tt_digest_valid(upper));
    ck_assert(!tt_digest_valid(apr_pstrcat(unit_pool, apr_pstrndup(unit_pool, NL_D, 127),
                                           "j", NULL)));
    /* spec A1: "1" * 128 is valid */
    ck_assert(tt_digest_valid("11111111111111111111111111111111111111111111111111111111111111111"
                              "111111111111111111111111111111111111111111111111111111111111111"));
}
END_TEST

START_TEST(incremental)
{
    char hex[TT_SHA512_HEX_LEN + 1];
    tt_sha512_t *h = tt_sha512_make(unit_pool);

    ck_assert_ptr_nonnull(h);
    tt_sha512_update(h, "\n", 1);
    tt_sha512_final(h, hex);
    ck_assert_str_eq(hex, NL_D);
    h = tt_sha512_make(unit_pool);
    tt_sha512_final(h, hex);
    ck_assert_str_eq(hex, EMPTY_D);
}
END_TEST

static const char *write_temp(const void *data, apr_size_t n)
{
    char *path = apr_pstrdup(unit_pool, "/tmp/tt_sha512_XXXXXX");
    apr_file_t *f;

    ck_assert_int_eq(apr_file_mktemp(&f, path, APR_FOPEN_CREATE | APR_FOPEN_WRITE
                                     | APR_FOPEN_EXCL, unit_pool), APR_SUCCESS);
    ck_assert_int_eq(apr_file_write_full(f, data, n, NULL), APR_SUCCESS);
    apr_file_close(f);
    return path;
}

START_TEST(file_streamed_in_blocks)
{
    unsigned char *data = apr_palloc(unit_pool, BIG_N);
    char hex[TT_SHA512_HEX_LEN + 1];
    apr_off_t size = -1;
    const char *path;
    int i;

    for (i = 0; i < BIG_N; i++) {
        data[i] = (unsigned char)((i * 7 + 3) % 251);
    }
    path = write_temp(data, BIG_N);
    ck_assert_int_eq(tt_sha512_file(unit_pool, path, hex, &size), APR_SUCCESS);
    ck_assert_str_eq(hex, BIG_D);
    ck_assert_int_eq(size, BIG_N);
    apr_file_remove(path, unit_pool);

    path = write_temp("", 0);
    ck_assert_int_eq(tt_sha512_file(unit_pool, path, hex, &size), APR_SUCCESS);
    ck_assert_str_eq(hex, EMPTY_D);
    ck_assert_int_eq(size, 0);
    apr_file_remove(path, unit_pool);
}
END_TEST

START_TEST(file_missing)
{
    char hex[TT_SHA512_HEX_LEN + 1];
    apr_off_t size;

    ck_assert(APR_STATUS_IS_ENOENT(tt_sha512_file(unit_pool, "/nonexistent/tt/x",
                                                  hex, &size)));
}
END_TEST

Suite *tt_sha512_suite(void)
{
    Suite *s = suite_create("tt_sha512");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, digest_syntax);
    tcase_add_test(tc, incremental);
    tcase_add_test(tc, file_streamed_in_blocks);
    tcase_add_test(tc, file_missing);
    suite_add_tcase(s, tc);
    return s;
}
