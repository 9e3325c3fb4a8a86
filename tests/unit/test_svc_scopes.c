/* svc_scopes against taskcluster-lib-scopes and the Taskcluster auth
 * service's role resolver: the vectors in vectors/scopes.json were computed
 * by those (see vectors/gen_scopes.js); node is not needed to run this. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "unit.h"
#include "svc_scopes.h"

/* vectors/ next to this file, unless UNIT_VECTORS_DIR says otherwise
 * (the runner is started from the repository root). */
static json_t *load_vectors(const char *name)
{
    return unit_load_vectors(name, 0);
}

static const char *join(const apr_array_header_t *a)
{
    return a->nelts ? apr_array_pstrcat(unit_pool, a, ',') : "(none)";
}

static void assert_same(const apr_array_header_t *got,
                        const apr_array_header_t *want, const char *what)
{
    ck_assert_msg(strcmp(join(got), join(want)) == 0 && got->nelts == want->nelts,
                  "%s: got [%s], want [%s]", what, join(got), join(want));
}

static svc_roles_t *roles_from(const json_t *list, const char **err)
{
    svc_roles_t *roles = svc_roles_make(unit_pool);
    size_t i;

    *err = NULL;
    for (i = 0; i < json_array_size(list) && !*err; i++) {
        const json_t *r = json_array_get(list, i);
        apr_array_header_t *s = unit_strings(json_object_get(r, "scopes"));

        *err = svc_roles_add(roles, json_string_value(json_object_get(r, "roleId")),
                             (const char *const *)s->elts, s->nelts);
    }
    return roles;
}

START_TEST(match_grid)
{
    json_t *doc = load_vectors("scopes.json"), *v;
    size_t i;

    json_array_foreach(json_object_get(doc, "match"), i, v) {
        const char *held = json_string_value(json_array_get(v, 0));
        const char *req = json_string_value(json_array_get(v, 1));

        ck_assert_msg(svc_scope_match(held, req)
                      == json_is_true(json_array_get(v, 2)),
                      "scopeMatch('%s', '%s')", held, req);
    }
    ck_assert_uint_ge(i, 400);
    json_decref(doc);
}
END_TEST

START_TEST(satisfy_and_missing)
{
    json_t *doc = load_vectors("scopes.json"), *v;
    size_t i;

    json_array_foreach(json_object_get(doc, "satisfy"), i, v) {
        apr_array_header_t *held = unit_strings(json_object_get(v, "held"));
        const json_t *src = json_object_get(v, "expr");
        const json_t *want = json_object_get(v, "missing");
        svc_scope_expr_t *expr;
        const svc_scope_expr_t *missing;
        json_t *got;
        char *txt;

        if (json_is_null(src)) {
            src = json_object_get(v, "legacy");
        }
        txt = json_dumps(src, JSON_COMPACT | JSON_ENCODE_ANY);
        ck_assert_msg(svc_scope_expr_from_json(unit_pool, src, &expr) == NULL,
                      "parse %s", txt);
        ck_assert_msg(svc_scopes_satisfy(held, expr)
                      == json_is_true(json_object_get(v, "satisfied")),
                      "satisfy [%s] %s", join(held), txt);
        missing = svc_scopes_missing(unit_pool, held, expr);
        got = missing ? svc_scope_expr_to_json(missing) : json_null();
        ck_assert_msg(json_equal(got, want), "missing [%s] %s: got %s",
                      join(held), txt,
                      json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY));
        json_decref(got);
        free(txt);
    }
    ck_assert_uint_ge(i, 200);
    json_decref(doc);
}
END_TEST

START_TEST(compare_and_normalize)
{
    json_t *doc = load_vectors("scopes.json"), *v;
    size_t i;

    json_array_foreach(json_object_get(doc, "compare"), i, v) {
        const char *a = json_string_value(json_array_get(v, 0));
        const char *b = json_string_value(json_array_get(v, 1));
        int c = svc_scope_compare(a, b);

        ck_assert_msg((c > 0) - (c < 0) == json_integer_value(json_array_get(v, 2)),
                      "scopeCompare('%s', '%s') = %d", a, b, c);
    }
    json_array_foreach(json_object_get(doc, "normalize"), i, v) {
        apr_array_header_t *in = unit_strings(json_object_get(v, "input"));

        assert_same(svc_scopes_normalize(unit_pool, in),
                    unit_strings(json_object_get(v, "output")), join(in));
    }
    /* scopeUnion(a, b) is normalizing the concatenation */
    json_array_foreach(json_object_get(doc, "union"), i, v) {
        apr_array_header_t *a = unit_strings(json_object_get(v, "a"));

        apr_array_cat(a, unit_strings(json_object_get(v, "b")));
        assert_same(svc_scopes_normalize(unit_pool, a),
                    unit_strings(json_object_get(v, "output")), "union");
    }
    json_decref(doc);
}
END_TEST

static int run_role_tables(const json_t *tables)
{
    const json_t *t, *c;
    size_t i, k;
    int n = 0;

    json_array_foreach(tables, i, t) {
        const char *err;
        svc_roles_t *roles = roles_from(json_object_get(t, "roles"), &err);
        const char *src = json_string_value(json_object_get(t, "source"));

        ck_assert_msg(err == NULL, "%s: %s", src, err);
        json_array_foreach(json_object_get(t, "cases"), k, c) {
            apr_array_header_t *held = unit_strings(json_object_get(c, "held"));

            assert_same(svc_scopes_expand(unit_pool, roles, held),
                        unit_strings(json_object_get(c, "expanded")),
                        apr_psprintf(unit_pool, "%s: %s", src, join(held)));
            n++;
        }
    }
    return n;
}

START_TEST(roles_taskcluster_table)
{
    json_t *doc = load_vectors("scopes.json");

    ck_assert_int_ge(run_role_tables(json_object_get(doc, "roles")), 190);
    json_decref(doc);
}
END_TEST

START_TEST(roles_random_vs_trie)
{
    json_t *doc = load_vectors("scopes.json");

    ck_assert_int_ge(run_role_tables(json_object_get(doc, "roles_random")), 100);
    json_decref(doc);
}
END_TEST

START_TEST(roles_refused_and_accepted)
{
    json_t *doc = load_vectors("scopes.json"), *t;
    const char *err;
    size_t i;

    json_array_foreach(json_object_get(doc, "roles_bad"), i, t) {
        roles_from(t, &err);
        ck_assert_msg(err != NULL, "bad table %zu accepted", i);
    }
    json_array_foreach(json_object_get(doc, "roles_good"), i, t) {
        roles_from(t, &err);
        ck_assert_msg(err == NULL, "good table %zu: %s", i, err);
    }
    json_decref(doc);
}
END_TEST

START_TEST(role_errors_are_precise)
{
    svc_roles_t *roles = svc_roles_make(unit_pool);
    const char *ab[] = { "assume:b" }, *ba[] = { "assume:a" };
    const char *s1[] = { "x" }, *bad[] = { "tab\there" };
    apr_array_header_t *held = apr_array_make(unit_pool, 1, sizeof(char *));
    const char *err;

    ck_assert_ptr_null(svc_roles_add(roles, "a", ab, 1));
    err = svc_roles_add(roles, "b", ba, 1);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, "Roles may not contain dependency cycles, found: "
                     "'assume:b' -> 'assume:a' -> 'assume:b'");
    /* the refused role is not in the table */
    ck_assert_int_eq(svc_roles_count(roles), 1);
    ck_assert_ptr_null(svc_roles_add(roles, "b", s1, 1));
    ck_assert_ptr_nonnull(strstr(svc_roles_add(roles, "b", s1, 1), "twice"));
    ck_assert_ptr_nonnull(strstr(svc_roles_add(roles, "c", bad, 1),
                                 "invalid scope"));
    ck_assert_ptr_nonnull(svc_roles_add(roles, "", s1, 1));
    APR_ARRAY_PUSH(held, const char *) = "assume:a";
    held = svc_scopes_expand(unit_pool, roles, held);
    ck_assert_str_eq(join(held), "assume:a,assume:b,x");
}
END_TEST

START_TEST(expr_text_syntax)
{
    svc_scope_expr_t *e;
    apr_array_header_t *held = apr_array_make(unit_pool, 2, sizeof(char *));
    json_t *j;
    char *s;

    ck_assert_ptr_null(svc_scope_expr_parse(unit_pool, " a  b | c ", &e));
    j = svc_scope_expr_to_json(e);
    s = json_dumps(j, JSON_COMPACT);
    ck_assert_str_eq(s, "{\"AnyOf\":[{\"AllOf\":[\"a\",\"b\"]},\"c\"]}");
    free(s);
    json_decref(j);
    ck_assert(!svc_scopes_satisfy(held, e));
    APR_ARRAY_PUSH(held, const char *) = "a";
    ck_assert(!svc_scopes_satisfy(held, e));
    APR_ARRAY_PUSH(held, const char *) = "b*";
    ck_assert(svc_scopes_satisfy(held, e));

    ck_assert_ptr_null(svc_scope_expr_parse(unit_pool, "only:one", &e));
    ck_assert_int_eq(e->type, SVC_SCOPE_EXPR_SCOPE);
    ck_assert_str_eq(e->scope, "only:one");
    ck_assert_ptr_nonnull(svc_scope_expr_parse(unit_pool, "a | | b", &e));
    ck_assert_ptr_nonnull(svc_scope_expr_parse(unit_pool, "", &e));
    ck_assert_ptr_nonnull(svc_scope_expr_parse(unit_pool, "a |", &e));
    ck_assert_ptr_nonnull(svc_scope_expr_parse(unit_pool, "caf\xc3\xa9", &e));
}
END_TEST

START_TEST(expr_json_errors)
{
    const char *bad[] = {
        "{\"AnyOf\": \"a\"}", "{\"AnyOf\": [], \"AllOf\": []}", "{}", "42",
        "[\"a\"]", "[[1]]", "{\"AllOf\": [[\"a\"]]}", "\"\\u0001\"",
        "{\"anyof\": []}",
    };
    svc_scope_expr_t *e;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *j = json_loads(bad[i], JSON_DECODE_ANY, NULL);

        ck_assert_ptr_nonnull(j);
        ck_assert_msg(svc_scope_expr_from_json(unit_pool, j, &e) != NULL,
                      "accepted %s", bad[i]);
        json_decref(j);
    }
}
END_TEST

/* tooltool.md 4.1 / 6.I (I3-I5) spelled out, independent of the vectors. */
START_TEST(tooltool_spec_scopes)
{
    const char *tt = "project:releng:services/tooltool/api";
    const char *grants[] = { "project:releng:services/tooltool/api/*",
                             "project:releng:services/*", "*" };
    size_t i;

    for (i = 0; i < 3; i++) {
        ck_assert(svc_scope_match(grants[i], apr_pstrcat(unit_pool, tt,
                                  "/manage", NULL)));
        ck_assert(svc_scope_match(grants[i], apr_pstrcat(unit_pool, tt,
                                  "/upload/internal", NULL)));
    }
    ck_assert(svc_scope_match(apr_pstrcat(unit_pool, tt, "/download/*", NULL),
                              apr_pstrcat(unit_pool, tt, "/download/internal",
                                          NULL)));
    ck_assert(!svc_scope_match(apr_pstrcat(unit_pool, tt, "/download/*", NULL),
                               apr_pstrcat(unit_pool, tt, "/manage", NULL)));
    ck_assert(!svc_scope_match(apr_pstrcat(unit_pool, tt, "/download/internal",
                                           NULL),
                               apr_pstrcat(unit_pool, tt, "/download/public",
                                           NULL)));
    ck_assert(svc_scope_valid(""));
    ck_assert(!svc_scope_valid(NULL));
    ck_assert(!svc_scope_valid("a\nb"));
}
END_TEST

START_TEST(expand_without_roles_normalizes)
{
    apr_array_header_t *held = apr_array_make(unit_pool, 3, sizeof(char *));

    APR_ARRAY_PUSH(held, const char *) = "q:1";
    APR_ARRAY_PUSH(held, const char *) = "q:*";
    APR_ARRAY_PUSH(held, const char *) = "a";
    ck_assert_str_eq(join(svc_scopes_expand(unit_pool, NULL, held)), "a,q:*");
    ck_assert_int_eq(svc_scopes_expand(unit_pool, NULL, NULL)->nelts, 0);
}
END_TEST

Suite *svc_scopes_suite(void)
{
    Suite *s = suite_create("svc_scopes");
    TCase *tc = unit_tcase("scopes");

    tcase_add_test(tc, match_grid);
    tcase_add_test(tc, satisfy_and_missing);
    tcase_add_test(tc, compare_and_normalize);
    tcase_add_test(tc, roles_taskcluster_table);
    tcase_add_test(tc, roles_random_vs_trie);
    tcase_add_test(tc, roles_refused_and_accepted);
    tcase_add_test(tc, role_errors_are_precise);
    tcase_add_test(tc, expr_text_syntax);
    tcase_add_test(tc, expr_json_errors);
    tcase_add_test(tc, tooltool_spec_scopes);
    tcase_add_test(tc, expand_without_roles_normalizes);
    suite_add_tcase(s, tc);
    return s;
}
