/* ts_input: every 400 of the write bodies with its exact text, ids, names,
 * revert and the cache max-age directive's value. */
#include "unit.h"
#include "svc_json.h"
#include "ts_input.h"

static json_t *body(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    ck_assert_msg(j != NULL, "bad test JSON %s: %s", text, e.text);
    return svc_json_own(unit_pool, j);
}

/* ts_update_parse then, when it passes, ts_update_check; NULL = fine */
static const char *update(const char *text, ts_update_t *u)
{
    const char *err = ts_update_parse(unit_pool, body(text), u);

    return err ? err : ts_update_check(unit_pool, u);
}

#define STATUS_ENUM "['open', 'closed', 'approval required']"
#define REMEMBER "Must specify status, reason and tags to remember the change."
#define TAGS "Tags are required when closing a tree."

START_TEST(update_types)
{
    ts_update_t u;

    ck_assert_str_eq(update("{}", &u), "'trees' is a required property");
    ck_assert_str_eq(update("{\"trees\": \"a\"}", &u),
                     "'a' is not of type 'array' - 'trees'");
    ck_assert_str_eq(update("{\"trees\": [1]}", &u),
                     "1 is not of type 'string' - 'trees.0'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"status\": 1}", &u),
                     "1 is not of type 'string' - 'status'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"reason\": []}", &u),
                     "[] is not of type 'string' - 'reason'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"message_of_the_day\": true}", &u),
                     "True is not of type 'string' - 'message_of_the_day'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"tags\": \"x\"}", &u),
                     "'x' is not of type 'array' - 'tags'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"tags\": [\"x\", 2]}", &u),
                     "2 is not of type 'string' - 'tags.1'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"remember\": \"yes\"}", &u),
                     "'yes' is not of type 'boolean' - 'remember'");
    ck_assert_str_eq(update("{\"trees\": []}", &u), "trees must not be empty");
}
END_TEST

START_TEST(update_rules_in_order)
{
    ts_update_t u;

    /* D5: absent, null or [] tags when closing */
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"status\": \"closed\"}", &u), TAGS);
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"status\": \"closed\", "
                            "\"tags\": null}", &u), TAGS);
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"status\": \"closed\", "
                            "\"tags\": [], \"remember\": true}", &u), TAGS);
    /* D6: the three keys, non-null, only for remember: true */
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"remember\": true, "
                            "\"reason\": \"r\", \"tags\": [\"t\"]}", &u), REMEMBER);
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"remember\": true, "
                            "\"status\": \"open\", \"tags\": [\"t\"]}", &u), REMEMBER);
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"remember\": true, "
                            "\"status\": \"open\", \"reason\": \"r\"}", &u), REMEMBER);
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"remember\": true, "
                            "\"status\": \"open\", \"reason\": null, "
                            "\"tags\": []}", &u), REMEMBER);
    ck_assert_ptr_null(update("{\"trees\": [\"a\"], \"remember\": false, "
                              "\"status\": \"open\"}", &u));
    ck_assert_ptr_null(update("{\"trees\": [\"a\"], \"remember\": true, "
                              "\"status\": \"open\", \"reason\": \"\", "
                              "\"tags\": []}", &u));
    /* D4, last */
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"status\": \"opened\"}", &u),
                     "'opened' is not one of " STATUS_ENUM " - 'status'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"status\": \"\"}", &u),
                     "'' is not one of " STATUS_ENUM " - 'status'");
    ck_assert_str_eq(update("{\"trees\": [\"a\"], \"status\": \"halfopen\", "
                            "\"remember\": true, \"reason\": \"r\"}", &u), REMEMBER);
    ck_assert_ptr_null(update("{\"trees\": [\"a\"], \"status\": \"approval required\"}",
                              &u));
}
END_TEST

START_TEST(update_fields)
{
    ts_update_t u;

    ck_assert_ptr_null(update("{\"trees\": [\"b\", \"a\", \"b\"], \"status\": "
                              "\"closed\", \"reason\": \"r\", \"tags\": [\"t\"], "
                              "\"message_of_the_day\": \"\", \"remember\": true, "
                              "\"extra\": 1}", &u));
    ck_assert_int_eq(u.trees->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(u.trees, 0, const char *), "b");
    ck_assert_str_eq(APR_ARRAY_IDX(u.trees, 1, const char *), "a");
    ck_assert_str_eq(u.status, "closed");
    ck_assert_str_eq(u.reason, "r");
    ck_assert_str_eq(u.motd, "");
    ck_assert_int_eq(json_array_size(u.tags), 1);
    ck_assert_int_eq(u.remember, 1);
    ck_assert_str_eq(ts_names_json(unit_pool, u.trees), "[\"b\",\"a\"]");
    ck_assert_str_eq(ts_names_join(unit_pool, u.trees), "b, a");

    ck_assert_ptr_null(update("{\"trees\": [\"a\"], \"status\": null, "
                              "\"reason\": null, \"tags\": null, "
                              "\"message_of_the_day\": null, \"remember\": null}", &u));
    ck_assert_ptr_null(u.status);
    ck_assert_ptr_null(u.reason);
    ck_assert_ptr_null(u.motd);
    ck_assert_ptr_null(u.tags);
    ck_assert_int_eq(u.remember, 0);
}
END_TEST

START_TEST(new_tree)
{
    ts_new_tree_t t;
    const char *n65 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    ck_assert_str_eq(ts_new_tree_parse(unit_pool, body("{}"), "t", &t),
                     "'tree' is a required property");
    ck_assert_str_eq(ts_new_tree_parse(unit_pool, body("{\"tree\": 5}"), "t", &t),
                     "5 is not of type 'string' - 'tree'");
    ck_assert_str_eq(ts_new_tree_parse(unit_pool, body("{\"tree\": \"t\", "
                                       "\"category\": 5}"), "t", &t),
                     "5 is not of type 'string' - 'category'");
    ck_assert_str_eq(ts_new_tree_parse(unit_pool, body("{\"tree\": \"u\"}"), "t", &t),
                     "Tree names must match.");
    ck_assert_str_eq(ts_new_tree_parse(unit_pool,
                                       body(apr_psprintf(unit_pool, "{\"tree\": \"%s\"}",
                                                         n65)), n65, &t),
                     apr_psprintf(unit_pool, "'%.61s...' is too long - 'tree'", n65));
    ck_assert_str_eq(ts_new_tree_parse(unit_pool, body("{\"tree\": \"t\", "
                                       "\"status\": \"opened\"}"), "t", &t),
                     "'opened' is not one of " STATUS_ENUM " - 'status'");
    ck_assert_str_eq(ts_new_tree_parse(unit_pool, body("{\"tree\": \"t\", "
                                       "\"category\": \"misc\"}"), "t", &t),
                     "'misc' is not one of ['development', 'release_stabilization', "
                     "'try', 'comm_repos', 'other'] - 'category'");

    ck_assert_ptr_null(ts_new_tree_parse(unit_pool, body("{\"tree\": \"t\"}"), "t", &t));
    ck_assert_str_eq(t.tree, "t");
    ck_assert_str_eq(t.status, "open");
    ck_assert_str_eq(t.reason, "");
    ck_assert_str_eq(t.motd, "");
    ck_assert_str_eq(t.category, "other");
    ck_assert_ptr_null(ts_new_tree_parse(unit_pool, body(
        "{\"tree\": \"t\", \"status\": \"closed\", \"reason\": \"new tree\", "
        "\"message_of_the_day\": \"m\", \"category\": \"comm_repos\"}"), "t", &t));
    ck_assert_str_eq(t.status, "closed");
    ck_assert_str_eq(t.reason, "new tree");
    ck_assert_str_eq(t.motd, "m");
    ck_assert_str_eq(t.category, "comm_repos");
}
END_TEST

START_TEST(amend_and_names)
{
    ts_amend_t a;
    apr_array_header_t *names;

    ck_assert_str_eq(ts_amend_parse(unit_pool, body("{\"reason\": 1}"), &a),
                     "1 is not of type 'string' - 'reason'");
    ck_assert_str_eq(ts_amend_parse(unit_pool, body("{\"tags\": [null]}"), &a),
                     "None is not of type 'string' - 'tags.0'");
    ck_assert_ptr_null(ts_amend_parse(unit_pool, body("{}"), &a));
    ck_assert_ptr_null(a.reason);
    ck_assert_ptr_null(a.tags);
    ck_assert_ptr_null(ts_amend_parse(unit_pool, body("{\"reason\": \"\", "
                                                      "\"tags\": []}"), &a));
    ck_assert_str_eq(a.reason, "");
    ck_assert_int_eq(json_array_size(a.tags), 0);

    ck_assert_str_eq(ts_names_parse(unit_pool, body("{}"), &names),
                     "'trees' is a required property");
    ck_assert_str_eq(ts_names_parse(unit_pool, body("{\"trees\": []}"), &names),
                     "trees must not be empty");
    ck_assert_ptr_null(ts_names_parse(unit_pool, body("{\"trees\": [\"x\", \"x\"]}"),
                                      &names));
    ck_assert_int_eq(names->nelts, 1);
}
END_TEST

START_TEST(revert_values)
{
    static const char *const bad[] = {"2", "-1", "", "abc", "1.0", " 1", "true",
                                      "10", "-01", NULL};
    int i, r;

    ck_assert_ptr_null(ts_revert_parse(NULL, &r));
    ck_assert_int_eq(r, 0);
    ck_assert_ptr_null(ts_revert_parse("0", &r));
    ck_assert_int_eq(r, 0);
    ck_assert_ptr_null(ts_revert_parse("1", &r));
    ck_assert_int_eq(r, 1);
    ck_assert_ptr_null(ts_revert_parse("+1", &r));
    ck_assert_int_eq(r, 1);
    ck_assert_ptr_null(ts_revert_parse("00", &r));
    ck_assert_int_eq(r, 0);
    for (i = 0; bad[i]; i++) {
        ck_assert_msg(ts_revert_parse(bad[i], &r) != NULL, "accepted %s", bad[i]);
        ck_assert_str_eq(ts_revert_parse(bad[i], &r), "Unexpected value for `revert`.");
    }
    ck_assert_str_eq(ts_revert_parse("99999999999999999999", &r),
                     "Unexpected value for `revert`.");
}
END_TEST

START_TEST(ids)
{
    int id;

    ck_assert_int_eq(ts_id_parse("1", &id), 1);
    ck_assert_int_eq(id, 1);
    ck_assert_int_eq(ts_id_parse("2147483647", &id), 1);
    ck_assert_int_eq(id, 2147483647);
    ck_assert_int_eq(ts_id_parse("2147483648", &id), 0);
    ck_assert_int_eq(ts_id_parse("99999999999999999999", &id), 0);
    ck_assert_int_eq(ts_id_parse("-1", &id), 0);
    ck_assert_int_eq(ts_id_parse("1a", &id), 0);
    ck_assert_int_eq(ts_id_parse("", &id), 0);
    ck_assert_int_eq(ts_id_parse(NULL, &id), 0);
    ck_assert_int_eq(ts_id_parse(" 1", &id), 0);
}
END_TEST

START_TEST(tree_names)
{
    char n64[65], n65[66];
    /* 64 two-byte characters: 128 bytes, still 64 characters */
    char wide[64 * 2 + 1];
    int i;

    memset(n64, 'a', 64);
    n64[64] = '\0';
    memset(n65, 'a', 65);
    n65[65] = '\0';
    for (i = 0; i < 64; i++) {
        wide[2 * i] = (char)0xC3;
        wide[2 * i + 1] = (char)0xA9; /* é */
    }
    wide[128] = '\0';
    ck_assert(ts_tree_name_ok("mozilla-central"));
    ck_assert(ts_tree_name_ok(n64));
    ck_assert(!ts_tree_name_ok(n65));
    ck_assert(ts_tree_name_ok(wide));
    ck_assert(!ts_tree_name_ok(""));
    ck_assert(!ts_tree_name_ok(NULL));
    ck_assert(!ts_tree_name_ok("\xff"));            /* not UTF-8 */
    ck_assert(!ts_tree_name_ok("a\xc3"));           /* truncated */
    ck_assert(!ts_tree_name_ok("\xc0\xaf"));        /* overlong '/' */
    ck_assert(!ts_tree_name_ok("\xed\xa0\x80"));    /* surrogate */
    ck_assert(ts_tree_name_ok("\xf0\x9f\x8c\xb2")); /* U+1F332 */
}
END_TEST

Suite *ts_input_suite(void)
{
    Suite *s = suite_create("ts_input");
    TCase *tc = unit_tcase("input");

    tcase_add_test(tc, update_types);
    tcase_add_test(tc, update_rules_in_order);
    tcase_add_test(tc, update_fields);
    tcase_add_test(tc, new_tree);
    tcase_add_test(tc, amend_and_names);
    tcase_add_test(tc, revert_values);
    tcase_add_test(tc, ids);
    tcase_add_test(tc, tree_names);
    suite_add_tcase(s, tc);
    return s;
}
