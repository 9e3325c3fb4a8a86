/* Shared fixture for the Check unit tests.
 *
 * Every tests/unit/test_<name>.c defines `Suite *<name>_suite(void)`; the
 * Makefile generates the runner (build/unit_suites.h) from the file names, so
 * adding a test file needs no edit anywhere else. */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>

/* A fresh pool per test (checked fixture): tests allocate freely from it. */
extern apr_pool_t *unit_pool;
void unit_pool_setup(void);
void unit_pool_teardown(void);

/* A test case with the pool fixture already attached. */
TCase *unit_tcase(const char *name);

#endif
