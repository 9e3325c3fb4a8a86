#include <string.h>
#include <apr_strings.h>
#include "tt_local.h"
#include "tt_render.h"
#include "tt_replicate.h"
#include "tt_s3.h"

const char *tt_replicate_regions_arg(apr_pool_t *p, const tt_conf_t *conf)
{
    apr_array_header_t *names = apr_array_make(p, conf->regions->nelts,
                                               sizeof(const char *));
    int i;

    for (i = 0; i < conf->regions->nelts; i++) {
        APR_ARRAY_PUSH(names, const char *) =
            APR_ARRAY_IDX(conf->regions, i, const tt_region_t *)->name;
    }
    return apr_array_pstrcat(p, names, ',');
}

int tt_replica_from_row(apr_pool_t *p, const svc_db_rows_t *rows, int row,
                        tt_replica_t *out)
{
    const char *id = svc_db_get(rows, row, "file_id");
    const char *digest = svc_db_get(rows, row, "sha512");
    const char *size = svc_db_get(rows, row, "size");
    const char *regions = svc_db_get(rows, row, "regions");

    if (!id || !digest || !size || !regions) {
        return 0;
    }
    out->file_id = apr_pstrdup(p, id);
    out->digest = apr_pstrdup(p, digest);
    out->size = (apr_off_t)tt_render_int64(size);
    out->regions = apr_pstrdup(p, regions);
    return 1;
}

/* `name` is one of the comma-separated names of `list`. */
static int listed(const char *list, const char *name)
{
    apr_size_t n = strlen(name);
    const char *at = list;

    while ((at = strstr(at, name)) != NULL) {
        if ((at == list || at[-1] == ',') && (at[n] == ',' || at[n] == '\0')) {
            return 1;
        }
        at += n;
    }
    return 0;
}

void tt_replicate_plan(apr_pool_t *p, const tt_conf_t *conf,
                       const tt_replica_t *f, apr_array_header_t **sources,
                       apr_array_header_t **targets)
{
    int i;

    *sources = apr_array_make(p, 2, sizeof(const tt_region_t *));
    *targets = apr_array_make(p, 2, sizeof(const tt_region_t *));
    for (i = 0; i < conf->regions->nelts; i++) {
        const tt_region_t *rg = APR_ARRAY_IDX(conf->regions, i,
                                              const tt_region_t *);
        APR_ARRAY_PUSH(listed(f->regions, rg->name) ? *sources : *targets,
                       const tt_region_t *) = rg;
    }
}

static int direct(const tt_region_t *target, const tt_region_t *source)
{
    return (tt_local_is(target) && tt_local_is(source))
        || tt_s3_same_store(target, source);
}

apr_array_header_t *tt_replicate_order(apr_pool_t *p, const tt_region_t *target,
                                       const apr_array_header_t *sources)
{
    apr_array_header_t *out = apr_array_make(p, sources->nelts,
                                             sizeof(const tt_region_t *));
    int pass, i;

    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < sources->nelts; i++) {
            const tt_region_t *s = APR_ARRAY_IDX(sources, i,
                                                 const tt_region_t *);
            if (direct(target, s) == (pass == 0)) {
                APR_ARRAY_PUSH(out, const tt_region_t *) = s;
            }
        }
    }
    return out;
}

tt_repl_result tt_replicate_copy(const tt_region_t *target,
                                 const apr_array_header_t *sources, tt_io_t *io,
                                 const char *digest, const tt_region_t **used,
                                 apr_status_t *rv, const char **why)
{
    const char *key = tt_storage_key(io->pool, digest);
    apr_array_header_t *order = tt_replicate_order(io->pool, target, sources);
    int i, unsupported = 0, refused = 0;

    *used = NULL;
    *why = NULL;
    *rv = APR_ENOENT;
    for (i = 0; i < order->nelts; i++) {
        const tt_region_t *src = APR_ARRAY_IDX(order, i, const tt_region_t *);

        *rv = target->ops->copy(target, src, io, key);
        if (*rv == APR_SUCCESS) {
            *used = src;
            return TT_REPL_COPIED;
        }
        if (*rv == APR_ENOTIMPL) {
            unsupported = 1;
        }
        else if (*rv == TT_STORAGE_REFUSED) {
            refused = 1;
            *why = apr_pstrcat(io->pool, "region ", src->name, ": ",
                               tt_storage_refusal(io), NULL);
        }
        else if (!APR_STATUS_IS_ENOENT(*rv)) {
            return TT_REPL_FAILED; /* a store failed: no more requests now */
        }
    }
    return refused ? TT_REPL_REFUSED
                   : unsupported ? TT_REPL_UNSUPPORTED : TT_REPL_NO_SOURCE;
}

typedef struct {
    const tt_replica_t *f;
    const tt_region_t *target;
    const tt_region_t *source;
    int recorded;
} record_t;

/* "name" (with its quotes) occurs in a JSON array of region names. */
static int quoted_in(const char *json, const char *name)
{
    apr_size_t n = strlen(name);
    const char *at = json;

    while ((at = strstr(at, name)) != NULL) {
        if (at > json && at[-1] == '"' && at[n] == '"') {
            return 1;
        }
        at += n;
    }
    return 0;
}

static int record_unit(svc_db_t *db, void *baton)
{
    record_t *b = baton;
    svc_db_rows_t *rows;
    const char *instances;
    int rc, n = 0;

    b->recorded = 0;
    /* waits for a PATCH (delete_instances) holding the file */
    rc = svc_db_select(db, "tt_patch_lock", SVC_DB_ARGS(b->f->digest), &rows);
    if (rc != SVC_DB_OK || rows->nrows != 1) {
        return rc;
    }
    /* a statement of its own: it sees what that PATCH committed */
    rc = svc_db_exec(db, "tt_replica_insert",
                     SVC_DB_ARGS(b->f->file_id, b->target->name, b->f->file_id,
                                 b->source->name), &n);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    if (n > 0) {
        b->recorded = 1;
        return SVC_DB_OK;
    }
    /* nothing inserted: already there (a race, J5), or the source is gone */
    rc = svc_db_select(db, "tt_file_get", SVC_DB_ARGS(b->f->digest), &rows);
    if (rc != SVC_DB_OK) {
        return rc;
    }
    instances = rows->nrows == 1 ? svc_db_get(rows, 0, "instances") : NULL;
    b->recorded = instances && quoted_in(instances, b->target->name);
    return SVC_DB_OK;
}

int tt_replicate_record(svc_db_t *db, const tt_replica_t *f,
                        const tt_region_t *target, const tt_region_t *source,
                        int *recorded)
{
    record_t b = {f, target, source, 0};
    int rc = svc_db_transaction(db, record_unit, &b);

    *recorded = rc == SVC_DB_OK && b.recorded;
    return rc;
}
