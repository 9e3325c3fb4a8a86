/* svc_json: strict request-body parsing with connexion's messages, pool-bound
 * references, compact sorted dumps, Python-style repr, jsonschema-style field
 * checks and lossy strings for text that is not UTF-8. */
#include <string.h>
#include "unit.h"
#include "svc_json.h"

#define NOT_JSON "Request body is not valid JSON"
#define DUP_KEY  "Request body is not valid JSON: duplicate object key"

/* Parses a NUL-terminated body; returns the error message (or NULL). */
static const char *parse_err(const char *body, int want)
{
    const char *err = "unset";
    json_t *j = svc_json_parse(unit_pool, body, strlen(body), want, &err);
    ck_assert_msg((j == NULL) == (err != NULL),
                  "body %s: result and error disagree (err %s)", body,
                  err ? err : "NULL");
    return err;
}

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
    ck_assert_msg(j != NULL, "fixture %s: %s", text, e.text);
    return svc_json_own(unit_pool, j);
}

static const char *dump(const json_t *j)
{
    return svc_json_dump(unit_pool, j, NULL);
}

/* ---- svc_json_parse ---------------------------------------------------- */

START_TEST(parse_object_ok)
{
    const char *err = "unset";
    const char *body = "{\"trees\": [\"autoland\"], \"status\": \"closed\"}";
    json_t *j = svc_json_parse(unit_pool, body, strlen(body), JSON_OBJECT, &err);

    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(dump(j), "{\"status\":\"closed\",\"trees\":[\"autoland\"]}");
}
END_TEST

START_TEST(parse_array_ok)
{
    const char *err = "unset";
    const char *body = " [ {\"op\": \"delete_instances\"} ] ";
    json_t *j = svc_json_parse(unit_pool, body, strlen(body), JSON_ARRAY, &err);

    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(dump(j), "[{\"op\":\"delete_instances\"}]");
}
END_TEST

START_TEST(parse_any_accepts_object_and_array)
{
    const char *err = "unset";
    json_t *j = svc_json_parse(unit_pool, "[1]", 3, -1, &err);

    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_null(err);
    ck_assert(json_is_array(j));
    j = svc_json_parse(unit_pool, "{}", 2, -1, &err);
    ck_assert_ptr_nonnull(j);
    ck_assert(json_is_object(j));
}
END_TEST

START_TEST(parse_respects_len)
{
    const char *err = "unset";
    /* only the first two bytes are the body */
    json_t *j = svc_json_parse(unit_pool, "{}garbage", 2, JSON_OBJECT, &err);

    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(dump(j), "{}");
    /* a body cut in the middle is not JSON */
    ck_assert_ptr_null(svc_json_parse(unit_pool, "{\"a\": 1}", 5, JSON_OBJECT, &err));
    ck_assert_str_eq(err, NOT_JSON);
}
END_TEST

START_TEST(parse_invalid_json)
{
    static const char *bodies[] = {
        "not json", "{", "{\"a\": }", "{'a': 1}", "{\"a\": 1,}", "[1, 2",
        "{}x", "{} {}", "{\"a\": NaN}", "{\"a\": \"\xff\"}",
        "{\"a\": \"caf\xc3\"}", "\xef\xbb\xbf{}" /* BOM */
    };
    size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        const char *err = parse_err(bodies[i], JSON_OBJECT);
        ck_assert_msg(err && !strcmp(err, NOT_JSON), "body %s: %s", bodies[i],
                      err ? err : "accepted");
    }
}
END_TEST

START_TEST(parse_empty_body)
{
    const char *err = "unset";

    ck_assert_ptr_null(svc_json_parse(unit_pool, "", 0, JSON_OBJECT, &err));
    ck_assert_str_eq(err, NOT_JSON);
    err = "unset";
    ck_assert_ptr_null(svc_json_parse(unit_pool, NULL, 0, JSON_OBJECT, &err));
    ck_assert_str_eq(err, NOT_JSON);
    err = "unset";
    ck_assert_ptr_null(svc_json_parse(unit_pool, "  \n", 3, -1, &err));
    ck_assert_str_eq(err, NOT_JSON);
}
END_TEST

START_TEST(parse_embedded_nul)
{
    const char *err = "unset";

    ck_assert_ptr_null(svc_json_parse(unit_pool, "{}\0", 3, JSON_OBJECT, &err));
    ck_assert_str_eq(err, NOT_JSON);
    err = "unset";
    ck_assert_ptr_null(svc_json_parse(unit_pool, "{\"a\":\"x\0y\"}", 11,
                                      JSON_OBJECT, &err));
    ck_assert_str_eq(err, NOT_JSON);
}
END_TEST

START_TEST(parse_rejects_duplicate_keys)
{
    /* two different values for one key must never be resolved silently */
    ck_assert_str_eq(parse_err("{\"status\": \"open\", \"status\": \"closed\"}",
                               JSON_OBJECT), DUP_KEY);
    ck_assert_str_eq(parse_err("{\"a\": 1, \"a\": 1}", JSON_OBJECT), DUP_KEY);
    /* at any depth, and whatever the wanted type */
    ck_assert_str_eq(parse_err("{\"t\": {\"x\": 1, \"y\": 2, \"x\": 3}}",
                               JSON_OBJECT), DUP_KEY);
    ck_assert_str_eq(parse_err("[{\"op\": \"a\", \"op\": \"b\"}]", JSON_ARRAY),
                     DUP_KEY);
    ck_assert_str_eq(parse_err("[{\"op\": \"a\", \"op\": \"b\"}]", JSON_OBJECT),
                     DUP_KEY);
    /* the same key in sibling objects is fine */
    ck_assert_ptr_null(parse_err("[{\"op\": \"a\"}, {\"op\": \"b\"}]", JSON_ARRAY));
    /* keys differing only in case are different keys */
    ck_assert_ptr_null(parse_err("{\"a\": 1, \"A\": 2}", JSON_OBJECT));
}
END_TEST

START_TEST(parse_top_level_type)
{
    ck_assert_str_eq(parse_err("{}", JSON_ARRAY), "{} is not of type 'array'");
    ck_assert_str_eq(parse_err("[]", JSON_OBJECT), "[] is not of type 'object'");
    ck_assert_str_eq(parse_err(" [[7]] ", JSON_OBJECT),
                     "[[7]] is not of type 'object'");
    ck_assert_ptr_null(parse_err("{}", JSON_OBJECT));
    ck_assert_ptr_null(parse_err("[]", JSON_ARRAY));
}
END_TEST

START_TEST(parse_value_is_pool_owned)
{
    apr_pool_t *sub;
    const char *err;
    json_t *j;

    apr_pool_create(&sub, unit_pool);
    j = svc_json_parse(sub, "{\"a\": [1, 2]}", 13, JSON_OBJECT, &err);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(j->refcount, 1);
    json_incref(j);
    apr_pool_destroy(sub);
    /* the pool dropped exactly its own reference */
    ck_assert_int_eq(j->refcount, 1);
    ck_assert_str_eq(dump(j), "{\"a\":[1,2]}");
    json_decref(j);
}
END_TEST

/* ---- svc_json_own ------------------------------------------------------ */

START_TEST(own_releases_on_clear)
{
    apr_pool_t *sub;
    json_t *j = json_object();

    apr_pool_create(&sub, unit_pool);
    ck_assert_ptr_eq(svc_json_own(sub, j), j);
    json_incref(j);
    ck_assert_int_eq(j->refcount, 2);
    apr_pool_clear(sub);
    ck_assert_int_eq(j->refcount, 1);
    /* the cleanup ran once: clearing again does not drop our reference */
    apr_pool_clear(sub);
    ck_assert_int_eq(j->refcount, 1);
    apr_pool_destroy(sub);
    ck_assert_int_eq(j->refcount, 1);
    json_decref(j);
}
END_TEST

START_TEST(own_null_is_null)
{
    ck_assert_ptr_null(svc_json_own(unit_pool, NULL));
}
END_TEST

/* ---- svc_json_dump ----------------------------------------------------- */

START_TEST(dump_compact_sorted)
{
    json_t *j = load("{\"z\": 1, \"b\": {\"y\": null, \"a\": [true, false]},"
                     " \"a\": \"x\", \"B\": 2.5}");
    apr_size_t len = 0;
    char *s = svc_json_dump(unit_pool, j, &len);

    ck_assert_str_eq(s, "{\"B\":2.5,\"a\":\"x\",\"b\":{\"a\":[true,false],"
                        "\"y\":null},\"z\":1}");
    ck_assert_uint_eq(len, strlen(s));
}
END_TEST

START_TEST(dump_scalars_and_empty)
{
    apr_size_t len = 99;
    json_t *v;

    ck_assert_str_eq(dump(load("{}")), "{}");
    ck_assert_str_eq(dump(load("[]")), "[]");
    ck_assert_str_eq(dump(load("3")), "3");
    ck_assert_str_eq(dump(load("-7")), "-7");
    ck_assert_str_eq(dump(load("null")), "null");
    ck_assert_str_eq(dump(load("true")), "true");
    v = svc_json_own(unit_pool, json_string(""));
    ck_assert_str_eq(svc_json_dump(unit_pool, v, &len), "\"\"");
    ck_assert_uint_eq(len, 2);
}
END_TEST

START_TEST(dump_string_escapes)
{
    json_t *v = svc_json_own(unit_pool,
                             json_string("caf\xc3\xa9 \"q\" a/b \\ \n\t\x01"));

    /* UTF-8 stays raw, '/' is not escaped, control characters are */
    ck_assert_str_eq(dump(v), "\"caf\xc3\xa9 \\\"q\\\" a/b \\\\ \\n\\t\\u0001\"");
}
END_TEST

START_TEST(dump_len_optional)
{
    json_t *j = load("{\"k\": [1, 2, 3]}");
    ck_assert_str_eq(svc_json_dump(unit_pool, j, NULL), "{\"k\":[1,2,3]}");
}
END_TEST

/* ---- svc_json_repr ----------------------------------------------------- */

START_TEST(repr_scalars)
{
    ck_assert_str_eq(svc_json_repr(unit_pool, load("\"text\"")), "'text'");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("\"\"")), "''");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("true")), "True");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("false")), "False");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("null")), "None");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("3")), "3");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("-12")), "-12");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("1.5")), "1.5");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("{}")), "{}");
    ck_assert_str_eq(svc_json_repr(unit_pool, load("[]")), "[]");
}
END_TEST

/* n copies of c, from the pool */
static const char *rep(char c, int n)
{
    char *s = apr_palloc(unit_pool, n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

START_TEST(repr_truncates_long_values)
{
    json_t *v;

    /* 64 characters still fit */
    v = svc_json_own(unit_pool, json_string(rep('a', 64)));
    ck_assert_str_eq(svc_json_repr(unit_pool, v),
                     apr_pstrcat(unit_pool, "'", rep('a', 64), "'", NULL));
    /* 65 or more are cut to 61 and an ellipsis */
    v = svc_json_own(unit_pool, json_string(rep('b', 65)));
    ck_assert_str_eq(svc_json_repr(unit_pool, v),
                     apr_pstrcat(unit_pool, "'", rep('b', 61), "...'", NULL));
    v = svc_json_own(unit_pool, json_string(rep('c', 1000)));
    ck_assert_str_eq(svc_json_repr(unit_pool, v),
                     apr_pstrcat(unit_pool, "'", rep('c', 61), "...'", NULL));
    /* arrays and objects too (nested one-item arrays: JSON and Python agree) */
    v = load(apr_pstrcat(unit_pool, rep('[', 31), "7", rep(']', 31), NULL));
    ck_assert_str_eq(svc_json_repr(unit_pool, v),
                     apr_pstrcat(unit_pool, rep('[', 31), "7", rep(']', 31), NULL));
    v = load(apr_pstrcat(unit_pool, rep('[', 40), "7", rep(']', 40), NULL));
    ck_assert_str_eq(svc_json_repr(unit_pool, v),
                     apr_pstrcat(unit_pool, rep('[', 40), "7", rep(']', 20), "...",
                                 NULL));
}
END_TEST

/* ---- svc_json_check ---------------------------------------------------- */

START_TEST(check_required_and_optional)
{
    json_t *o = load("{\"status\": \"closed\"}");

    ck_assert_str_eq(svc_json_check(unit_pool, o, "trees", SVC_JT_STRING_ARRAY,
                                    SVC_JSON_REQUIRED),
                     "'trees' is a required property");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "reason", SVC_JT_STRING,
                                    SVC_JSON_REQUIRED | SVC_JSON_NULLABLE),
                     "'reason' is a required property");
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "reason", SVC_JT_STRING, 0));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "status", SVC_JT_STRING,
                                      SVC_JSON_REQUIRED));
}
END_TEST

START_TEST(check_wrong_types)
{
    json_t *o = load("{\"remember\": \"yes\", \"size\": \"1\", \"name\": 7,"
                     " \"tags\": {}, \"meta\": [], \"n\": 1.0, \"b\": 1,"
                     " \"i\": true, \"s\": null}");

    ck_assert_str_eq(svc_json_check(unit_pool, o, "remember", SVC_JT_BOOLEAN, 0),
                     "'yes' is not of type 'boolean' - 'remember'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "size", SVC_JT_INTEGER,
                                    SVC_JSON_REQUIRED),
                     "'1' is not of type 'integer' - 'size'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "name", SVC_JT_STRING, 0),
                     "7 is not of type 'string' - 'name'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "tags", SVC_JT_ARRAY, 0),
                     "{} is not of type 'array' - 'tags'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "tags", SVC_JT_STRING_ARRAY, 0),
                     "{} is not of type 'array' - 'tags'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "meta", SVC_JT_OBJECT, 0),
                     "[] is not of type 'object' - 'meta'");
    /* JSON reals are not integers, booleans are neither integers nor ... */
    ck_assert_str_eq(svc_json_check(unit_pool, o, "n", SVC_JT_INTEGER, 0),
                     "1.0 is not of type 'integer' - 'n'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "i", SVC_JT_INTEGER, 0),
                     "True is not of type 'integer' - 'i'");
    /* ... and integers are not booleans */
    ck_assert_str_eq(svc_json_check(unit_pool, o, "b", SVC_JT_BOOLEAN, 0),
                     "1 is not of type 'boolean' - 'b'");
    /* null without NULLABLE is a wrong type, even when optional */
    ck_assert_str_eq(svc_json_check(unit_pool, o, "s", SVC_JT_STRING, 0),
                     "None is not of type 'string' - 's'");
}
END_TEST

START_TEST(check_right_types)
{
    json_t *o = load("{\"s\": \"\", \"i\": -3, \"b\": false, \"a\": [1, \"x\"],"
                     " \"o\": {}, \"sa\": [\"a\", \"b\"], \"e\": [], \"n\": null}");

    ck_assert_ptr_null(svc_json_check(unit_pool, o, "s", SVC_JT_STRING, SVC_JSON_REQUIRED));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "i", SVC_JT_INTEGER, SVC_JSON_REQUIRED));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "b", SVC_JT_BOOLEAN, SVC_JSON_REQUIRED));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "a", SVC_JT_ARRAY, SVC_JSON_REQUIRED));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "o", SVC_JT_OBJECT, SVC_JSON_REQUIRED));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "sa", SVC_JT_STRING_ARRAY, SVC_JSON_REQUIRED));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "e", SVC_JT_STRING_ARRAY, SVC_JSON_REQUIRED));
    /* null is accepted only with NULLABLE, for any type */
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "n", SVC_JT_STRING, SVC_JSON_NULLABLE));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "n", SVC_JT_INTEGER,
                                      SVC_JSON_NULLABLE | SVC_JSON_REQUIRED));
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "n", SVC_JT_STRING_ARRAY, SVC_JSON_NULLABLE));
}
END_TEST

START_TEST(check_string_array_items)
{
    json_t *o = load("{\"trees\": [\"a\", \"b\", 3, null],"
                     " \"tags\": [[]], \"t2\": [\"ok\", true]}");

    ck_assert_str_eq(svc_json_check(unit_pool, o, "trees", SVC_JT_STRING_ARRAY, 0),
                     "3 is not of type 'string' - 'trees.2'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "tags", SVC_JT_STRING_ARRAY, 0),
                     "[] is not of type 'string' - 'tags.0'");
    ck_assert_str_eq(svc_json_check(unit_pool, o, "t2", SVC_JT_STRING_ARRAY, 0),
                     "True is not of type 'string' - 't2.1'");
    /* a plain array accepts any items */
    ck_assert_ptr_null(svc_json_check(unit_pool, o, "trees", SVC_JT_ARRAY, 0));
}
END_TEST

/* ---- svc_json_str ------------------------------------------------------ */

START_TEST(str_getter)
{
    json_t *o = load("{\"a\": \"x\", \"e\": \"\", \"n\": null, \"i\": 1, \"o\": {}}");

    ck_assert_str_eq(svc_json_str(o, "a"), "x");
    ck_assert_str_eq(svc_json_str(o, "e"), "");
    ck_assert_ptr_null(svc_json_str(o, "n"));
    ck_assert_ptr_null(svc_json_str(o, "i"));
    ck_assert_ptr_null(svc_json_str(o, "o"));
    ck_assert_ptr_null(svc_json_str(o, "missing"));
    ck_assert_ptr_null(svc_json_str(load("[\"a\"]"), "a"));
}
END_TEST

/* ---- svc_json_string_lossy --------------------------------------------- */

static const char *lossy(const char *s)
{
    json_t *j = svc_json_string_lossy(s);
    ck_assert_msg(j != NULL, "lossy returned NULL");
    svc_json_own(unit_pool, j);
    ck_assert(json_is_string(j));
    return json_string_value(j);
}

START_TEST(lossy_valid_utf8_unchanged)
{
    ck_assert_str_eq(lossy("autoland"), "autoland");
    ck_assert_str_eq(lossy(""), "");
    ck_assert_str_eq(lossy("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x8c\xb3"),
                     "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x8c\xb3");
}
END_TEST

START_TEST(lossy_invalid_bytes_become_question_marks)
{
    ck_assert_str_eq(lossy("a\xff" "b"), "a?b");
    ck_assert_str_eq(lossy("\x80"), "?");
    ck_assert_str_eq(lossy("tree \xfe\xff"), "tree ??");
    /* truncated sequence at the end */
    ck_assert_str_eq(lossy("ab\xc3"), "ab?");
    /* overlong encoding of '/' */
    ck_assert_str_eq(lossy("\xc0\xaf"), "??");
}
END_TEST

START_TEST(lossy_null)
{
    ck_assert_ptr_null(svc_json_string_lossy(NULL));
}
END_TEST

Suite *svc_json_suite(void)
{
    Suite *s = suite_create("svc_json");
    TCase *tc = unit_tcase("svc_json");

    tcase_add_test(tc, parse_object_ok);
    tcase_add_test(tc, parse_array_ok);
    tcase_add_test(tc, parse_any_accepts_object_and_array);
    tcase_add_test(tc, parse_respects_len);
    tcase_add_test(tc, parse_invalid_json);
    tcase_add_test(tc, parse_empty_body);
    tcase_add_test(tc, parse_embedded_nul);
    tcase_add_test(tc, parse_rejects_duplicate_keys);
    tcase_add_test(tc, parse_top_level_type);
    tcase_add_test(tc, parse_value_is_pool_owned);
    tcase_add_test(tc, own_releases_on_clear);
    tcase_add_test(tc, own_null_is_null);
    tcase_add_test(tc, dump_compact_sorted);
    tcase_add_test(tc, dump_scalars_and_empty);
    tcase_add_test(tc, dump_string_escapes);
    tcase_add_test(tc, dump_len_optional);
    tcase_add_test(tc, repr_scalars);
    tcase_add_test(tc, repr_truncates_long_values);
    tcase_add_test(tc, check_required_and_optional);
    tcase_add_test(tc, check_wrong_types);
    tcase_add_test(tc, check_right_types);
    tcase_add_test(tc, check_string_array_items);
    tcase_add_test(tc, str_getter);
    tcase_add_test(tc, lossy_valid_utf8_unchanged);
    tcase_add_test(tc, lossy_invalid_bytes_become_question_marks);
    tcase_add_test(tc, lossy_null);
    suite_add_tcase(s, tc);
    return s;
}
