#include <stdlib.h>
#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include "svc_json.h"
#include "ts_input.h"

const char *const ts_statuses[] = {"open", "closed", "approval required", NULL};
const char *const ts_categories[] = {
    "development", "release_stabilization", "try", "comm_repos", "other", NULL
};

/* "'x' is not one of ['a', 'b'] - 'key'" (jsonschema's enum message) */
static const char *enum_check(apr_pool_t *p, const json_t *obj, const char *key,
                              const char *const *allowed)
{
    const json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v), *list = NULL;
    int i;

    if (!s) {
        return NULL; /* absent or null: the type checks ran before */
    }
    for (i = 0; allowed[i]; i++) {
        if (!strcmp(s, allowed[i])) {
            return NULL;
        }
        list = apr_psprintf(p, "%s%s'%s'", list ? list : "", list ? ", " : "",
                            allowed[i]);
    }
    return apr_psprintf(p, "%s is not one of [%s] - '%s'", svc_json_repr(p, v),
                        list, key);
}

/* Checks a list of (key, type, flags) in order; the first problem wins. */
typedef struct {
    const char *key;
    svc_json_type type;
    int flags;
} field_t;

static const char *check_fields(apr_pool_t *p, const json_t *obj,
                                const field_t *fields)
{
    const char *err;

    for (; fields->key; fields++) {
        if ((err = svc_json_check(p, obj, fields->key, fields->type,
                                  fields->flags))) {
            return err;
        }
    }
    return NULL;
}

static apr_array_header_t *dedupe(apr_pool_t *p, const json_t *list)
{
    apr_array_header_t *out = apr_array_make(p, (int)json_array_size(list),
                                             sizeof(const char *));
    apr_hash_t *seen = apr_hash_make(p);
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        const char *name = json_string_value(json_array_get(list, i));
        if (!apr_hash_get(seen, name, APR_HASH_KEY_STRING)) {
            apr_hash_set(seen, name, APR_HASH_KEY_STRING, name);
            APR_ARRAY_PUSH(out, const char *) = name;
        }
    }
    return out;
}

#define NULLABLE SVC_JSON_NULLABLE

const char *ts_update_parse(apr_pool_t *p, json_t *body, ts_update_t *u)
{
    static const field_t fields[] = {
        {"trees", SVC_JT_STRING_ARRAY, SVC_JSON_REQUIRED},
        {"status", SVC_JT_STRING, NULLABLE},
        {"reason", SVC_JT_STRING, NULLABLE},
        {"message_of_the_day", SVC_JT_STRING, NULLABLE},
        {"tags", SVC_JT_STRING_ARRAY, NULLABLE},
        {"remember", SVC_JT_BOOLEAN, NULLABLE},
        {NULL, 0, 0}
    };
    const char *err = check_fields(p, body, fields);

    memset(u, 0, sizeof(*u));
    if (err) {
        return err;
    }
    u->body = body;
    u->trees = dedupe(p, json_object_get(body, "trees"));
    if (u->trees->nelts == 0) {
        return "trees must not be empty";
    }
    u->status = svc_json_str(body, "status");
    u->reason = svc_json_str(body, "reason");
    u->motd = svc_json_str(body, "message_of_the_day");
    u->tags = json_is_array(json_object_get(body, "tags"))
        ? json_object_get(body, "tags") : NULL;
    u->remember = json_is_true(json_object_get(body, "remember"));
    return NULL;
}

const char *ts_update_check(apr_pool_t *p, const ts_update_t *u)
{
    if (u->status && !strcmp(u->status, "closed")
        && (!u->tags || json_array_size(u->tags) == 0)) {
        return "Tags are required when closing a tree.";
    }
    if (u->remember && (!u->status || !u->reason || !u->tags)) {
        return "Must specify status, reason and tags to remember the change.";
    }
    return enum_check(p, u->body, "status", ts_statuses);
}

const char *ts_new_tree_parse(apr_pool_t *p, json_t *body, const char *url_tree,
                              ts_new_tree_t *t)
{
    static const field_t fields[] = {
        {"tree", SVC_JT_STRING, SVC_JSON_REQUIRED},
        {"status", SVC_JT_STRING, NULLABLE},
        {"reason", SVC_JT_STRING, NULLABLE},
        {"message_of_the_day", SVC_JT_STRING, NULLABLE},
        {"category", SVC_JT_STRING, NULLABLE},
        {NULL, 0, 0}
    };
    const char *err = check_fields(p, body, fields);

    memset(t, 0, sizeof(*t));
    if (err) {
        return err;
    }
    t->tree = svc_json_str(body, "tree");
    if (strcmp(t->tree, url_tree)) {
        return "Tree names must match.";
    }
    if (!ts_tree_name_ok(t->tree)) {
        return apr_psprintf(p, "%s is too long - 'tree'",
                            svc_json_repr(p, json_object_get(body, "tree")));
    }
    if ((err = enum_check(p, body, "status", ts_statuses))
        || (err = enum_check(p, body, "category", ts_categories))) {
        return err;
    }
    t->status = svc_json_str(body, "status");
    t->reason = svc_json_str(body, "reason");
    t->motd = svc_json_str(body, "message_of_the_day");
    t->category = svc_json_str(body, "category");
    t->status = t->status ? t->status : "open";
    t->reason = t->reason ? t->reason : "";
    t->motd = t->motd ? t->motd : "";
    t->category = t->category ? t->category : "other";
    return NULL;
}

const char *ts_amend_parse(apr_pool_t *p, json_t *body, ts_amend_t *a)
{
    static const field_t fields[] = {
        {"reason", SVC_JT_STRING, NULLABLE},
        {"tags", SVC_JT_STRING_ARRAY, NULLABLE},
        {NULL, 0, 0}
    };
    const char *err = check_fields(p, body, fields);

    memset(a, 0, sizeof(*a));
    if (err) {
        return err;
    }
    a->reason = svc_json_str(body, "reason");
    a->tags = json_is_array(json_object_get(body, "tags"))
        ? json_object_get(body, "tags") : NULL;
    return NULL;
}

const char *ts_names_parse(apr_pool_t *p, json_t *body,
                           apr_array_header_t **names)
{
    const char *err = svc_json_check(p, body, "trees", SVC_JT_STRING_ARRAY,
                                     SVC_JSON_REQUIRED);

    *names = NULL;
    if (err) {
        return err;
    }
    *names = dedupe(p, json_object_get(body, "trees"));
    return (*names)->nelts ? NULL : "trees must not be empty";
}

const char *ts_revert_parse(const char *arg, int *revert)
{
    const char *s = arg;
    int value = 0, digits = 0;

    *revert = 0;
    if (!arg) {
        return NULL;
    }
    if (*s == '+' || *s == '-') {
        s++;
    }
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        value = value > 1 ? 2 : value * 10 + (*s - '0'); /* saturates */
    }
    if (*s || digits == 0 || value > 1 || (value == 1 && *arg == '-')) {
        return "Unexpected value for `revert`.";
    }
    *revert = value;
    return NULL;
}

int ts_id_parse(const char *s, int *id)
{
    apr_int64_t v = 0;
    int n = 0;

    *id = 0;
    if (!s) {
        return 0;
    }
    for (; *s; s++, n++) {
        if (*s < '0' || *s > '9' || n >= 12) {
            return 0;
        }
        v = v * 10 + (*s - '0');
    }
    if (n == 0 || v > 2147483647) {
        return 0;
    }
    *id = (int)v;
    return 1;
}

int ts_tree_name_ok(const char *s)
{
    static const unsigned int min_cp[] = {0, 0x80, 0x800, 0x10000};
    const unsigned char *u = (const unsigned char *)s;
    int chars = 0;

    if (!s || !*s) {
        return 0;
    }
    while (*u) {
        unsigned int cp;
        int n, more;

        if (*u < 0x80)      { n = 0; cp = *u; }
        else if (*u < 0xC0) { return 0; } /* a stray continuation byte */
        else if (*u < 0xE0) { n = 1; cp = *u & 0x1F; }
        else if (*u < 0xF0) { n = 2; cp = *u & 0x0F; }
        else if (*u < 0xF8) { n = 3; cp = *u & 0x07; }
        else                { return 0; }
        u++;
        for (more = n; more > 0; more--, u++) {
            if ((*u & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (*u & 0x3F);
        }
        if (cp < min_cp[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            return 0; /* overlong, surrogate or beyond Unicode */
        }
        if (++chars > TS_TREE_NAME_MAX) {
            return 0;
        }
    }
    return 1;
}

char *ts_names_json(apr_pool_t *p, const apr_array_header_t *names)
{
    json_t *a = svc_json_own(p, json_array());
    int i;

    for (i = 0; i < names->nelts; i++) {
        json_array_append_new(a, svc_json_string_lossy(APR_ARRAY_IDX(names, i,
                                                                     const char *)));
    }
    return svc_json_dump(p, a, NULL);
}

const char *ts_names_join(apr_pool_t *p, const apr_array_header_t *names)
{
    apr_size_t len = 0, at = 0;
    char *out;
    int i;

    for (i = 0; i < names->nelts; i++) {
        len += strlen(APR_ARRAY_IDX(names, i, const char *)) + 2;
    }
    out = apr_palloc(p, len + 1);
    for (i = 0; i < names->nelts; i++) {
        const char *n = APR_ARRAY_IDX(names, i, const char *);
        apr_size_t l = strlen(n);
        if (i) {
            memcpy(out + at, ", ", 2);
            at += 2;
        }
        memcpy(out + at, n, l);
        at += l;
    }
    out[at] = '\0';
    return out;
}
