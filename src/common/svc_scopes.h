/* Taskcluster scopes: matching, scope expressions, role expansion.
 *
 * Pure (APR + jansson only). Semantics follow taskcluster-lib-scopes v11
 * (patternMatch, satisfiesExpression, removeGivenScopes, scopeCompare,
 * normalizeScopeSet) and the Taskcluster auth service's role resolver
 * (services/auth/src/trie.js, scoperesolver.js):
 *
 *  - a held scope satisfies a required scope when they are equal, or when
 *    the held scope ends in `*` and the required scope starts with the held
 *    scope minus that `*`;
 *  - a role `R` with scopes S is the rule "whoever holds `assume:R` also
 *    holds S". A role id ending in `*` is a prefix rule, and in its scopes
 *    `<..>` stands for the part of the assume scope matched by the `*`
 *    (e.g. role `repo:*` with `index:<..>.*` turns `assume:repo:x` into
 *    `index:x.*`). Held scopes ending in `*` assume every role they could
 *    name (`*`, `assume:*`, `assume:repo:*`, ...). Expansion is a fixpoint;
 *    roles whose expansion could loop are rejected when added, as the auth
 *    service rejects them (DependencyCycleError).
 *
 * Scope sets are apr_array_header_t of `const char *`.
 */
#ifndef SVC_SCOPES_H
#define SVC_SCOPES_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>

/* Scopes are printable ASCII (0x20-0x7e), possibly empty. */
int svc_scope_valid(const char *scope);

/* Does the single held scope satisfy the required scope? */
int svc_scope_match(const char *held, const char *required);

/* Does any scope in `held` satisfy `required`? */
int svc_scopes_match_any(const apr_array_header_t *held,
                         const char *required);

/* ---- scope expressions ------------------------------------------------ */

typedef enum {
    SVC_SCOPE_EXPR_SCOPE,  /* a single required scope */
    SVC_SCOPE_EXPR_ALLOF,  /* every kid (an empty AllOf is always satisfied) */
    SVC_SCOPE_EXPR_ANYOF   /* some kid (an empty AnyOf is never satisfied) */
} svc_scope_expr_type_e;

typedef struct svc_scope_expr_t svc_scope_expr_t;
struct svc_scope_expr_t {
    svc_scope_expr_type_e type;
    const char *scope;              /* SVC_SCOPE_EXPR_SCOPE only */
    int nkids;
    const svc_scope_expr_t **kids;  /* ALLOF / ANYOF only */
};

/* An expression requiring exactly one scope. */
svc_scope_expr_t *svc_scope_expr_scope(apr_pool_t *p, const char *scope);

/* Parse the configuration syntax "a b | c": whitespace-separated scopes
 * must all be held, `|` separates alternatives, so "a b | c" is
 * (a AND b) OR c. Scopes written this way cannot contain spaces or `|`.
 * Returns NULL and sets *out, or returns an error text. */
const char *svc_scope_expr_parse(apr_pool_t *p, const char *text,
                                 svc_scope_expr_t **out);

/* Build an expression from JSON: a string (one scope), Taskcluster's
 * {"AnyOf": [...]} / {"AllOf": [...]} (recursively), or the legacy
 * "any-of of all-of" form [["a", "b"], ["c"]]. Returns NULL or an error. */
const char *svc_scope_expr_from_json(apr_pool_t *p, const json_t *json,
                                     svc_scope_expr_t **out);

/* The expression as Taskcluster JSON (new reference; caller decrefs). */
json_t *svc_scope_expr_to_json(const svc_scope_expr_t *expr);

/* Do the held scopes satisfy the expression? (satisfiesExpression) */
int svc_scopes_satisfy(const apr_array_header_t *held,
                       const svc_scope_expr_t *required);

/* What is still missing (removeGivenScopes): NULL when `held` satisfies
 * `required`, else the simplified expression of the missing scopes, for
 * error messages. */
const svc_scope_expr_t *svc_scopes_missing(apr_pool_t *p,
                                           const apr_array_header_t *held,
                                           const svc_scope_expr_t *required);

/* ---- scope sets ------------------------------------------------------- */

/* Taskcluster's scopeCompare: plain byte order, except that `P*` sorts
 * right before `P`. */
int svc_scope_compare(const char *a, const char *b);

/* A new array: sorted with svc_scope_compare, duplicates and scopes
 * implied by a held star scope removed (sort + normalizeScopeSet). */
apr_array_header_t *svc_scopes_normalize(apr_pool_t *p,
                                         const apr_array_header_t *scopes);

/* ---- roles ------------------------------------------------------------ */

typedef struct svc_roles_t svc_roles_t;

svc_roles_t *svc_roles_make(apr_pool_t *p);

/* Add role `role_id` (without the `assume:` prefix) granting `scopes`.
 * Copies everything into the pool given to svc_roles_make. Returns NULL,
 * or an error text when a scope is invalid, the role already exists, a
 * parameterized scope is ambiguous, or the role would create a dependency
 * cycle (then the table is left unchanged). */
const char *svc_roles_add(svc_roles_t *roles, const char *role_id,
                          const char *const *scopes, int nscopes);

int svc_roles_count(const svc_roles_t *roles);

/* The held scopes plus everything the roles grant them, normalized.
 * `roles` may be NULL (then this only normalizes). */
apr_array_header_t *svc_scopes_expand(apr_pool_t *p,
                                      const svc_roles_t *roles,
                                      const apr_array_header_t *held);

#endif
