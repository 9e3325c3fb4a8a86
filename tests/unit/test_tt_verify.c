/* tt_verify: the verifier's decisions (spec §3.4, E1-E10) and the object
 * check against a local region. The database side runs in the integration
 * suite (tests/integration/test_tooltool_verify.py). */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "tt_local.h"
#include "tt_verify.h"

#define NL_D "be688838ca8686e5c90689bf2ab585cef1137c999b48c70b92f67a5c34dc1569" \
             "7b5d11c982ed6d71be1e1e7f7b4e0733884aa97c3f7a339a8ed03577cf74be09"
#define ONE_D "3abb6677af34ac57c0ca5828fd94f9d886c26ce59a8ce60ecf6778079423dccf" \
              "f1d6f19cb655805d56098e6d38a1a710dee59523eed7511e5a9e4b8ccb3a4686"

static const tt_secret_t secret = {(const unsigned char *)"0123456789abcdef", 16};

START_TEST(epoch_text)
{
    ck_assert(tt_epoch_parse("1767225600") == apr_time_from_sec(1767225600));
    ck_assert(tt_epoch_parse("1767225600.5") == apr_time_from_sec(1767225600) + 500000);
    ck_assert(tt_epoch_parse("1767225600.123456") ==
              apr_time_from_sec(1767225600) + 123456);
    ck_assert(tt_epoch_parse("1767225600.000000") == apr_time_from_sec(1767225600));
    ck_assert(tt_epoch_parse("-1.5") == -1500000);
    ck_assert(tt_epoch_parse(NULL) == 0);
}
END_TEST

START_TEST(pending_rows)
{
    static const char *names[] = {"file_id", "sha512", "size", "region", "expires",
                                  "expires_key"};
    static const char *cells[] = {
        "7", NL_D, "1", "us-east-1", "1767225600.25", "2026-01-01 00:00:00.250000",
        "8", NL_D, "1", NULL, "1767225600", "2026-01-01 00:00:00.000000",
    };
    svc_db_rows_t rows = {2, 6, names, cells};
    tt_pending_t pu;

    ck_assert(tt_pending_from_row(&rows, 0, &pu));
    ck_assert_str_eq(pu.file_id, "7");
    ck_assert_int_eq(pu.size, 1);
    ck_assert_str_eq(pu.region, "us-east-1");
    ck_assert(pu.expires == apr_time_from_sec(1767225600) + 250000);
    ck_assert_str_eq(pu.expires_key, "2026-01-01 00:00:00.250000");
    ck_assert(!tt_pending_from_row(&rows, 1, &pu));
}
END_TEST

START_TEST(decisions)
{
    tt_region_t rg = {"us-west-2", NULL, NULL};
    tt_pending_t pu;
    apr_time_t now = apr_time_from_sec(1767225600);

    memset(&pu, 0, sizeof(pu));
    /* E6: not expired (even with an unknown region): leave it */
    pu.expires = now + apr_time_from_sec(10);
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, &rg), TT_PU_WAIT);
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, NULL), TT_PU_WAIT);
    /* expiring right now: no more URL can be used */
    pu.expires = now;
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, &rg), TT_PU_CHECK);
    /* E9/E10/E12: expired, region known: look at the object */
    pu.expires = now - apr_time_from_sec(90);
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, &rg), TT_PU_CHECK);
    /* E8: region not configured */
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, NULL), TT_PU_NO_REGION);
    /* E7: abandoned a day after expiry, before the region question */
    pu.expires = now - apr_time_from_sec(86401);
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, &rg), TT_PU_ABANDON);
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, NULL), TT_PU_ABANDON);
    pu.expires = now - apr_time_from_sec(86400);
    ck_assert_int_eq(tt_verify_decide(&pu, now, 86400, &rg), TT_PU_CHECK);
}
END_TEST

static void put(const tt_region_t *rg, const char *digest, const char *data)
{
    tt_local_upload_t *u;

    ck_assert_int_eq(tt_local_upload_open(unit_pool, rg,
                                          tt_storage_key(unit_pool, digest), -1, &u),
                     APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_write(u, data, strlen(data)), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_commit(u), APR_SUCCESS);
}

START_TEST(objects)
{
    char *dir = apr_pstrdup(unit_pool, "/tmp/tt_verify_XXXXXX");
    const char *argv[1];
    tt_region_t *rg;
    tt_io_t io = {unit_pool, {NULL, SVC_LOG_SERVER}, NULL};
    const char *why;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    argv[0] = dir;
    ck_assert_ptr_null(tt_region_make(unit_pool, "r", "local", 1, argv, &secret, &rg));
    /* E9: nothing uploaded */
    ck_assert_int_eq(tt_verify_object(rg, &io, NL_D, 1, -1, &why), TT_OBJ_MISSING);
    /* E5 */
    put(rg, NL_D, "\n");
    ck_assert_int_eq(tt_verify_object(rg, &io, NL_D, 1, -1, &why), TT_OBJ_VALID);
    ck_assert_int_eq(tt_verify_object(rg, &io, NL_D, 1, 1, &why), TT_OBJ_VALID);
    /* bigger than what is hashed inline: the size still says it is right */
    ck_assert_int_eq(tt_verify_object(rg, &io, NL_D, 1, 0, &why), TT_OBJ_DEFERRED);
    /* E1: the recorded size differs (rejected without hashing, any size) */
    ck_assert_int_eq(tt_verify_object(rg, &io, NL_D, 3, 0, &why), TT_OBJ_INVALID);
    ck_assert_str_eq(why, "size 1 instead of 3");
    /* E2: stored under another file's digest */
    put(rg, ONE_D, "x\n");
    ck_assert_int_eq(tt_verify_object(rg, &io, ONE_D, 2, -1, &why), TT_OBJ_INVALID);
    ck_assert_ptr_nonnull(strstr(why, "content has digest"));
    ck_assert_int_eq(rg->ops->remove(rg, &io, tt_storage_key(unit_pool, NL_D)), APR_SUCCESS);
    ck_assert_int_eq(rg->ops->remove(rg, &io, tt_storage_key(unit_pool, ONE_D)), APR_SUCCESS);
    apr_dir_remove(apr_pstrcat(unit_pool, dir, "/sha512", NULL), unit_pool);
    apr_dir_remove(dir, unit_pool);
}
END_TEST

Suite *tt_verify_suite(void)
{
    Suite *s = suite_create("tt_verify");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, epoch_text);
    tcase_add_test(tc, pending_rows);
    tcase_add_test(tc, decisions);
    tcase_add_test(tc, objects);
    suite_add_tcase(s, tc);
    return s;
}
