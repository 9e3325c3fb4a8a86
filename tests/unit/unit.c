/* Runner for all Check suites: one SRunner, one summary line for CI. */
#include <stdlib.h>
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
