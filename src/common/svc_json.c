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
    j = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES, &jerr);
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

char *svc_json_dump(apr_pool_t *p, const json_t *j, apr_size_t *len)
{
    const size_t flags = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY;
    size_t n = json_dumpb(j, NULL, 0, flags);
    char *out = apr_palloc(p, n + 1);

    if (n > 0) {
        json_dumpb(j, out, n, flags);
    }
    out[n] = '\0';
    if (len) {
        *len = n;
    }
    return out;
}

const char *svc_json_repr(apr_pool_t *p, const json_t *j)
{
    const char *s;

    switch (json_typeof(j)) {
    case JSON_STRING:
        s = json_string_value(j);
        if (strlen(s) > 64) {
            return apr_psprintf(p, "'%.61s...'", s);
        }
        return apr_psprintf(p, "'%s'", s);
    case JSON_TRUE:
        return "True";
    case JSON_FALSE:
        return "False";
    case JSON_NULL:
        return "None";
    default:
        s = svc_json_dump(p, j, NULL);
        if (strlen(s) > 64) {
            return apr_psprintf(p, "%.61s...", s);
        }
        return s;
    }
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
    char *copy, *c;

    if (j || !s) {
        return j;
    }
    /* rare path: replace every non-ASCII byte rather than decode UTF-8 here */
    copy = strdup(s);
    if (!copy) {
        return json_string("?");
    }
    for (c = copy; *c; c++) {
        if ((unsigned char)*c >= 0x80) {
            *c = '?';
        }
    }
    j = json_string(copy);
    free(copy);
    return j;
}
