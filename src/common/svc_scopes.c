/* Taskcluster scopes: matching, expressions, normalization, roles.
 * See svc_scopes.h for the semantics and where they come from. */
#include <stdlib.h>
#include <string.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include "svc_scopes.h"

#define ASSUME "assume:"
#define ASSUME_LEN (sizeof(ASSUME) - 1)
#define PARAM "<..>"
#define PARAM_LEN (sizeof(PARAM) - 1)

static int ends_star(const char *s, apr_size_t len)
{
    return len > 0 && s[len - 1] == '*';
}

int svc_scope_valid(const char *scope)
{
    const unsigned char *c;

    if (!scope) {
        return 0;
    }
    for (c = (const unsigned char *)scope; *c; c++) {
        if (*c < 0x20 || *c > 0x7e) {
            return 0;
        }
    }
    return 1;
}

int svc_scope_match(const char *held, const char *required)
{
    apr_size_t n = strlen(held);

    if (strcmp(held, required) == 0) {
        return 1;
    }
    return ends_star(held, n) && strncmp(required, held, n - 1) == 0;
}

int svc_scopes_match_any(const apr_array_header_t *held,
                         const char *required)
{
    int i;

    for (i = 0; held && i < held->nelts; i++) {
        if (svc_scope_match(APR_ARRAY_IDX(held, i, const char *), required)) {
            return 1;
        }
    }
    return 0;
}

/* ---- expressions ------------------------------------------------------ */

svc_scope_expr_t *svc_scope_expr_scope(apr_pool_t *p, const char *scope)
{
    svc_scope_expr_t *e = apr_pcalloc(p, sizeof(*e));

    e->type = SVC_SCOPE_EXPR_SCOPE;
    e->scope = apr_pstrdup(p, scope);
    return e;
}

static svc_scope_expr_t *expr_list(apr_pool_t *p, svc_scope_expr_type_e type,
                                   const apr_array_header_t *kids)
{
    svc_scope_expr_t *e = apr_pcalloc(p, sizeof(*e));

    e->type = type;
    e->nkids = kids->nelts;
    e->kids = (const svc_scope_expr_t **)kids->elts;
    return e;
}

const char *svc_scope_expr_parse(apr_pool_t *p, const char *text,
                                 svc_scope_expr_t **out)
{
    apr_array_header_t *anyof = apr_array_make(p, 2, sizeof(void *));
    apr_array_header_t *allof = apr_array_make(p, 2, sizeof(void *));
    const char *c = text ? text : "";

    for (;;) {
        while (*c == ' ' || *c == '\t') {
            c++;
        }
        if (*c == '|' || *c == '\0') {
            if (allof->nelts == 0) {
                return apr_psprintf(p, "empty alternative in scope "
                                    "expression '%s'", text ? text : "");
            }
            APR_ARRAY_PUSH(anyof, svc_scope_expr_t *) =
                allof->nelts == 1
                    ? APR_ARRAY_IDX(allof, 0, svc_scope_expr_t *)
                    : expr_list(p, SVC_SCOPE_EXPR_ALLOF, allof);
            if (*c == '\0') {
                break;
            }
            allof = apr_array_make(p, 2, sizeof(void *));
            c++;
        }
        else {
            const char *start = c;
            char *scope;

            while (*c && *c != ' ' && *c != '\t' && *c != '|') {
                c++;
            }
            scope = apr_pstrmemdup(p, start, c - start);
            if (!svc_scope_valid(scope)) {
                return apr_psprintf(p, "invalid scope in scope expression "
                                    "'%s' (printable ASCII only)", text);
            }
            APR_ARRAY_PUSH(allof, svc_scope_expr_t *) =
                svc_scope_expr_scope(p, scope);
        }
    }
    *out = anyof->nelts == 1 ? APR_ARRAY_IDX(anyof, 0, svc_scope_expr_t *)
                             : expr_list(p, SVC_SCOPE_EXPR_ANYOF, anyof);
    return NULL;
}

static const char *expr_from_json(apr_pool_t *p, const json_t *j, int depth,
                                  svc_scope_expr_t **out);

static const char *expr_json_list(apr_pool_t *p, const json_t *arr,
                                  svc_scope_expr_type_e type, int depth,
                                  svc_scope_expr_t **out)
{
    apr_array_header_t *kids;
    size_t i;
    const char *err;

    if (!json_is_array(arr)) {
        return "AnyOf/AllOf must hold an array";
    }
    kids = apr_array_make(p, (int)json_array_size(arr) + 1, sizeof(void *));
    for (i = 0; i < json_array_size(arr); i++) {
        svc_scope_expr_t *kid;

        err = expr_from_json(p, json_array_get(arr, i), depth + 1, &kid);
        if (err) {
            return err;
        }
        APR_ARRAY_PUSH(kids, svc_scope_expr_t *) = kid;
    }
    *out = expr_list(p, type, kids);
    return NULL;
}

/* The legacy [["a", "b"], ["c"]] form: any-of of all-of of plain scopes. */
static const char *expr_json_legacy(apr_pool_t *p, const json_t *arr,
                                    svc_scope_expr_t **out)
{
    apr_array_header_t *anyof = apr_array_make(p, 2, sizeof(void *));
    size_t i, k;

    for (i = 0; i < json_array_size(arr); i++) {
        const json_t *set = json_array_get(arr, i);
        apr_array_header_t *allof;

        if (!json_is_array(set)) {
            return "a scope-set list must be an array of arrays of scopes";
        }
        allof = apr_array_make(p, (int)json_array_size(set) + 1,
                               sizeof(void *));
        for (k = 0; k < json_array_size(set); k++) {
            const json_t *s = json_array_get(set, k);

            if (!json_is_string(s) || !svc_scope_valid(json_string_value(s))) {
                return "a scope-set list must be an array of arrays of "
                       "valid scopes";
            }
            APR_ARRAY_PUSH(allof, svc_scope_expr_t *) =
                svc_scope_expr_scope(p, json_string_value(s));
        }
        APR_ARRAY_PUSH(anyof, svc_scope_expr_t *) =
            expr_list(p, SVC_SCOPE_EXPR_ALLOF, allof);
    }
    *out = expr_list(p, SVC_SCOPE_EXPR_ANYOF, anyof);
    return NULL;
}

static const char *expr_from_json(apr_pool_t *p, const json_t *j, int depth,
                                  svc_scope_expr_t **out)
{
    const json_t *v;

    /* Expressions come from configuration, but never trust recursion. */
    if (depth > 32) {
        return "scope expression nested too deeply";
    }
    if (json_is_string(j)) {
        if (!svc_scope_valid(json_string_value(j))) {
            return "invalid scope (printable ASCII only)";
        }
        *out = svc_scope_expr_scope(p, json_string_value(j));
        return NULL;
    }
    if (json_is_array(j) && depth == 0) {
        return expr_json_legacy(p, j, out);
    }
    if (json_is_object(j) && json_object_size(j) == 1) {
        if ((v = json_object_get(j, "AnyOf")) != NULL) {
            return expr_json_list(p, v, SVC_SCOPE_EXPR_ANYOF, depth, out);
        }
        if ((v = json_object_get(j, "AllOf")) != NULL) {
            return expr_json_list(p, v, SVC_SCOPE_EXPR_ALLOF, depth, out);
        }
    }
    return "a scope expression is a scope, {\"AnyOf\": [...]} or "
           "{\"AllOf\": [...]}";
}

const char *svc_scope_expr_from_json(apr_pool_t *p, const json_t *json,
                                     svc_scope_expr_t **out)
{
    return expr_from_json(p, json, 0, out);
}

json_t *svc_scope_expr_to_json(const svc_scope_expr_t *expr)
{
    json_t *arr;
    int i;

    if (expr->type == SVC_SCOPE_EXPR_SCOPE) {
        return json_string(expr->scope);
    }
    arr = json_array();
    for (i = 0; i < expr->nkids; i++) {
        json_array_append_new(arr, svc_scope_expr_to_json(expr->kids[i]));
    }
    return json_pack("{s:o}", expr->type == SVC_SCOPE_EXPR_ALLOF
                                  ? "AllOf" : "AnyOf", arr);
}

int svc_scopes_satisfy(const apr_array_header_t *held,
                       const svc_scope_expr_t *required)
{
    int i;

    switch (required->type) {
    case SVC_SCOPE_EXPR_SCOPE:
        return svc_scopes_match_any(held, required->scope);
    case SVC_SCOPE_EXPR_ALLOF:
        for (i = 0; i < required->nkids; i++) {
            if (!svc_scopes_satisfy(held, required->kids[i])) {
                return 0;
            }
        }
        return 1;
    case SVC_SCOPE_EXPR_ANYOF:
        for (i = 0; i < required->nkids; i++) {
            if (svc_scopes_satisfy(held, required->kids[i])) {
                return 1;
            }
        }
        return 0;
    }
    return 0;
}

const svc_scope_expr_t *svc_scopes_missing(apr_pool_t *p,
                                           const apr_array_header_t *held,
                                           const svc_scope_expr_t *required)
{
    apr_array_header_t *kids;
    int i;

    if (required->type == SVC_SCOPE_EXPR_SCOPE) {
        return svc_scopes_match_any(held, required->scope) ? NULL : required;
    }
    kids = apr_array_make(p, required->nkids + 1, sizeof(void *));
    for (i = 0; i < required->nkids; i++) {
        const svc_scope_expr_t *m = svc_scopes_missing(p, held,
                                                       required->kids[i]);

        if (m) {
            APR_ARRAY_PUSH(kids, const svc_scope_expr_t *) = m;
        }
        else if (required->type == SVC_SCOPE_EXPR_ANYOF) {
            return NULL; /* one satisfied alternative is enough */
        }
    }
    if (required->type == SVC_SCOPE_EXPR_ALLOF && kids->nelts == 0) {
        return NULL;
    }
    if (kids->nelts == 1) {
        return APR_ARRAY_IDX(kids, 0, const svc_scope_expr_t *);
    }
    return expr_list(p, required->type, kids);
}

/* ---- normalization ---------------------------------------------------- */

int svc_scope_compare(const char *a, const char *b)
{
    apr_size_t la = strlen(a), lb = strlen(b);
    int astar = ends_star(a, la), bstar = ends_star(b, lb);
    int c;

    /* Compare without the trailing stars, so that `P*` lands right before
     * `P` and both before `P<more>`: a normalizer can then drop everything
     * a star scope implies in one forward pass. */
    la -= astar;
    lb -= bstar;
    c = memcmp(a, b, la < lb ? la : lb);
    if (c != 0) {
        return c < 0 ? -1 : 1;
    }
    if (la != lb) {
        return la < lb ? -1 : 1;
    }
    if (astar != bstar) {
        return astar ? -1 : 1;
    }
    return 0;
}

static int compare_ptr(const void *a, const void *b)
{
    return svc_scope_compare(*(const char *const *)a, *(const char *const *)b);
}

apr_array_header_t *svc_scopes_normalize(apr_pool_t *p,
                                         const apr_array_header_t *scopes)
{
    apr_array_header_t *sorted, *out;
    int i = 0, n;

    sorted = scopes ? apr_array_copy(p, scopes)
                    : apr_array_make(p, 1, sizeof(const char *));
    n = sorted->nelts;
    qsort(sorted->elts, n, sizeof(const char *), compare_ptr);
    out = apr_array_make(p, n + 1, sizeof(const char *));
    while (i < n) {
        const char *s = APR_ARRAY_IDX(sorted, i, const char *);
        apr_size_t len = strlen(s);

        APR_ARRAY_PUSH(out, const char *) = s;
        i++;
        while (i < n && strcmp(APR_ARRAY_IDX(sorted, i, const char *), s) == 0) {
            i++;
        }
        if (ends_star(s, len)) {
            while (i < n && strncmp(APR_ARRAY_IDX(sorted, i, const char *),
                                    s, len - 1) == 0) {
                i++;
            }
        }
    }
    return out;
}

/* ---- roles ------------------------------------------------------------ */

/* A scope of a star role containing `<..>`, split around it. */
typedef struct {
    const char *prefix;
    const char *suffix;
} param_scope_t;

/* One role as the rule "scope matching `pattern` grants these scopes". */
typedef struct {
    const char *pattern;          /* "assume:" + role id */
    apr_size_t plen;
    int star;                     /* pattern ends in `*` (prefix rule) */
    apr_array_header_t *matched;  /* const char *: granted as they are */
    apr_array_header_t *paramed;  /* param_scope_t: `<..>` substituted */
} role_rule_t;

struct svc_roles_t {
    apr_pool_t *pool;
    apr_array_header_t *rules;    /* role_rule_t * */
    apr_hash_t *ids;
};

svc_roles_t *svc_roles_make(apr_pool_t *p)
{
    svc_roles_t *roles = apr_pcalloc(p, sizeof(*roles));

    roles->pool = p;
    roles->rules = apr_array_make(p, 8, sizeof(role_rule_t *));
    roles->ids = apr_hash_make(p);
    return roles;
}

int svc_roles_count(const svc_roles_t *roles)
{
    return roles ? roles->rules->nelts : 0;
}

/* Does `scope` (as a held scope) name this rule's pattern, and with which
 * parameter? This is the auth service's trie walk for one rule:
 *  - plain pattern: the scope equals it, or the scope is `X*` and the
 *    pattern starts with X;
 *  - pattern `Q*`: the scope starts with Q (parameter = the rest of the
 *    scope, a trailing `*` included), or the scope is `X*` and Q starts
 *    with X (parameter = `*`). */
static int rule_match(const role_rule_t *r, const char *scope,
                      const char **param)
{
    apr_size_t n = strlen(scope);
    int kleene = ends_star(scope, n);
    apr_size_t base = kleene ? n - 1 : n;
    apr_size_t q;

    if (!r->star) {
        if (!kleene) {
            return strcmp(scope, r->pattern) == 0;
        }
        return r->plen >= base && memcmp(r->pattern, scope, base) == 0;
    }
    q = r->plen - 1;
    if (base >= q && memcmp(scope, r->pattern, q) == 0) {
        *param = scope + q;
        return 1;
    }
    if (kleene && q >= base && memcmp(r->pattern, scope, base) == 0) {
        *param = "*";
        return 1;
    }
    return 0;
}

/* Substitute a parameter; one ending in `*` swallows the suffix, since the
 * result is then a star scope covering every possible suffix. */
static const char *param_subst(apr_pool_t *p, const param_scope_t *ps,
                               const char *param)
{
    if (ends_star(param, strlen(param))) {
        return apr_pstrcat(p, ps->prefix, param, NULL);
    }
    return apr_pstrcat(p, ps->prefix, param, ps->suffix, NULL);
}

/* Could this held scope name any role at all? Every pattern starts with
 * "assume:", so only scopes starting with it, or star scopes whose prefix
 * is a prefix of it (`*`, `a*`, ..., `assume*`), can. */
static int could_assume(const char *s)
{
    apr_size_t n = strlen(s);

    if (strncmp(s, ASSUME, ASSUME_LEN) == 0) {
        return 1;
    }
    return ends_star(s, n) && n - 1 <= ASSUME_LEN
           && strncmp(ASSUME, s, n - 1) == 0;
}

/* Rules this rule can feed, assuming the worst parameter (`*`), as the
 * auth service's dependencyOrdering does. */
static int rule_feeds(apr_pool_t *p, const role_rule_t *from,
                      const role_rule_t *to)
{
    const char *param;
    int i;

    for (i = 0; i < from->matched->nelts; i++) {
        if (rule_match(to, APR_ARRAY_IDX(from->matched, i, const char *),
                       &param)) {
            return 1;
        }
    }
    for (i = 0; i < from->paramed->nelts; i++) {
        const param_scope_t *ps = &APR_ARRAY_IDX(from->paramed, i,
                                                 param_scope_t);

        if (rule_match(to, apr_pstrcat(p, ps->prefix, "*", NULL), &param)) {
            return 1;
        }
    }
    return 0;
}

/* Depth-first search for a path from `at` back to `target`; on success
 * `path` holds the rules walked (target first). `state` marks visited. */
static int find_cycle(apr_pool_t *p, const svc_roles_t *roles,
                      const role_rule_t *at, const role_rule_t *target,
                      char *state, apr_array_header_t *path)
{
    int i;

    APR_ARRAY_PUSH(path, const role_rule_t *) = at;
    for (i = 0; i < roles->rules->nelts; i++) {
        const role_rule_t *next = APR_ARRAY_IDX(roles->rules, i,
                                                const role_rule_t *);

        if (!rule_feeds(p, at, next)) {
            continue;
        }
        if (next == target) {
            return 1;
        }
        if (!state[i]) {
            state[i] = 1;
            if (find_cycle(p, roles, next, target, state, path)) {
                return 1;
            }
        }
    }
    apr_array_pop(path);
    return 0;
}

static const char *rule_build(apr_pool_t *p, const char *role_id,
                              const char *const *scopes, int nscopes,
                              role_rule_t **out)
{
    role_rule_t *r = apr_pcalloc(p, sizeof(*r));
    int i;

    if (!role_id || !*role_id || !svc_scope_valid(role_id)) {
        return apr_psprintf(p, "invalid role id '%s' (non-empty printable "
                            "ASCII)", role_id ? role_id : "");
    }
    r->pattern = apr_pstrcat(p, ASSUME, role_id, NULL);
    r->plen = strlen(r->pattern);
    r->star = ends_star(r->pattern, r->plen);
    r->matched = apr_array_make(p, nscopes + 1, sizeof(const char *));
    r->paramed = apr_array_make(p, 1, sizeof(param_scope_t));
    for (i = 0; i < nscopes; i++) {
        const char *s = scopes[i], *at;

        if (!svc_scope_valid(s)) {
            return apr_psprintf(p, "role '%s': invalid scope '%s' "
                                "(printable ASCII only)", role_id,
                                s ? s : "(null)");
        }
        /* `<..>` only means something in a prefix role. */
        if (r->star && (at = strstr(s, PARAM)) != NULL) {
            param_scope_t *ps = apr_array_push(r->paramed);

            ps->prefix = apr_pstrmemdup(p, s, at - s);
            ps->suffix = apr_pstrdup(p, at + PARAM_LEN);
            if (strstr(ps->suffix, PARAM)) {
                return apr_psprintf(p, "role '%s': parameterized scope '%s' "
                                    "contains multiple '<..>'", role_id, s);
            }
            if (!*ps->suffix && ends_star(ps->prefix, strlen(ps->prefix))) {
                return apr_psprintf(p, "role '%s': parameterized scope '%s' "
                                    "ends with '*<..>' which implies an "
                                    "ambiguous kleene", role_id, s);
            }
        }
        else {
            APR_ARRAY_PUSH(r->matched, const char *) = apr_pstrdup(p, s);
        }
    }
    *out = r;
    return NULL;
}

const char *svc_roles_add(svc_roles_t *roles, const char *role_id,
                          const char *const *scopes, int nscopes)
{
    apr_pool_t *p = roles->pool, *tmp;
    role_rule_t *r = NULL;
    apr_array_header_t *path;
    const char *err;
    char *state;
    int i;

    err = rule_build(p, role_id, scopes, nscopes, &r);
    if (err) {
        return err;
    }
    if (apr_hash_get(roles->ids, role_id, APR_HASH_KEY_STRING)) {
        return apr_psprintf(p, "role '%s' is defined twice", role_id);
    }

    /* The table was acyclic before, so a new cycle must go through the new
     * rule: look for a path from it back to itself. Cycles are refused
     * rather than cut at a fixpoint because parameterized roles could make
     * the expansion grow without end (a* -> assume:aa<..>). */
    apr_pool_create(&tmp, p);
    APR_ARRAY_PUSH(roles->rules, role_rule_t *) = r;
    state = apr_pcalloc(tmp, roles->rules->nelts);
    path = apr_array_make(tmp, 8, sizeof(const role_rule_t *));
    if (find_cycle(tmp, roles, r, r, state, path)) {
        char *msg = "";

        for (i = 0; i < path->nelts; i++) {
            msg = apr_pstrcat(tmp, msg, "'", APR_ARRAY_IDX(path, i,
                              const role_rule_t *)->pattern, "' -> ", NULL);
        }
        err = apr_pstrcat(p, "Roles may not contain dependency cycles, "
                          "found: ", msg, "'", r->pattern, "'", NULL);
        apr_array_pop(roles->rules);
        apr_pool_destroy(tmp);
        return err;
    }
    apr_pool_destroy(tmp);
    apr_hash_set(roles->ids, apr_pstrdup(p, role_id), APR_HASH_KEY_STRING, r);
    return NULL;
}

apr_array_header_t *svc_scopes_expand(apr_pool_t *p,
                                      const svc_roles_t *roles,
                                      const apr_array_header_t *held)
{
    apr_array_header_t *all;
    apr_hash_t *seen;
    int i, k, j;

    all = held ? apr_array_copy(p, held)
               : apr_array_make(p, 1, sizeof(const char *));
    if (!roles || roles->rules->nelts == 0) {
        return svc_scopes_normalize(p, all);
    }
    seen = apr_hash_make(p);
    for (i = 0; i < all->nelts; i++) {
        apr_hash_set(seen, APR_ARRAY_IDX(all, i, const char *),
                     APR_HASH_KEY_STRING, "");
    }
    /* `all` doubles as the work list: scopes granted by a role are
     * appended and examined in turn. The role graph is acyclic, so this
     * ends after at most (number of roles) rounds of grants. */
    for (i = 0; i < all->nelts; i++) {
        const char *s = APR_ARRAY_IDX(all, i, const char *);

        if (!could_assume(s)) {
            continue;
        }
        for (k = 0; k < roles->rules->nelts; k++) {
            const role_rule_t *r = APR_ARRAY_IDX(roles->rules, k,
                                                 const role_rule_t *);
            const char *param = "";

            if (!rule_match(r, s, &param)) {
                continue;
            }
            for (j = 0; j < r->matched->nelts + r->paramed->nelts; j++) {
                const char *g;

                if (j < r->matched->nelts) {
                    g = APR_ARRAY_IDX(r->matched, j, const char *);
                }
                else {
                    g = param_subst(p, &APR_ARRAY_IDX(r->paramed,
                                    j - r->matched->nelts, param_scope_t),
                                    param);
                }
                if (!apr_hash_get(seen, g, APR_HASH_KEY_STRING)) {
                    apr_hash_set(seen, g, APR_HASH_KEY_STRING, "");
                    APR_ARRAY_PUSH(all, const char *) = g;
                }
            }
        }
    }
    return svc_scopes_normalize(p, all);
}
