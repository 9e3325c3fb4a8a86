/* The treestatus SQL, next to its labels (registered with mod_dbd at config
 * time). Table names are upstream's (sql/treestatus/001_initial.sql).
 *
 * Conventions: lists of tree names travel as one JSON array parameter
 * (%s::jsonb), so a statement never depends on how many trees a request
 * names; timestamps are UTC `timestamp without time zone` written with
 * clock_timestamp(), so every row has its own time even inside one
 * transaction; they are read back with TS_WHEN (always 6 fraction digits, see
 * ts_render_when). */
#include "svc_auth_sql.h"
#include "ts_sql.h"

#define TS_TREES  "releng_treestatus_trees"
#define TS_LOG    "releng_treestatus_log"
#define TS_CHG    "releng_treestatus_changes"
#define TS_CHGT   "releng_treestatus_change_trees"
#define TS_NOW    "(clock_timestamp() AT TIME ZONE 'UTC')"
#define TS_WHEN(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
#define TS_NAMES(param) "(SELECT jsonb_array_elements_text(" param "::jsonb))"

/* The displayed ("combined") tree: status, reason, tags and log id of its
 * latest log (by when, then id), the tree row when it has none. A legacy
 * "no change" placeholder (RS wrote it for status-only/reason-only updates)
 * is never shown: the tree row holds the real value then. */
#define TS_COMBINED_COLS \
    "t.tree, t.message_of_the_day, t.category, " \
    "CASE WHEN l.id IS NULL OR l.status = 'no change' THEN t.status " \
    "ELSE l.status END AS status, " \
    "CASE WHEN l.id IS NULL OR l.reason = 'no change' THEN t.reason " \
    "ELSE l.reason END AS reason, " \
    "l.tags, l.id AS log_id "
#define TS_COMBINED_FROM \
    "FROM " TS_TREES " t LEFT JOIN LATERAL (" \
    "SELECT g.id, g.status, g.reason, g.tags FROM " TS_LOG " g " \
    "WHERE g.tree = t.tree ORDER BY g.\"when\" DESC, g.id DESC LIMIT 1" \
    ") l ON true "

const svc_db_stmt_t ts_statements[] = {
    {"ts_ping", "SELECT 1"},
    SVC_AUTH_STATEMENTS("ts"),

    /* ---- cache generation (sql/treestatus/002_cache_generation.sql) */
    {"ts_gen_get",
     "SELECT generation FROM svc_treestatus_generation WHERE id = 1"},
    /* first statement of every write transaction: also serializes writers */
    {"ts_gen_bump", "SELECT svc_treestatus_bump() AS generation"},

    /* ---- reads */
    {"ts_trees",
     "SELECT " TS_COMBINED_COLS TS_COMBINED_FROM "ORDER BY t.tree DESC"},
    {"ts_tree",
     "SELECT " TS_COMBINED_COLS TS_COMBINED_FROM "WHERE t.tree = %s"},
    /* one row with NULL id: the tree exists but has no logs; no row: unknown
     * tree. LIMIT NULL = all. */
    {"ts_logs",
     "SELECT l.id, t.tree, " TS_WHEN("l.\"when\"") " AS \"when\", l.who, "
     "l.status, l.reason, l.tags "
     "FROM " TS_TREES " t LEFT JOIN LATERAL ("
     "SELECT g.* FROM " TS_LOG " g WHERE g.tree = t.tree "
     "ORDER BY g.\"when\" DESC, g.id DESC LIMIT %d) l ON true "
     "WHERE t.tree = %s ORDER BY l.\"when\" DESC, l.id DESC"},
    /* a change without trees (legacy data) is not shown (spec D15) */
    {"ts_stack",
     "SELECT c.id, c.who, c.reason, c.status, " TS_WHEN("c.\"when\"")
     " AS \"when\", ct.id AS ct_id, ct.tree, ct.last_state "
     "FROM " TS_CHG " c JOIN " TS_CHGT " ct ON ct.stack_id = c.id "
     "ORDER BY c.\"when\" DESC, c.id DESC, ct.id"},

    /* ---- PATCH /trees */
    /* existence only, no lock: a request that fails validation must still
     * answer 404 first (spec D6) but never takes write locks */
    {"ts_trees_known",
     "SELECT tree FROM " TS_TREES " WHERE tree IN " TS_NAMES("%s")},
    /* the old state of the trees to update, rows locked (name descending,
     * the order updates are applied and remembered in) */
    {"ts_trees_lock",
     "SELECT " TS_COMBINED_COLS ", t.status AS row_status, "
     "t.reason AS row_reason " TS_COMBINED_FROM
     "WHERE t.tree IN " TS_NAMES("%s") " ORDER BY t.tree DESC FOR UPDATE OF t"},
    {"ts_trees_update",
     "UPDATE " TS_TREES " SET status = coalesce(%s, status), "
     "reason = coalesce(%s, reason), "
     "message_of_the_day = coalesce(%s, message_of_the_day) "
     "WHERE tree IN " TS_NAMES("%s")},
    /* after ts_trees_update the rows hold the effective status and reason
     * (spec D3); ids are assigned in name-descending order */
    {"ts_trees_log",
     "INSERT INTO " TS_LOG " (tree, \"when\", who, status, reason, tags) "
     "SELECT t.tree, " TS_NOW ", %s, t.status, t.reason, %s FROM " TS_TREES
     " t WHERE t.tree IN " TS_NAMES("%s") " ORDER BY t.tree DESC "
     "RETURNING id, tree"},
    {"ts_change_insert",
     "INSERT INTO " TS_CHG " (who, reason, status, \"when\") "
     "VALUES (%s, %s, %s, " TS_NOW ") RETURNING id"},
    /* [{"tree": t, "state": "<last_state JSON text>"}, ...] in order */
    {"ts_change_trees_insert",
     "INSERT INTO " TS_CHGT " (stack_id, tree, last_state) "
     "SELECT %d, e.v->>'tree', e.v->>'state' "
     "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS e(v, n) "
     "ORDER BY e.n"},

    /* ---- PUT /trees/{tree} (no log on creation, spec D20) */
    {"ts_tree_insert",
     "INSERT INTO " TS_TREES
     " (tree, status, reason, message_of_the_day, category) "
     "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (tree) DO NOTHING RETURNING tree"},

    /* ---- DELETE /trees/{tree}, /trees2: the trees, their logs and
     * change-tree rows, and the changes left without trees (spec D15). The
     * main query sees the rows the CTEs delete, hence the NOT IN. */
    {"ts_trees_delete",
     "WITH gone AS (DELETE FROM " TS_TREES " WHERE tree IN " TS_NAMES("%s")
     " RETURNING tree), "
     "logs AS (DELETE FROM " TS_LOG " WHERE tree IN (SELECT tree FROM gone)), "
     "cts AS (DELETE FROM " TS_CHGT
     " WHERE tree IN (SELECT tree FROM gone) RETURNING stack_id), "
     "chg AS (DELETE FROM " TS_CHG " c WHERE c.id IN (SELECT stack_id FROM cts) "
     "AND NOT EXISTS (SELECT 1 FROM " TS_CHGT " x WHERE x.stack_id = c.id "
     "AND x.tree NOT IN (SELECT tree FROM gone))) "
     "SELECT tree FROM gone"},

    /* ---- the stack: restore, discard, amend */
    {"ts_change_lock",
     "SELECT id FROM " TS_CHG " WHERE id = %d FOR UPDATE"},
    {"ts_change_trees",
     "SELECT id, tree, last_state FROM " TS_CHGT
     " WHERE stack_id = %d ORDER BY id"},
    /* restore skips trees deleted since (spec D22) */
    {"ts_restore_lock",
     "SELECT ct.tree, ct.last_state FROM " TS_CHGT " ct JOIN " TS_TREES
     " t ON t.tree = ct.tree WHERE ct.stack_id = %d ORDER BY ct.id "
     "FOR UPDATE OF t"},
    {"ts_tree_set",
     "UPDATE " TS_TREES " SET status = coalesce(%s, status), "
     "reason = coalesce(%s, reason) WHERE tree = %s RETURNING status, reason"},
    {"ts_log_insert",
     "INSERT INTO " TS_LOG " (tree, \"when\", who, status, reason, tags) "
     "VALUES (%s, " TS_NOW ", %s, %s, %s, %s) RETURNING id"},
    {"ts_change_delete",
     "WITH cts AS (DELETE FROM " TS_CHGT " WHERE stack_id = %d) "
     "DELETE FROM " TS_CHG " WHERE id = %d"},
    {"ts_change_reason",
     "UPDATE " TS_CHG " SET reason = %s WHERE id = %d"},
    {"ts_change_tree_state",
     "UPDATE " TS_CHGT " SET last_state = %s WHERE id = %d"},
    /* no row: unknown log */
    {"ts_log_amend",
     "UPDATE " TS_LOG " SET reason = coalesce(%s, reason), "
     "tags = coalesce(%s, tags) WHERE id = %d RETURNING id"},
    /* candidates only: last_state is legacy text that need not be valid
     * JSON, so the match on current_log_id is made in C */
    {"ts_change_trees_mentioning",
     "SELECT id, last_state FROM " TS_CHGT
     " WHERE strpos(last_state, %s) > 0 ORDER BY id"},
    {NULL, NULL}
};
