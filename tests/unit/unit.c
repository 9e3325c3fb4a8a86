/* Runner for all Check suites: one SRunner, one summary line for CI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_general.h>
#include <jansson.h>
#include "unit.h"
#include "unit_suites.h" /* generated: UNIT_SUITES(X) X(svc_json) X(...) */

apr_pool_t *unit_pool;

void unit_pool_setup(void)
{
    apr_pool_create(&unit_pool, NULL);
}

void unit_pool_teardown(void)
{
    apr_pool_destroy(unit_pool);
    unit_pool = NULL;
}

json_t *unit_load_vectors(const char *name, size_t flags)
{
    const char *dir = getenv("UNIT_VECTORS_DIR");
    char path[1024];
    json_error_t err;
    json_t *doc;

    if (dir) {
        snprintf(path, sizeof(path), "%s/%s", dir, name);
    }
    else {
        /* next to this file; the runner starts from the repository root */
        const char *slash = strrchr(__FILE__, '/');
        int n = slash ? (int)(slash - __FILE__) : 1;

        snprintf(path, sizeof(path), "%.*s/vectors/%s", n,
                 slash ? __FILE__ : ".", name);
    }
    doc = json_load_file(path, flags, &err);
    ck_assert_msg(doc != NULL, "%s: %s (line %d)", path, err.text, err.line);
    return doc;
}

const char *unit_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

apr_array_header_t *unit_strings(const json_t *arr)
{
    apr_array_header_t *a = apr_array_make(unit_pool, 4, sizeof(char *));
    size_t i;

    for (i = 0; i < json_array_size(arr); i++) {
        APR_ARRAY_PUSH(a, const char *) =
            apr_pstrdup(unit_pool, json_string_value(json_array_get(arr, i)));
    }
    return a;
}

TCase *unit_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_set_timeout(tc, 30); /* loaded CI machines: no false timeouts */
    return tc;
}

#define UNIT_DECLARE(n) Suite *n##_suite(void);
UNIT_SUITES(UNIT_DECLARE)

int main(void)
{
    SRunner *sr;
    int failed;

    apr_app_initialize(NULL, NULL, NULL);
    json_object_seed(0);
    sr = srunner_create(NULL);
#define UNIT_ADD(n) srunner_add_suite(sr, n##_suite());
    UNIT_SUITES(UNIT_ADD)
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
