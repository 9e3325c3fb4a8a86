#include <string.h>
#include <apr_strings.h>
#include "tt_log.h"
#include "tt_render.h"
#include "tt_sha512.h"
#include "tt_verify.h"

int tt_pending_from_row(const svc_db_rows_t *rows, int row, tt_pending_t *pu)
{
    const char *size = svc_db_get(rows, row, "size");
    const char *expires = svc_db_get(rows, row, "expires");

    pu->file_id = svc_db_get(rows, row, "file_id");
    pu->digest = svc_db_get(rows, row, "sha512");
    pu->region = svc_db_get(rows, row, "region");
    pu->expires_key = svc_db_get(rows, row, "expires_key");
    if (!pu->file_id || !pu->digest || !pu->region || !pu->expires_key
        || !size || !expires) {
        return 0;
    }
    pu->size = (apr_off_t)tt_render_int64(size);
    pu->expires = tt_epoch_parse(expires);
    return 1;
}

apr_time_t tt_epoch_parse(const char *text)
{
    apr_int64_t sec = 0, usec = 0;
    int neg = 0, i, digits = 0;

    if (!text) {
        return 0;
    }
    if (*text == '-') {
        neg = 1;
        text++;
    }
    for (; *text >= '0' && *text <= '9' && digits < 15; text++, digits++) {
        sec = sec * 10 + (*text - '0');
    }
    if (*text == '.') {
        text++;
        for (i = 0; i < 6; i++) {
            usec *= 10;
            if (*text >= '0' && *text <= '9') {
                usec += *text++ - '0';
            }
        }
    }
    sec = sec * APR_USEC_PER_SEC + usec;
    return (apr_time_t)(neg ? -sec : sec);
}

tt_pu_action tt_verify_decide(const tt_pending_t *pu, apr_time_t now,
                              apr_int64_t abandon_after, const tt_region_t *rg)
{
    if (now < pu->expires) {
        return TT_PU_WAIT;
    }
    if (now > pu->expires + apr_time_from_sec(abandon_after)) {
        return TT_PU_ABANDON;
    }
    if (!rg) {
        return TT_PU_NO_REGION;
    }
    return TT_PU_CHECK;
}

tt_obj_result tt_verify_object(const tt_region_t *rg, tt_io_t *io,
                               const char *digest, apr_off_t size,
                               apr_off_t hash_max, const char **why)
{
    const char *key = tt_storage_key(io->pool, digest);
    char hex[TT_SHA512_HEX_LEN + 1];
    apr_off_t got;
    apr_status_t rv;

    *why = NULL;
    rv = rg->ops->stat(rg, io, key, &got);
    if (APR_STATUS_IS_ENOENT(rv)) {
        return TT_OBJ_MISSING;
    }
    if (rv == TT_STORAGE_REFUSED) {
        /* e.g. an S3 storage class other than STANDARD (spec D19) */
        *why = tt_storage_refusal(io);
        if (!*why) {
            *why = "the store refuses to serve it as stored";
        }
        return TT_OBJ_INVALID;
    }
    if (rv != APR_SUCCESS) {
        *why = apr_psprintf(io->pool, "cannot stat %s in region %s", key,
                            rg->name);
        tt_log(&io->log, SVC_LOG_ERR, rv, TTLOGNO(01001), "%s", *why);
        return TT_OBJ_ERROR;
    }
    if (got != size) {
        *why = apr_psprintf(io->pool, "size %" APR_OFF_T_FMT " instead of %"
                            APR_OFF_T_FMT, got, size);
        return TT_OBJ_INVALID;
    }
    if (hash_max >= 0 && got > hash_max) {
        return TT_OBJ_DEFERRED;
    }
    rv = rg->ops->sha512(rg, io, key, hex, &got);
    if (APR_STATUS_IS_ENOENT(rv)) {
        return TT_OBJ_MISSING;
    }
    if (rv != APR_SUCCESS) {
        *why = apr_psprintf(io->pool, "cannot read %s in region %s", key,
                            rg->name);
        tt_log(&io->log, SVC_LOG_ERR, rv, TTLOGNO(01002), "%s", *why);
        return TT_OBJ_ERROR;
    }
    if (got != size) {
        *why = apr_psprintf(io->pool, "size %" APR_OFF_T_FMT " instead of %"
                            APR_OFF_T_FMT, got, size);
        return TT_OBJ_INVALID;
    }
    if (strcmp(hex, digest)) {
        *why = apr_psprintf(io->pool, "content has digest %s", hex);
        return TT_OBJ_INVALID;
    }
    return TT_OBJ_VALID;
}

typedef struct {
    const tt_pending_t *pu;
    tt_obj_result res;
    const tt_region_t *rg;
    tt_io_t *io;
    int applied;                   /* the pending upload was still current */
} record_t;

static int record_unit(svc_db_t *db, void *baton)
{
    record_t *b = baton;
    svc_db_rows_t *rows;
    int rc;

    b->applied = 0;
    rc = svc_db_select(db, "tt_pending_lock",
                       SVC_DB_ARGS(b->pu->file_id, b->pu->expires_key,
                                   b->pu->region), &rows);
    if (rc != SVC_DB_OK || rows->nrows == 0) {
        return rc; /* gone or re-issued: someone else's business now */
    }
    if (b->res == TT_OBJ_VALID) {
        rc = svc_db_exec(db, "tt_instance_insert",
                         SVC_DB_ARGS(b->pu->file_id, b->pu->region), NULL);
    }
    else {
        /* objects are deleted while the rows are locked: no new URL for
         * this file can be issued until the decision is committed */
        apr_status_t rv = b->rg->ops->remove(b->rg, b->io,
                                             tt_storage_key(b->io->pool,
                                                            b->pu->digest));
        if (rv != APR_SUCCESS) {
            tt_log(&b->io->log, SVC_LOG_ERR, rv, TTLOGNO(01003),
                   "cannot delete the invalid upload of %s in region %s",
                   b->pu->digest, b->rg->name);
            return SVC_DB_ERROR;
        }
    }
    if (rc == SVC_DB_OK) {
        rc = svc_db_exec(db, "tt_pending_delete",
                         SVC_DB_ARGS(b->pu->file_id, b->pu->expires_key), NULL);
    }
    b->applied = rc == SVC_DB_OK;
    return rc;
}

int tt_verify_record(svc_db_t *db, const tt_pending_t *pu, tt_obj_result res,
                     const char *why, const tt_region_t *rg, tt_io_t *io)
{
    record_t b = {pu, res, rg, io, 0};
    int rc = svc_db_transaction(db, record_unit, &b);

    if (rc != SVC_DB_OK || !b.applied) {
        return rc;
    }
    if (res == TT_OBJ_VALID) {
        /* upstream's wording (its tests look for this line) */
        tt_log(&io->log, SVC_LOG_INFO, 0, TTLOGNO(01004),
               "Upload of %s considered valid", pu->digest);
    }
    else {
        tt_log(&io->log, SVC_LOG_WARNING, 0, TTLOGNO(01005),
               "Upload of %s in region %s is invalid (%s): object deleted",
               pu->digest, pu->region, why ? why : "?");
    }
    return SVC_DB_OK;
}

int tt_verify_drop(svc_db_t *db, const tt_pending_t *pu, tt_pu_action why,
                   tt_io_t *io)
{
    int affected = 0;
    int rc = svc_db_exec(db, "tt_pending_delete",
                         SVC_DB_ARGS(pu->file_id, pu->expires_key), &affected);

    if (rc == SVC_DB_OK && affected > 0) {
        tt_log(&io->log, SVC_LOG_INFO, 0, TTLOGNO(01006),
               "pending upload of %s in region %s %s", pu->digest, pu->region,
               why == TT_PU_ABANDON ? "abandoned"
                                    : "dropped: region not configured");
    }
    return rc;
}

int tt_verify_pending(svc_db_t *db, const tt_conf_t *conf,
                      const tt_pending_t *pu, apr_time_t now,
                      apr_off_t hash_max, tt_io_t *io)
{
    const tt_region_t *rg = tt_conf_region(conf, pu->region);
    tt_pu_action action = tt_verify_decide(pu, now, conf->abandon_after, rg);
    tt_obj_result res;
    const char *why;

    switch (action) {
    case TT_PU_WAIT:
        return SVC_DB_OK;
    case TT_PU_ABANDON:
    case TT_PU_NO_REGION:
        return tt_verify_drop(db, pu, action, io);
    default:
        break;
    }
    res = tt_verify_object(rg, io, pu->digest, pu->size, hash_max, &why);
    if (res == TT_OBJ_VALID || res == TT_OBJ_INVALID) {
        return tt_verify_record(db, pu, res, why, rg, io);
    }
    if (res == TT_OBJ_DEFERRED) {
        tt_log(&io->log, SVC_LOG_DEBUG, 0, TTLOGNO(01007),
               "upload of %s (%" APR_OFF_T_FMT " bytes) left to the sweeper",
               pu->digest, pu->size);
    }
    return SVC_DB_OK;
}
