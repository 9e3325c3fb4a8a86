/* Verification of uploads (spec §3.3-§3.4, D12, D19): a pending upload
 * becomes a file instance only after its upload URL has expired (so the
 * object cannot change any more) and the object's size and SHA-512 match.
 *
 * Used by GET /upload/complete (objects up to TooltoolVerifyInlineMax,
 * with the request's connection) and by the sweeper (any size, without
 * holding a connection while it hashes). The outcome is recorded in one
 * transaction that first locks the file and its pending upload and checks
 * that the pending upload is still the one that was examined (same expiry
 * and region): a new upload URL issued meanwhile wins, and nothing is
 * recorded twice when two verifiers race. Pure (svc_db + storage): the
 * decisions are unit-tested, the database parts run in the integration
 * tests. */
#ifndef TT_VERIFY_H
#define TT_VERIFY_H

#include <apr_time.h>
#include "svc_db.h"
#include "tt_conf.h"
#include "tt_storage.h"

/* A row of tt_pending_get / tt_pending_expired. */
typedef struct {
    const char *file_id;           /* decimal text, as the statements take it */
    const char *digest;
    apr_off_t size;                /* the file's recorded size */
    const char *region;
    apr_time_t expires;
    const char *expires_key;       /* the stored value, exactly */
} tt_pending_t;

/* Copies the row's columns; 0 if a column is missing. */
int tt_pending_from_row(const svc_db_rows_t *rows, int row, tt_pending_t *pu);

/* PostgreSQL's extract(epoch ...) text ("1767225600", "1767225600.5",
 * "1767225600.123456") as an apr_time_t, exactly; 0 for NULL/garbage. */
apr_time_t tt_epoch_parse(const char *text);

typedef enum {
    TT_PU_WAIT,                    /* not expired yet: leave it */
    TT_PU_ABANDON,                 /* expired for longer than abandon_after */
    TT_PU_NO_REGION,               /* its region is not configured (any more) */
    TT_PU_CHECK                    /* look at the object */
} tt_pu_action;

/* Spec §3.4 steps 1-3, in that order. */
tt_pu_action tt_verify_decide(const tt_pending_t *pu, apr_time_t now,
                              apr_int64_t abandon_after, const tt_region_t *rg);

typedef enum {
    TT_OBJ_MISSING,                /* not uploaded (yet): keep the pending upload */
    TT_OBJ_DEFERRED,               /* bigger than hash_max: left to the sweeper */
    TT_OBJ_VALID,
    TT_OBJ_INVALID,                /* wrong size or digest: delete it */
    TT_OBJ_ERROR                   /* the store failed: try again later */
} tt_obj_result;

/* Size first (cheap, and enough to reject), then the streamed SHA-512 when
 * the size is at most hash_max (< 0: no limit). *why explains INVALID and
 * ERROR. */
tt_obj_result tt_verify_object(const tt_region_t *rg, tt_io_t *io,
                               const char *digest, apr_off_t size,
                               apr_off_t hash_max, const char **why);

/* Records VALID (instance added, duplicate ignored; pending upload deleted)
 * or INVALID (object and pending upload deleted) if the pending upload is
 * unchanged. Returns an svc_db status (SVC_DB_ERROR also when the object
 * could not be deleted: the pending upload stays for a later try). */
int tt_verify_record(svc_db_t *db, const tt_pending_t *pu, tt_obj_result res,
                     const char *why, const tt_region_t *rg, tt_io_t *io);

/* Deletes an abandoned or region-less pending upload (if unchanged). */
int tt_verify_drop(svc_db_t *db, const tt_pending_t *pu, tt_pu_action why,
                   tt_io_t *io);

/* Everything for one pending upload with a connection in hand. Returns an
 * svc_db status. */
int tt_verify_pending(svc_db_t *db, const tt_conf_t *conf,
                      const tt_pending_t *pu, apr_time_t now,
                      apr_off_t hash_max, tt_io_t *io);

#endif
