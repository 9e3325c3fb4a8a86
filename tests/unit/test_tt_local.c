/* tt_local (and tt_storage's region parsing): the local backend on a
 * scratch directory. */
#include <stdlib.h>
#include <string.h>
#include <apr_file_info.h>
#include <apr_file_io.h>
#include "unit.h"
#include "tt_local.h"
#include "tt_sha512.h"
#include "tt_storage.h"

#define NL_D "be688838ca8686e5c90689bf2ab585cef1137c999b48c70b92f67a5c34dc1569" \
             "7b5d11c982ed6d71be1e1e7f7b4e0733884aa97c3f7a339a8ed03577cf74be09"
#define KEY "sha512/" NL_D

static const tt_secret_t secret = {
    (const unsigned char *)"0123456789abcdef-secret", 23
};

static const char *scratch_dir(void)
{
    char *tmpl = apr_pstrdup(unit_pool, "/tmp/tt_local_XXXXXX");

    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    return tmpl;
}

static void remove_tree(const char *dir)
{
    apr_dir_remove(apr_pstrcat(unit_pool, dir, "/sha512", NULL), unit_pool);
    apr_dir_remove(dir, unit_pool);
}

static tt_region_t *region(const char *name, const char *dir)
{
    tt_region_t *rg = NULL;
    const char *argv[] = {dir};
    const char *err = tt_region_make(unit_pool, name, "local", 1, argv, &secret,
                                     &rg);

    ck_assert_msg(err == NULL, "%s", err ? err : "");
    return rg;
}

static int nentries(const char *dir)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    int n = 0;

    if (apr_dir_open(&d, dir, unit_pool) != APR_SUCCESS) {
        return -1;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME, d) == APR_SUCCESS) {
        if (strcmp(fi.name, ".") && strcmp(fi.name, "..")) {
            n++;
        }
    }
    apr_dir_close(d);
    return n;
}

START_TEST(region_config)
{
    tt_region_t *rg = NULL;
    const char *one[] = {"/srv/tt/"}, *two[] = {"/a", "/b"}, *rel[] = {"tt"};

    ck_assert_ptr_null(tt_region_make(unit_pool, "us-east-1", "local", 1, one,
                                      &secret, &rg));
    ck_assert_str_eq(rg->name, "us-east-1");
    ck_assert(tt_local_is(rg));
    ck_assert_str_eq(tt_local_dir(rg), "/srv/tt"); /* trailing slash dropped */
    ck_assert_ptr_nonnull(tt_region_make(unit_pool, "r", "local", 2, two, &secret, &rg));
    ck_assert_ptr_nonnull(tt_region_make(unit_pool, "r", "local", 0, two, &secret, &rg));
    ck_assert_ptr_nonnull(tt_region_make(unit_pool, "r", "local", 1, rel, &secret, &rg));
    ck_assert_ptr_nonnull(tt_region_make(unit_pool, "r", "ftp", 1, one, &secret, &rg));
    ck_assert_ptr_nonnull(tt_region_make(unit_pool, "bad/name", "local", 1, one,
                                         &secret, &rg));
    ck_assert(tt_region_name_valid("us-west-2"));
    ck_assert(tt_region_name_valid("eu_1.a"));
    ck_assert(!tt_region_name_valid(""));
    ck_assert(!tt_region_name_valid(".hidden"));
    ck_assert(!tt_region_name_valid("a b"));
    ck_assert(!tt_region_name_valid("a%2f"));
    ck_assert(!tt_region_name_valid(
        "a1234567890123456789012345678901234567890123456789012345678901234"));
    ck_assert_str_eq(tt_storage_key(unit_pool, NL_D), KEY);
}
END_TEST

START_TEST(paths_only_for_digest_keys)
{
    tt_region_t *rg = region("r", "/srv/tt");

    ck_assert_str_eq(tt_local_path(unit_pool, rg, KEY), "/srv/tt/" KEY);
    ck_assert_ptr_null(tt_local_path(unit_pool, rg, "sha512/../../etc/passwd"));
    ck_assert_ptr_null(tt_local_path(unit_pool, rg, NL_D));
    ck_assert_ptr_null(tt_local_path(unit_pool, rg, "sha512/" NL_D "/x"));
    ck_assert_ptr_null(tt_local_path(unit_pool, rg, NULL));
}
END_TEST

START_TEST(signed_urls)
{
    tt_region_t *rg = region("us-east-1", "/srv/tt");
    apr_time_t now = apr_time_from_sec(1767225540);
    const char *put = rg->ops->put_url(rg, unit_pool, "http://h:8080/tt", KEY,
                                       now, 60);
    const char *get = rg->ops->get_url(rg, unit_pool, "http://h:8080/tt", KEY,
                                       now, 60);

    /* Expires = now + 60, signature of test_tt_sign.c's vectors */
    ck_assert_str_eq(put, "http://h:8080/tt/__storage__/us-east-1/" KEY
                     "?Expires=1767225600&Signature="
                     "f9db36526ebe9f23577626cc087f1cbda65777c9151fce3981a9cb61370f4e2c");
    ck_assert_str_eq(get, "http://h:8080/tt/__storage__/us-east-1/" KEY
                     "?Expires=1767225600&Signature="
                     "d9e0c88a9dace48987291dff3dc19165c690e2cd55c415758e5f0745e6a01d31");
    ck_assert_int_eq(tt_local_check(rg, "PUT", KEY, "1767225600",
                                    "f9db36526ebe9f23577626cc087f1cbda65777c9151fce3981a9cb61370f4e2c",
                                    1767225599), TT_SIGN_OK);
    ck_assert_int_eq(tt_local_check(rg, "GET", KEY, "1767225600",
                                    "f9db36526ebe9f23577626cc087f1cbda65777c9151fce3981a9cb61370f4e2c",
                                    1767225599), TT_SIGN_BAD);
}
END_TEST

START_TEST(upload_commit_then_ops)
{
    const char *dir = scratch_dir();
    tt_region_t *rg = region("r", dir);
    tt_io_t io = {unit_pool, {NULL, SVC_LOG_SERVER}, NULL};
    char hex[TT_SHA512_HEX_LEN + 1];
    tt_local_upload_t *u;
    apr_finfo_t fi;
    apr_off_t size = -1;

    /* nothing yet */
    ck_assert(APR_STATUS_IS_ENOENT(rg->ops->stat(rg, &io, KEY, &size)));
    ck_assert_int_eq(tt_local_upload_open(unit_pool, rg, KEY, 1, &u), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_write(u, "\n", 1), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_size(u), 1);
    /* the temporary file is in the region directory, not among objects */
    ck_assert_int_eq(nentries(dir), 1);
    ck_assert_int_eq(tt_local_upload_commit(u), APR_SUCCESS);
    ck_assert_int_eq(nentries(dir), 1); /* sha512/ only: no temp left */
    ck_assert_int_eq(apr_stat(&fi, apr_pstrcat(unit_pool, dir, "/" KEY, NULL),
                              APR_FINFO_PROT | APR_FINFO_SIZE, unit_pool),
                     APR_SUCCESS);
    ck_assert_int_eq(fi.protection, APR_FPROT_UREAD | APR_FPROT_UWRITE
                     | APR_FPROT_GREAD | APR_FPROT_WREAD);
    ck_assert_int_eq(rg->ops->stat(rg, &io, KEY, &size), APR_SUCCESS);
    ck_assert_int_eq(size, 1);
    ck_assert_int_eq(rg->ops->sha512(rg, &io, KEY, hex, &size), APR_SUCCESS);
    ck_assert_str_eq(hex, NL_D);
    ck_assert_int_eq(rg->ops->remove(rg, &io, KEY), APR_SUCCESS);
    ck_assert(APR_STATUS_IS_ENOENT(rg->ops->stat(rg, &io, KEY, &size)));
    /* deleting what is not there is a success (D20) */
    ck_assert_int_eq(rg->ops->remove(rg, &io, KEY), APR_SUCCESS);
    ck_assert_int_eq(rg->ops->remove(rg, &io, "sha512/x"), APR_EINVAL);
    remove_tree(dir);
}
END_TEST

START_TEST(upload_too_large_or_aborted)
{
    const char *dir = scratch_dir();
    tt_region_t *rg = region("r", dir);
    tt_local_upload_t *u;
    apr_pool_t *sub;

    ck_assert_int_eq(tt_local_upload_open(unit_pool, rg, KEY, 3, &u), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_write(u, "ab", 2), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_write(u, "cd", 2), TT_LOCAL_TOO_LARGE);
    tt_local_upload_abort(u);
    ck_assert_int_eq(nentries(dir), 0);
    /* neither committed nor aborted: the pool takes the temp file away */
    apr_pool_create(&sub, unit_pool);
    ck_assert_int_eq(tt_local_upload_open(sub, rg, KEY, -1, &u), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_write(u, "data", 4), APR_SUCCESS);
    ck_assert_int_eq(nentries(dir), 1);
    apr_pool_destroy(sub);
    ck_assert_int_eq(nentries(dir), 0);
    ck_assert_int_eq(tt_local_upload_open(unit_pool, rg, "sha512/zz", -1, &u),
                     APR_EINVAL);
    remove_tree(dir);
}
END_TEST

START_TEST(upload_replaces_atomically_and_copy)
{
    const char *dir = scratch_dir(), *dir2 = scratch_dir();
    tt_region_t *rg = region("r", dir), *rg2 = region("r2", dir2);
    tt_io_t io = {unit_pool, {NULL, SVC_LOG_SERVER}, NULL};
    char hex[TT_SHA512_HEX_LEN + 1];
    tt_local_upload_t *u;
    apr_file_t *f;
    apr_off_t size;

    ck_assert_int_eq(tt_local_upload_open(unit_pool, rg, KEY, -1, &u), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_write(u, "old!", 4), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_commit(u), APR_SUCCESS);
    ck_assert_int_eq(tt_local_open(unit_pool, rg, KEY, 0, &f, &size), APR_SUCCESS);
    ck_assert_int_eq(size, 4);
    /* a reader holding the old object keeps it after a new upload lands */
    ck_assert_int_eq(tt_local_upload_open(unit_pool, rg, KEY, -1, &u), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_write(u, "\n", 1), APR_SUCCESS);
    ck_assert_int_eq(tt_local_upload_commit(u), APR_SUCCESS);
    ck_assert_int_eq(tt_sha512_stream(unit_pool, f, hex, &size), APR_SUCCESS);
    ck_assert_int_eq(size, 4);
    apr_file_close(f);
    ck_assert_int_eq(rg->ops->sha512(rg, &io, KEY, hex, &size), APR_SUCCESS);
    ck_assert_str_eq(hex, NL_D);
    /* copy between local regions; the sha512/ directory is created */
    ck_assert_int_eq(rg2->ops->copy(rg2, rg, &io, KEY), APR_SUCCESS);
    ck_assert_int_eq(rg2->ops->sha512(rg2, &io, KEY, hex, &size), APR_SUCCESS);
    ck_assert_str_eq(hex, NL_D);
    ck_assert_int_eq(size, 1);
    ck_assert_int_eq(rg->ops->remove(rg, &io, KEY), APR_SUCCESS);
    ck_assert(APR_STATUS_IS_ENOENT(rg2->ops->copy(rg2, rg, &io, KEY)));
    ck_assert_int_eq(rg2->ops->remove(rg2, &io, KEY), APR_SUCCESS);
    remove_tree(dir);
    remove_tree(dir2);
}
END_TEST

Suite *tt_local_suite(void)
{
    Suite *s = suite_create("tt_local");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, region_config);
    tcase_add_test(tc, paths_only_for_digest_keys);
    tcase_add_test(tc, signed_urls);
    tcase_add_test(tc, upload_commit_then_ops);
    tcase_add_test(tc, upload_too_large_or_aborted);
    tcase_add_test(tc, upload_replaces_atomically_and_copy);
    suite_add_tcase(s, tc);
    return s;
}
