/* Replication between regions (spec §3.5, D13, catalogue J1-J5), run by
 * the sweeper when two or more regions are configured.
 *
 * A file is a candidate when it has an instance in at least one configured
 * region and not in all of them (instances in regions that are not
 * configured count for nothing: J2). For each configured region without an
 * instance the object is copied from a configured region holding one
 * (sources in configuration order, those the target can copy from without
 * moving the bytes through this server first: same s3 store, or local to
 * local), replacing whatever object is already there (J3); then the
 * instance is recorded, a duplicate being ignored (J5), and only while the
 * source instance still exists: a delete_instances that ran meanwhile wins
 * and the copy is deleted again.
 *
 * What it costs: the caller holds no database connection while objects are
 * copied; the statements run one at a time with a connection taken for
 * them. Pure (svc_db + storage): the plan is unit-tested, copies and
 * records run in the integration tests. */
#ifndef TT_REPLICATE_H
#define TT_REPLICATE_H

#include <apr_tables.h>
#include "svc_db.h"
#include "tt_conf.h"
#include "tt_storage.h"

/* A row of tt_replicate_candidates, copied into its own pool. */
typedef struct {
    const char *file_id;           /* decimal text */
    const char *digest;
    apr_off_t size;
    const char *regions;           /* configured instance regions, "a,b" */
} tt_replica_t;

/* The configured region names as the candidates statement takes them
 * ("a,b,c"; names never contain a comma). */
const char *tt_replicate_regions_arg(apr_pool_t *p, const tt_conf_t *conf);

/* 0 if a column is missing. */
int tt_replica_from_row(apr_pool_t *p, const svc_db_rows_t *rows, int row,
                        tt_replica_t *out);

/* sources: configured regions holding an instance; targets: configured
 * regions without one (both tt_region_t *, configuration order). */
void tt_replicate_plan(apr_pool_t *p, const tt_conf_t *conf,
                       const tt_replica_t *f, apr_array_header_t **sources,
                       apr_array_header_t **targets);

/* The sources in the order `target` should try them: those it copies from
 * without streaming (same s3 store, local to local) first. */
apr_array_header_t *tt_replicate_order(apr_pool_t *p, const tt_region_t *target,
                                       const apr_array_header_t *sources);

typedef enum {
    TT_REPL_COPIED,                /* *used = the source copied from */
    TT_REPL_NO_SOURCE,             /* no source holds the object (all ENOENT) */
    TT_REPL_UNSUPPORTED,           /* cannot copy from those holding it */
    TT_REPL_REFUSED,               /* the sources' objects may not be copied */
    TT_REPL_FAILED                 /* a store failed: no copies into the
                                    * target before the next run */
} tt_repl_result;

/* Copies sha512/<digest> into target from the first source (in the order
 * above) that has a usable object. *rv: the last storage status; *why:
 * the last refusal (TT_REPL_REFUSED). NO_SOURCE, UNSUPPORTED and REFUSED
 * are about this file; FAILED is about the stores. */
tt_repl_result tt_replicate_copy(const tt_region_t *target,
                                 const apr_array_header_t *sources, tt_io_t *io,
                                 const char *digest, const tt_region_t **used,
                                 apr_status_t *rv, const char **why);

/* Records the target's instance (one transaction, file row locked) if the
 * source's instance is still there. *recorded: the target has its instance
 * now (inserted, or already there). Returns an svc_db status. */
int tt_replicate_record(svc_db_t *db, const tt_replica_t *f,
                        const tt_region_t *target, const tt_region_t *source,
                        int *recorded);

#endif
