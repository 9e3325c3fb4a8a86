/* The tooltool SQL, next to its labels (registered with mod_dbd at config
 * time). Table and column names are upstream's (sql/tooltool/001_initial.sql).
 *
 * Conventions:
 *  - timestamps are `timestamp without time zone` holding UTC. Expiry times
 *    of pending uploads are written from the module's clock as epoch seconds
 *    (the very number in the signed URL) and read back as epoch seconds, so
 *    "expired" means the same thing to the URL check, the 409 and the
 *    verifier; TT_EXPIRES_KEY reads the stored value exactly, to make later
 *    changes conditional on it ("the pending upload I verified is still the
 *    one in the table");
 *  - searches use LIKE with the user's text as a parameter (spec D18:
 *    wildcards in it act as wildcards, case-sensitive); ESCAPE '' makes a
 *    backslash an ordinary character (upstream's default escape made a
 *    trailing backslash an SQL error, a 500); a literal percent is %% for
 *    apr_dbd;
 *  - lists are read set-based (one statement per request, never one per
 *    batch or file: spec §2.4's N+1 lesson) and ordered by id. */
#include "svc_auth_sql.h"
#include "tt_sql.h"

#define TT_FILES     "releng_tooltool_files"
#define TT_INST      "releng_tooltool_file_instances"
#define TT_BATCHES   "releng_tooltool_batches"
#define TT_BFILES    "releng_tooltool_batch_files"
#define TT_PENDING   "releng_tooltool_pending_upload"

#define TT_UTC(epoch) "(to_timestamp(" epoch ") AT TIME ZONE 'UTC')"
#define TT_EXPIRES_KEY "to_char(pu.expires, 'YYYY-MM-DD HH24:MI:SS.US')"
#define TT_HAS_INSTANCES \
    "EXISTS (SELECT 1 FROM " TT_INST " i WHERE i.file_id = f.id)"
#define TT_FILE_COLS \
    "f.sha512, f.size, f.visibility, " TT_HAS_INSTANCES " AS has_instances"
#define TT_BATCH_SELECT \
    "SELECT b.id, to_char(b.uploaded, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') " \
    "AS uploaded, b.author, b.message, bf.filename, " TT_FILE_COLS " " \
    "FROM " TT_BATCHES " b LEFT JOIN " TT_BFILES " bf ON bf.batch_id = b.id " \
    "LEFT JOIN " TT_FILES " f ON f.id = bf.file_id "
#define TT_PENDING_COLS \
    "pu.file_id, f.sha512, f.size, pu.region, " \
    "extract(epoch FROM pu.expires) AS expires, " TT_EXPIRES_KEY " AS expires_key "

const svc_db_stmt_t tt_statements[] = {
    {"tt_ping", "SELECT 1"},
    SVC_AUTH_STATEMENTS("tt"),

    /* ---- reads */
    {"tt_batches_search",
     TT_BATCH_SELECT "WHERE b.author LIKE '%%' || %s || '%%' ESCAPE '' "
     "OR b.message LIKE '%%' || %s || '%%' ESCAPE '' ORDER BY b.id, bf.filename"},
    {"tt_batch_get",
     TT_BATCH_SELECT "WHERE b.id = %d ORDER BY bf.filename"},
    /* files of some batch whose name contains q or whose digest starts
     * with it (upstream joined batch_files: unbatched files never match) */
    {"tt_files_search",
     "SELECT " TT_FILE_COLS " FROM " TT_FILES " f WHERE EXISTS ("
     "SELECT 1 FROM " TT_BFILES " bf WHERE bf.file_id = f.id AND "
     "(bf.filename LIKE '%%' || %s || '%%' ESCAPE '' "
     "OR f.sha512 LIKE %s || '%%' ESCAPE '')) "
     "ORDER BY f.id"},
    {"tt_file_get",
     "SELECT f.id, " TT_FILE_COLS ", (SELECT coalesce(json_agg(i.region "
     "ORDER BY i.region), '[]') FROM " TT_INST " i WHERE i.file_id = f.id)"
     "::text AS instances FROM " TT_FILES " f WHERE f.sha512 = %s"},
    /* the cache generation (sql/tooltool/002_download_generation.sql) */
    {"tt_gen_get",
     "SELECT generation FROM svc_tooltool_generation WHERE id = 1"},
    /* the download hot path on a cache miss: one indexed statement, a row
     * per instance (tt_locate.c) */
    {"tt_download",
     "SELECT f.visibility, i.region FROM " TT_FILES " f JOIN " TT_INST " i "
     "ON i.file_id = f.id WHERE f.sha512 = %s"},
    /* the upload URL handler: the size an upload may not exceed */
    {"tt_file_size",
     "SELECT size FROM " TT_FILES " WHERE sha512 = %s"},

    /* ---- POST /upload (one transaction) */
    {"tt_batch_insert",
     "INSERT INTO " TT_BATCHES " (uploaded, author, message) VALUES "
     "((now() AT TIME ZONE 'UTC'), %s, %s) RETURNING id"},
    /* no row back: the file exists (or a concurrent upload just made it) */
    {"tt_file_insert",
     "INSERT INTO " TT_FILES " (size, sha512, visibility) VALUES (%lld, %s, %s) "
     "ON CONFLICT (sha512) DO NOTHING RETURNING id"},
    /* the existing file, locked against concurrent uploads, PATCH and the
     * verifier; `pending` = its pending upload's expiry (NULL: none) */
    {"tt_file_lock",
     "SELECT f.id, f.size, f.visibility, " TT_HAS_INSTANCES " AS has_instances, "
     "extract(epoch FROM pu.expires) AS pending FROM " TT_FILES " f "
     "LEFT JOIN " TT_PENDING " pu ON pu.file_id = f.id "
     "WHERE f.sha512 = %s FOR UPDATE OF f"},
    {"tt_file_set_size",
     "UPDATE " TT_FILES " SET size = %lld WHERE id = %d"},
    /* one pending upload per file: a new URL re-targets it (spec §1.1) */
    {"tt_pending_upsert",
     "INSERT INTO " TT_PENDING " (file_id, expires, region) VALUES "
     "(%d, " TT_UTC("%lld") ", %s) ON CONFLICT (file_id) DO UPDATE SET "
     "expires = EXCLUDED.expires, region = EXCLUDED.region"},
    {"tt_batch_file_insert",
     "INSERT INTO " TT_BFILES " (file_id, batch_id, filename) VALUES (%d, %d, %s)"},

    /* ---- verification (upload/complete and the sweeper) */
    {"tt_pending_get",
     "SELECT " TT_PENDING_COLS "FROM " TT_PENDING " pu JOIN " TT_FILES " f "
     "ON f.id = pu.file_id WHERE f.sha512 = %s"},
    /* expired at the module's clock, a bounded batch a run, newest first:
     * objects not uploaded yet stay expired for a day and must not hide
     * fresh uploads behind them */
    {"tt_pending_expired",
     "SELECT " TT_PENDING_COLS "FROM " TT_PENDING " pu JOIN " TT_FILES " f "
     "ON f.id = pu.file_id WHERE pu.expires <= " TT_UTC("%lld")
     " ORDER BY pu.expires DESC, pu.file_id LIMIT %d"},
    /* abandoned (expired before the given time): all at once */
    {"tt_pending_abandon",
     "DELETE FROM " TT_PENDING " WHERE expires < " TT_UTC("%lld")},
    /* locks the file and its pending upload, if that is still the very
     * pending upload that was checked (same expiry and region) */
    {"tt_pending_lock",
     "SELECT pu.file_id FROM " TT_FILES " f JOIN " TT_PENDING " pu "
     "ON pu.file_id = f.id WHERE f.id = %d AND pu.expires = %s::timestamp "
     "AND pu.region = %s FOR UPDATE"},
    {"tt_pending_delete",
     "DELETE FROM " TT_PENDING " WHERE file_id = %d AND expires = %s::timestamp"},
    {"tt_instance_insert",
     "INSERT INTO " TT_INST " (file_id, region) VALUES (%d, %s) "
     "ON CONFLICT DO NOTHING"},

    /* ---- replication by the sweeper (spec 3.5, D13) */
    /* files with an instance in some but not all of the configured regions
     * (comma-separated, $1; their number, $2), newest first, a bounded
     * batch ($3); `regions` = their configured instance regions */
    {"tt_replicate_candidates",
     "SELECT f.id AS file_id, f.sha512, f.size, "
     "string_agg(i.region, ',' ORDER BY i.region) AS regions "
     "FROM " TT_FILES " f JOIN " TT_INST " i ON i.file_id = f.id "
     "WHERE i.region = ANY (string_to_array(%s, ',')) "
     "GROUP BY f.id HAVING count(*) < %d ORDER BY f.id DESC LIMIT %d"},
    /* the copy's instance, only while the source instance still exists
     * (run after tt_patch_lock: a concurrent delete_instances wins) */
    {"tt_replica_insert",
     "INSERT INTO " TT_INST " (file_id, region) SELECT %d, %s WHERE EXISTS "
     "(SELECT 1 FROM " TT_INST " WHERE file_id = %d AND region = %s) "
     "ON CONFLICT DO NOTHING"},

    /* ---- PATCH /file/sha512/{digest} (one transaction) */
    {"tt_patch_lock",
     "SELECT f.id, (SELECT coalesce(json_agg("
     "i.region ORDER BY i.region), '[]') FROM " TT_INST " i WHERE i.file_id = "
     "f.id)::text AS instances FROM " TT_FILES " f WHERE f.sha512 = %s "
     "FOR UPDATE"},
    {"tt_file_set_visibility",
     "UPDATE " TT_FILES " SET visibility = %s WHERE id = %d"},
    {"tt_instances_delete",
     "DELETE FROM " TT_INST " WHERE file_id = %d"},

    {NULL, NULL}
};
