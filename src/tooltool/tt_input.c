#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include "svc_json.h"
#include "tt_input.h"
#include "tt_sha512.h"
#include "svc_hex.h"

const char *const tt_visibilities[] = {"public", "internal", NULL};
static const char *const op_names[] = {"set_visibility", "delete_instances",
                                       NULL};

/* ---- query strings ----------------------------------------------------- */

/* application/x-www-form-urlencoded name: %XX and '+'; a malformed escape
 * is kept as is (werkzeug does the same). */
static char *form_decode(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *out = apr_palloc(p, n + 1), *w = out;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            *w++ = ' ';
        }
        else if (s[i] == '%' && i + 2 < n && svc_hexval(s[i + 1]) >= 0
                 && svc_hexval(s[i + 2]) >= 0) {
            *w++ = (char)(svc_hexval(s[i + 1]) * 16 + svc_hexval(s[i + 2]));
            i += 2;
        }
        else {
            *w++ = s[i];
        }
    }
    *w = '\0';
    return out;
}

static int in_list(const char *name, const char *const *list)
{
    for (; list && *list; list++) {
        if (!strcmp(name, *list)) {
            return 1;
        }
    }
    return 0;
}

const char *tt_query_check(apr_pool_t *p, const char *args,
                           const char *const *allowed, const char *required)
{
    apr_array_header_t *extra = apr_array_make(p, 2, sizeof(const char *));
    const char *s = args;
    int found = 0, i;

    while (s && *s) {
        const char *end = strchr(s, '&');
        apr_size_t n = end ? (apr_size_t)(end - s) : strlen(s);
        const char *eq = memchr(s, '=', n);
        apr_size_t klen = eq ? (apr_size_t)(eq - s) : n;

        if (n > 0) {
            const char *name = form_decode(p, s, klen);
            if (required && !strcmp(name, required)) {
                found = 1;
            }
            else if (!in_list(name, allowed)) {
                int seen = 0;
                for (i = 0; i < extra->nelts; i++) {
                    seen |= !strcmp(APR_ARRAY_IDX(extra, i, const char *), name);
                }
                if (!seen) {
                    APR_ARRAY_PUSH(extra, const char *) = name;
                }
            }
        }
        s = end ? end + 1 : NULL;
    }
    if (extra->nelts) {
        const char *names = APR_ARRAY_IDX(extra, 0, const char *);
        for (i = 1; i < extra->nelts; i++) {
            names = apr_pstrcat(p, names, ", ",
                                APR_ARRAY_IDX(extra, i, const char *), NULL);
        }
        /* connexion's text, names joined by ", " */
        return apr_psprintf(p, "Extra query parameter(s) %s not in spec", names);
    }
    if (required && !found) {
        return apr_psprintf(p, "Missing query parameter '%s'", required);
    }
    return NULL;
}

/* Length of the valid UTF-8 sequence at s (1-4), 0 if it is not one
 * (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
static apr_size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    }
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80
            || (s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f)) {
            return 0;
        }
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80
            || (s[3] & 0xc0) != 0x80 || (s[0] == 0xf0 && s[1] < 0x90)
            || (s[0] == 0xf4 && s[1] > 0x8f)) {
            return 0;
        }
        return 4;
    }
    return 0;
}

const char *tt_utf8_clean(apr_pool_t *p, const char *s)
{
    const unsigned char *c;
    char *out, *w;
    apr_size_t n;

    if (!s) {
        return NULL;
    }
    for (c = (const unsigned char *)s; *c; c += n) {
        if (!(n = utf8_len(c))) {
            break;
        }
    }
    if (!*c) {
        return s; /* the common case: nothing to copy */
    }
    w = out = apr_palloc(p, strlen(s) * 3 + 1);
    for (c = (const unsigned char *)s; *c; c += n) {
        if ((n = utf8_len(c))) {
            memcpy(w, c, n);
            w += n;
        }
        else {
            memcpy(w, "\xef\xbf\xbd", 3);
            w += 3;
            n = 1;
        }
    }
    *w = '\0';
    return out;
}

int tt_batch_id_parse(const char *s, int *id)
{
    apr_int64_t v = 0;
    int neg = 0, n = 0;

    if (*s == '+' || *s == '-') {
        neg = *s++ == '-';
    }
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 12) {
            return 0;
        }
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0 || (neg ? -v < -2147483647 - 1 : v > 2147483647)) {
        return 0;
    }
    *id = (int)(neg ? -v : v);
    return 1;
}

/* ---- jsonschema-style checks ------------------------------------------- */

/* " - 'a.b'" as connexion appends the failing element's path; "" at the
 * top level. */
static const char *at(apr_pool_t *p, const char *path)
{
    return path && *path ? apr_psprintf(p, " - '%s'", path) : "";
}

static const char *join_path(apr_pool_t *p, const char *path, const char *key)
{
    return path && *path ? apr_pstrcat(p, path, ".", key, NULL) : key;
}

static const char *type_name(int type)
{
    switch (type) {
    case JSON_STRING:  return "string";
    case JSON_INTEGER: return "integer";
    case JSON_TRUE:    return "boolean";
    case JSON_ARRAY:   return "array";
    default:           return "object";
    }
}

static int has_type(const json_t *v, int type)
{
    switch (type) {
    case JSON_STRING:  return json_is_string(v);
    case JSON_INTEGER: return json_is_integer(v);
    case JSON_TRUE:    return json_is_boolean(v);
    case JSON_ARRAY:   return json_is_array(v);
    default:           return json_is_object(v);
    }
}

/* "<repr> is not of type '<t>' - '<path>'" or NULL */
static const char *type_check(apr_pool_t *p, const json_t *v, int type,
                              const char *path)
{
    if (has_type(v, type)) {
        return NULL;
    }
    return apr_psprintf(p, "%s is not of type '%s'%s", svc_json_repr(p, v),
                        type_name(type), at(p, path));
}

/* "<repr> is not one of ['a', 'b'] - '<path>'" or NULL */
static const char *enum_check(apr_pool_t *p, const json_t *v,
                              const char *const *allowed, const char *path)
{
    const char *s = json_string_value(v), *list = NULL;
    int i;

    for (i = 0; allowed[i]; i++) {
        if (s && !strcmp(s, allowed[i])) {
            return NULL;
        }
        list = apr_psprintf(p, "%s%s'%s'", list ? list : "", list ? ", " : "",
                            allowed[i]);
    }
    return apr_psprintf(p, "%s is not one of [%s]%s", svc_json_repr(p, v), list,
                        at(p, path));
}

static const char *required(apr_pool_t *p, const json_t *obj,
                            const char *const *keys, const char *path)
{
    for (; *keys; keys++) {
        if (!json_object_get(obj, *keys)) {
            return apr_psprintf(p, "'%s' is a required property%s", *keys,
                                at(p, path));
        }
    }
    return NULL;
}

typedef struct {
    const char *key;
    int type;                      /* JSON_STRING ... as in type_name() */
    const char *const *allowed;    /* enum, or NULL */
} prop_t;

/* The `properties` of a schema, in the schema's order (jsonschema reports
 * the first failing one): type first, then enum. */
static const char *props(apr_pool_t *p, const json_t *obj, const prop_t *list,
                         const char *path)
{
    const char *err;

    for (; list->key; list++) {
        const json_t *v = json_object_get(obj, list->key);
        const char *vpath;

        if (!v) {
            continue;
        }
        vpath = join_path(p, path, list->key);
        if ((err = type_check(p, v, list->type, vpath))) {
            return err;
        }
        if (list->allowed && (err = enum_check(p, v, list->allowed, vpath))) {
            return err;
        }
    }
    return NULL;
}

/* api.yml's File (upload entries): required [visibility]. */
static const prop_t file_props[] = {
    {"size", JSON_INTEGER, NULL},
    {"digest", JSON_STRING, NULL},
    {"algorithm", JSON_STRING, NULL},
    {"visibility", JSON_STRING, tt_visibilities},
    {"has_instances", JSON_TRUE, NULL},
    {"instances", JSON_ARRAY, NULL},
    {"get_url", JSON_STRING, NULL},
    {"put_url", JSON_STRING, NULL},
    {NULL, 0, NULL}
};

/* api.yml's UploadBatch: required [message, files]. */
static const prop_t batch_props[] = {
    {"id", JSON_INTEGER, NULL},
    {"uploaded", JSON_STRING, NULL},
    {"author", JSON_STRING, NULL},
    {"message", JSON_STRING, NULL},
    {"files", JSON_OBJECT, NULL},
    {NULL, 0, NULL}
};

static const char *batch_schema(apr_pool_t *p, json_t *body)
{
    static const char *const batch_required[] = {"message", "files", NULL};
    static const char *const file_required[] = {"visibility", NULL};
    const char *err, *name;
    json_t *files, *entry;

    if ((err = required(p, body, batch_required, NULL))
        || (err = props(p, body, batch_props, NULL))) {
        return err;
    }
    files = json_object_get(body, "files");
    json_object_foreach(files, name, entry) {
        const char *path = apr_pstrcat(p, "files.", name, NULL);
        const json_t *instances;
        size_t i;

        if ((err = type_check(p, entry, JSON_OBJECT, path))
            || (err = required(p, entry, file_required, path))
            || (err = props(p, entry, file_props, path))) {
            return err;
        }
        instances = json_object_get(entry, "instances");
        for (i = 0; i < json_array_size(instances); i++) {
            if ((err = type_check(p, json_array_get(instances, i), JSON_STRING,
                                  apr_psprintf(p, "%s.instances.%lu", path,
                                               (unsigned long)i)))) {
                return err;
            }
        }
    }
    return NULL;
}

/* ---- POST /upload ------------------------------------------------------ */

const char *tt_upload_parse(apr_pool_t *p, json_t *body, tt_upload_t *u)
{
    const char *err, *name;
    json_t *files, *entry;

    if ((err = batch_schema(p, body))) {
        return err;
    }
    u->message = json_string_value(json_object_get(body, "message"));
    if (!*u->message) {
        return "message must be non-empty";
    }
    files = json_object_get(body, "files");
    if (json_object_size(files) == 0) {
        return "a batch must include at least one file";
    }
    if (json_object_get(body, "author")) {
        return "Author must NOT be specified for upload.";
    }
    u->files = apr_array_make(p, (int)json_object_size(files),
                              sizeof(tt_upload_file_t));
    u->visibilities = apr_array_make(p, 2, sizeof(const char *));
    /* jansson keeps insertion order: body order, as upstream iterated */
    json_object_foreach(files, name, entry) {
        tt_upload_file_t *f = apr_array_push(u->files);
        int i, seen = 0;

        memset(f, 0, sizeof(*f));
        f->filename = name;
        f->entry = entry;
        f->visibility = json_string_value(json_object_get(entry, "visibility"));
        for (i = 0; i < u->visibilities->nelts; i++) {
            seen |= !strcmp(APR_ARRAY_IDX(u->visibilities, i, const char *),
                            f->visibility);
        }
        if (!seen) {
            APR_ARRAY_PUSH(u->visibilities, const char *) = f->visibility;
        }
    }
    return NULL;
}

const char *tt_upload_file_check(apr_pool_t *p, tt_upload_file_t *f,
                                 apr_hash_t *seen)
{
    static const char *const keys[] = {"algorithm", "digest", "size", NULL};
    int i;

    /* upstream read them in this order and crashed (500) on a missing one */
    for (i = 0; keys[i]; i++) {
        if (!json_object_get(f->entry, keys[i])) {
            return apr_psprintf(p, "file %s is missing %s", f->filename,
                                keys[i]);
        }
    }
    f->algorithm = json_string_value(json_object_get(f->entry, "algorithm"));
    f->digest = json_string_value(json_object_get(f->entry, "digest"));
    f->size = json_integer_value(json_object_get(f->entry, "size"));
    if (strcmp(f->algorithm, "sha512")) {
        return "`sha512` is the only allowed digest algorithm";
    }
    if (!tt_digest_valid(f->digest)) {
        return "Invalid sha512 digest";
    }
    if (apr_hash_get(seen, f->digest, APR_HASH_KEY_STRING)) {
        /* the batch_files primary key (file, batch) allows one name each */
        return apr_psprintf(p, "duplicate digest %s in batch", f->digest);
    }
    apr_hash_set(seen, f->digest, APR_HASH_KEY_STRING, f->filename);
    if (f->size < 0) {
        return "size must be non-negative";
    }
    return NULL;
}

/* ---- PATCH /file/sha512/{digest} --------------------------------------- */

const char *tt_patch_parse(apr_pool_t *p, json_t *body,
                           apr_array_header_t **ops)
{
    static const char *const op_required[] = {"op", NULL};
    static const prop_t op_props[] = {
        {"op", JSON_STRING, op_names},
        {"visibility", JSON_STRING, tt_visibilities},
        {NULL, 0, NULL}
    };
    const char *err;
    size_t i;

    if ((err = type_check(p, body, JSON_ARRAY, NULL))) {
        return err;
    }
    *ops = apr_array_make(p, (int)json_array_size(body) + 1, sizeof(tt_op_t));
    for (i = 0; i < json_array_size(body); i++) {
        const json_t *item = json_array_get(body, i);
        const char *path = apr_psprintf(p, "%lu", (unsigned long)i);
        tt_op_t *op;

        if ((err = type_check(p, item, JSON_OBJECT, path))
            || (err = required(p, item, op_required, path))
            || (err = props(p, item, op_props, path))) {
            return err;
        }
        op = apr_array_push(*ops);
        op->kind = strcmp(json_string_value(json_object_get(item, "op")),
                          "set_visibility") ? TT_OP_DELETE_INSTANCES
                                            : TT_OP_SET_VISIBILITY;
        op->visibility = json_string_value(json_object_get(item, "visibility"));
    }
    return NULL;
}

const char *tt_patch_check(apr_pool_t *p, const apr_array_header_t *ops)
{
    int i;

    (void)p;
    for (i = 0; i < ops->nelts; i++) {
        const tt_op_t *op = &APR_ARRAY_IDX(ops, i, tt_op_t);
        if (op->kind == TT_OP_SET_VISIBILITY && !op->visibility) {
            return "visibility is required for set_visibility";
        }
    }
    return NULL;
}
