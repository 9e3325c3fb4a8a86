#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include "svc_json.h"

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

json_t *svc_json_own(apr_pool_t *p, json_t *j)
{
    if (j) {
        apr_pool_cleanup_register(p, j, json_cleanup, apr_pool_cleanup_null);
    }
    return j;
}

json_t *svc_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                       int want, const char **err)
{
    json_error_t jerr;
    json_t *j;

    *err = NULL;
    j = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                   &jerr);
    if (!j) {
        if (len > 0 && strstr(jerr.text, "duplicate object key")) {
            *err = "Request body is not valid JSON: duplicate object key";
        }
        else {
            *err = "Request body is not valid JSON";
        }
        return NULL;
    }
    svc_json_own(p, j);
    if (want == JSON_OBJECT && !json_is_object(j)) {
        *err = apr_psprintf(p, "%s is not of type 'object'", svc_json_repr(p, j));
        return NULL;
    }
    if (want == JSON_ARRAY && !json_is_array(j)) {
        *err = apr_psprintf(p, "%s is not of type 'array'", svc_json_repr(p, j));
        return NULL;
    }
    return j;
}

/* json_dump_callback's sink: a pool buffer that doubles (one pass over the
 * value instead of json_dumpb's measuring pass plus writing pass). */
typedef struct {
    apr_pool_t *p;
    char *buf;
    apr_size_t len, cap;
} dump_buf_t;

static int dump_add(const char *text, size_t n, void *data)
{
    dump_buf_t *b = data;

    if (b->len + n + 1 > b->cap) {
        apr_size_t cap = b->cap * 2;
        char *grown;
        while (b->len + n + 1 > cap) {
            cap *= 2;
        }
        grown = apr_palloc(b->p, cap);
        memcpy(grown, b->buf, b->len);
        b->buf = grown;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, text, n);
    b->len += n;
    return 0;
}

char *svc_json_dump(apr_pool_t *p, const json_t *j, apr_size_t *len)
{
    const size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY;
    dump_buf_t b = {p, NULL, 0, 1024};

    b.buf = apr_palloc(p, b.cap);
    if (json_dump_callback(j, dump_add, &b, flags) != 0) {
        b.len = 0; /* only a NULL value fails: the empty text, as before */
    }
    b.buf[b.len] = '\0';
    if (len) {
        *len = b.len;
    }
    return b.buf;
}

/* Length of the valid UTF-8 sequence starting at s (1-4), 0 if invalid. */
static apr_size_t utf8_seq(const unsigned char *s)
{
    apr_size_t n, i;

    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
    }
    else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
    }
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
    }
    else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* overlongs and surrogates: let jansson's strict check decide later */
    return n;
}

/* Bytes of s to keep so that at most max bytes are kept and no UTF-8
 * character is cut in the middle. */
static apr_size_t utf8_cut(const char *s, apr_size_t max)
{
    apr_size_t o = 0, n;

    while (s[o]) {
        n = utf8_seq((const unsigned char *)s + o);
        if (n == 0) {
            n = 1;
        }
        if (o + n > max) {
            break;
        }
        o += n;
    }
    return o;
}

#define REPR_MAX 64

typedef struct {
    char *buf;
} repr_buf_t;

static void repr_add(apr_pool_t *p, repr_buf_t **out, const char *text)
{
    (*out)->buf = apr_pstrcat(p, (*out)->buf, text, NULL);
}

/* Python's repr of a str: single quotes unless the text holds one and no
 * double quote. */
static const char *py_str(apr_pool_t *p, const char *s)
{
    int dq = strchr(s, '\'') && !strchr(s, '"');
    const char q[2] = {dq ? '"' : '\'', '\0'};
    char *o = apr_palloc(p, strlen(s) * 2 + 3), *w = o;

    *w++ = q[0];
    for (; *s; s++) {
        if (*s == '\\' || (!dq && *s == '\'')) {
            *w++ = '\\';
        }
        *w++ = *s;
    }
    *w++ = q[0];
    *w = '\0';
    return o;
}

static void repr_into(apr_pool_t *p, const json_t *j, repr_buf_t **out)
{
    size_t i;
    const char *key;
    json_t *v;
    int first = 1;

    switch (json_typeof(j)) {
    case JSON_STRING:
        repr_add(p, out, py_str(p, json_string_value(j)));
        break;
    case JSON_TRUE:
        repr_add(p, out, "True");
        break;
    case JSON_FALSE:
        repr_add(p, out, "False");
        break;
    case JSON_NULL:
        repr_add(p, out, "None");
        break;
    case JSON_ARRAY:
        repr_add(p, out, "[");
        for (i = 0; i < json_array_size(j); i++) {
            if (i) {
                repr_add(p, out, ", ");
            }
            repr_into(p, json_array_get(j, i), out);
        }
        repr_add(p, out, "]");
        break;
    case JSON_OBJECT:
        repr_add(p, out, "{");
        json_object_foreach((json_t *)j, key, v) {
            if (!first) {
                repr_add(p, out, ", ");
            }
            first = 0;
            repr_add(p, out, py_str(p, key));
            repr_add(p, out, ": ");
            repr_into(p, v, out);
        }
        repr_add(p, out, "}");
        break;
    default:
        repr_add(p, out, svc_json_dump(p, j, NULL));
        break;
    }
}

const char *svc_json_repr(apr_pool_t *p, const json_t *j)
{
    repr_buf_t b = {""}, *bp = &b;
    int quoted = json_is_string(j);
    const char *text;
    apr_size_t len, keep;

    repr_into(p, j, &bp);
    /* a string's limit applies to what is between its quotes */
    text = quoted ? b.buf + 1 : b.buf;
    len = strlen(text) - (quoted ? 1 : 0);
    if (len <= REPR_MAX) {
        return b.buf;
    }
    /* long values are cut (never inside a UTF-8 character) and marked */
    keep = utf8_cut(text, REPR_MAX - 3);
    return apr_pstrcat(p, quoted ? "'" : "", apr_pstrndup(p, text, keep),
                       quoted ? "...'" : "...", NULL);
}

static const char *type_name(svc_json_type t)
{
    switch (t) {
    case SVC_JT_STRING:  return "string";
    case SVC_JT_INTEGER: return "integer";
    case SVC_JT_BOOLEAN: return "boolean";
    case SVC_JT_OBJECT:  return "object";
    default:             return "array";
    }
}

const char *svc_json_check(apr_pool_t *p, const json_t *obj, const char *key,
                           svc_json_type type, int flags)
{
    const json_t *v = json_object_get(obj, key);
    size_t i;
    int ok;

    if (!v) {
        return (flags & SVC_JSON_REQUIRED)
            ? apr_psprintf(p, "'%s' is a required property", key) : NULL;
    }
    if (json_is_null(v) && (flags & SVC_JSON_NULLABLE)) {
        return NULL;
    }
    switch (type) {
    case SVC_JT_STRING:  ok = json_is_string(v); break;
    case SVC_JT_INTEGER: ok = json_is_integer(v); break;
    case SVC_JT_BOOLEAN: ok = json_is_boolean(v); break;
    case SVC_JT_OBJECT:  ok = json_is_object(v); break;
    default:             ok = json_is_array(v); break;
    }
    if (!ok) {
        return apr_psprintf(p, "%s is not of type '%s' - '%s'",
                            svc_json_repr(p, v), type_name(type), key);
    }
    if (type == SVC_JT_STRING_ARRAY) {
        for (i = 0; i < json_array_size(v); i++) {
            const json_t *item = json_array_get(v, i);
            if (!json_is_string(item)) {
                return apr_psprintf(p, "%s is not of type 'string' - '%s.%lu'",
                                    svc_json_repr(p, item), key,
                                    (unsigned long)i);
            }
        }
    }
    return NULL;
}

const char *svc_json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

json_t *svc_json_string_lossy(const char *s)
{
    json_t *j = json_string(s);
    apr_size_t len, o = 0, w = 0, n;
    char *copy;

    if (j || !s) {
        return j;
    }
    /* rare path: keep valid UTF-8, replace each invalid byte with '?' */
    len = strlen(s);
    copy = malloc(len + 1);
    if (!copy) {
        return json_string("?");
    }
    while (o < len) {
        n = utf8_seq((const unsigned char *)s + o);
        if (n == 0) {
            copy[w++] = '?';
            o++;
            continue;
        }
        memcpy(copy + w, s + o, n);
        w += n;
        o += n;
    }
    copy[w] = '\0';
    j = json_string(copy);
    if (!j) {
        /* valid-looking sequences jansson still refuses (surrogates...) */
        for (o = 0; o < w; o++) {
            if ((unsigned char)copy[o] >= 0x80) {
                copy[o] = '?';
            }
        }
        j = json_string(copy);
    }
    free(copy);
    return j;
}
