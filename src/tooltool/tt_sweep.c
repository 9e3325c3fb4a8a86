#include "httpd.h"
#include "http_config.h"
#include "ap_mpm.h"
#include "apr_dbd.h"
#include "apr_optional.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"
#include "mod_dbd.h"
#include "mod_watchdog.h"
#include "svc_curl.h"
#include "svc_db.h"
#include "tt_log.h"
#include "tt_replicate.h"
#include "tt_sql.h"
#include "tt_sweep.h"
#include "tt_verify.h"

#define SWEEP_BATCH "1000"           /* pending uploads looked at per run */
#define REPLICATE_BATCH 100          /* files replicated at most per run */
#define REPLICATE_RETRY 3600         /* s before a file that could not be
                                      * replicated (no source object, backend
                                      * pair unsupported) is tried again */
#define REPLICATE_WAITING_MAX 10000  /* rows skipped for their retry time */

/* What the replication of this process remembers between runs: files not
 * to try again before a time (file id -> apr_time_t). Only the sweeper's
 * thread touches it. */
typedef struct {
    apr_pool_t *pool;
    apr_hash_t *retry;
} repl_memory_t;

typedef struct {
    server_rec *s;
    const tt_conf_t *conf;
    repl_memory_t *mem;
} sweep_t;

static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open_fn;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close_fn;
static int registered;             /* this configuration sweeps */

/* The child's exit. mod_watchdog's thread belongs to the process pool, not
 * to the child's: it can still be inside a statement when the child pool,
 * and mod_dbd's connection pool with it, is destroyed (apr_reslist then
 * aborts the process). So a connection is only held behind `door`, and a
 * pre-cleanup of the child pool waits for it, then shuts the door for good
 * before any pool of the child is destroyed. */
static apr_thread_mutex_t *door;
static int child_exiting;

static apr_status_t shut_door(void *data)
{
    (void)data;
    apr_thread_mutex_lock(door);
    child_exiting = 1;
    apr_thread_mutex_unlock(door);
    return APR_SUCCESS;
}

void tt_sweep_child_init(apr_pool_t *pchild, server_rec *s)
{
    /* in the process pool: the sweeper's thread may outlive pchild */
    if (registered && apr_thread_mutex_create(&door, APR_THREAD_MUTEX_DEFAULT,
                                              s->process->pool)
                      == APR_SUCCESS) {
        apr_pool_pre_cleanup_register(pchild, NULL, shut_door);
    }
}

/* A connection for a few statements: from mod_dbd's pool of this child,
 * given back right after (close_db). */
typedef struct {
    apr_pool_t *pool;
    ap_dbd_t *dbd;
    svc_db_t *db;
} conn_t;

static svc_db_t *open_db(const sweep_t *sw, apr_pool_t *parent, conn_t *c)
{
    c->db = NULL;
    if (!door) {
        return NULL; /* no child_init: never happens in a child */
    }
    apr_thread_mutex_lock(door);
    if (child_exiting) {
        apr_thread_mutex_unlock(door);
        return NULL;
    }
    apr_pool_create(&c->pool, parent);
    c->dbd = dbd_open_fn(c->pool, sw->s);
    if (!c->dbd) {
        apr_pool_destroy(c->pool);
        apr_thread_mutex_unlock(door);
        return NULL;
    }
    /* log context NULL: svc_db logs to the server log, there is no request */
    c->db = svc_db_make(c->pool, c->dbd->driver, c->dbd->handle,
                        c->dbd->prepared, c->dbd->pool, tt_statements, NULL);
    return c->db;
}

static void close_db(const sweep_t *sw, conn_t *c)
{
    if (c->db) {
        /* close first: a once-only connection's pool is a child of c->pool */
        dbd_close_fn(sw->s, c->dbd);
        apr_pool_destroy(c->pool);
        c->db = NULL;
        apr_thread_mutex_unlock(door);
    }
}

static int stopping(void)
{
    int state = AP_MPMQ_RUNNING;

    return child_exiting
        || ap_mpm_query(AP_MPMQ_MPM_STATE, &state) != APR_SUCCESS
        || state == AP_MPMQ_STOPPING;
}

static tt_pending_t *copy_pending(apr_pool_t *p, const tt_pending_t *in)
{
    tt_pending_t *out = apr_pmemdup(p, in, sizeof(*in));

    out->file_id = apr_pstrdup(p, in->file_id);
    out->digest = apr_pstrdup(p, in->digest);
    out->region = apr_pstrdup(p, in->region);
    out->expires_key = apr_pstrdup(p, in->expires_key);
    return out;
}

/* The expired pending uploads, copied out of the connection's pool. */
static apr_array_header_t *list_expired(const sweep_t *sw, apr_pool_t *p,
                                        apr_time_t now)
{
    apr_array_header_t *out = NULL;
    svc_db_rows_t *rows;
    conn_t c;
    int i;

    if (!open_db(sw, p, &c)) {
        svc_log_s(sw->s, SVC_LOG_INFO, 0, TTLOGNO(01018), "sweeper: no "
                  "database connection, trying again next run");
        return NULL;
    }
    if (svc_db_select(c.db, "tt_pending_expired",
                      SVC_DB_ARGS(apr_psprintf(p, "%" APR_INT64_T_FMT,
                                               apr_time_sec(now)),
                                  SWEEP_BATCH), &rows) == SVC_DB_OK) {
        out = apr_array_make(p, rows->nrows + 1, sizeof(tt_pending_t *));
        for (i = 0; i < rows->nrows; i++) {
            tt_pending_t pu;
            if (tt_pending_from_row(rows, i, &pu)) {
                APR_ARRAY_PUSH(out, tt_pending_t *) = copy_pending(p, &pu);
            }
        }
    }
    close_db(sw, &c);
    return out;
}

static void sweep_one(const sweep_t *sw, apr_pool_t *p, const tt_pending_t *pu,
                      svc_curl_pool_t *curl)
{
    const tt_region_t *rg = tt_conf_region(sw->conf, pu->region);
    tt_pu_action action = tt_verify_decide(pu, apr_time_now(),
                                           sw->conf->abandon_after, rg);
    tt_io_t io = {p, {sw->s, SVC_LOG_SERVER}, curl};
    tt_obj_result res = TT_OBJ_MISSING;
    const char *why = NULL;
    conn_t c;

    if (action == TT_PU_WAIT) {
        return;
    }
    if (action == TT_PU_CHECK) {
        /* no connection held while the object is read: it may be GiBs */
        res = tt_verify_object(rg, &io, pu->digest, pu->size, -1, &why);
        if (res != TT_OBJ_VALID && res != TT_OBJ_INVALID) {
            return; /* not there yet, or the store failed: next run */
        }
    }
    if (!open_db(sw, p, &c)) {
        return;
    }
    if (action == TT_PU_CHECK) {
        tt_verify_record(c.db, pu, res, why, rg, &io);
    }
    else {
        tt_verify_drop(c.db, pu, action, &io);
    }
    close_db(sw, &c);
}

/* Spec 3.4 step 2 for every pending upload at once, so the batches of
 * list_expired are spent on uploads that may still be verified. */
static void abandon(const sweep_t *sw, apr_pool_t *p, apr_time_t now)
{
    conn_t c;
    int n = 0;

    if (!open_db(sw, p, &c)) {
        return;
    }
    if (svc_db_exec(c.db, "tt_pending_abandon",
                    SVC_DB_ARGS(apr_psprintf(p, "%" APR_INT64_T_FMT,
                                             apr_time_sec(now)
                                             - sw->conf->abandon_after)),
                    &n) == SVC_DB_OK && n > 0) {
        svc_log_s(sw->s, SVC_LOG_INFO, 0, TTLOGNO(01027), "sweeper: %d pending "
                  "upload(s) abandoned (expired more than %" APR_INT64_T_FMT
                  " s ago)", n, sw->conf->abandon_after);
    }
    close_db(sw, &c);
}

/* ---- replication (spec 3.5, D13; tt_replicate.h) */

/* Forgets the retry times that have passed; how many are left. */
static int retry_prune(repl_memory_t *m, apr_time_t now)
{
    apr_hash_index_t *hi;

    if (!m->pool) {
        /* this process' own, for as long as it sweeps */
        apr_pool_create(&m->pool, NULL);
        m->retry = apr_hash_make(m->pool);
    }
    for (hi = apr_hash_first(NULL, m->retry); hi; hi = apr_hash_next(hi)) {
        const void *key;
        void *until;
        apr_hash_this(hi, &key, NULL, &until);
        if (*(apr_time_t *)until <= now) {
            apr_hash_set(m->retry, key, APR_HASH_KEY_STRING, NULL);
        }
    }
    if (apr_hash_count(m->retry) == 0) {
        apr_pool_clear(m->pool); /* what the removed entries used */
        m->retry = apr_hash_make(m->pool);
    }
    return (int)apr_hash_count(m->retry);
}

static void retry_later(repl_memory_t *m, const char *file_id)
{
    apr_time_t *until = apr_palloc(m->pool, sizeof(*until));

    *until = apr_time_now() + apr_time_from_sec(REPLICATE_RETRY);
    apr_hash_set(m->retry, apr_pstrdup(m->pool, file_id), APR_HASH_KEY_STRING,
                 until);
}

/* The files to replicate (copied out of the connection's pool): the newest
 * first, `limit` at most. */
static apr_array_header_t *list_replicas(const sweep_t *sw, apr_pool_t *p,
                                         int limit)
{
    apr_array_header_t *out = NULL;
    svc_db_rows_t *rows;
    conn_t c;
    int i;

    if (!open_db(sw, p, &c)) {
        return NULL;
    }
    if (svc_db_select(c.db, "tt_replicate_candidates",
                      SVC_DB_ARGS(tt_replicate_regions_arg(p, sw->conf),
                                  apr_itoa(p, sw->conf->regions->nelts),
                                  apr_itoa(p, limit)), &rows) == SVC_DB_OK) {
        out = apr_array_make(p, rows->nrows + 1, sizeof(tt_replica_t));
        for (i = 0; i < rows->nrows; i++) {
            tt_replica_t f;
            if (tt_replica_from_row(p, rows, i, &f)) {
                APR_ARRAY_PUSH(out, tt_replica_t) = f;
            }
        }
    }
    close_db(sw, &c);
    return out;
}

/* Copies one file into every configured region lacking it, except regions
 * that failed earlier in this run (`down`, target name -> region). */
static void replicate_one(const sweep_t *sw, apr_pool_t *p,
                          const tt_replica_t *f, svc_curl_pool_t *curl,
                          apr_hash_t *down)
{
    tt_io_t io = {p, {sw->s, SVC_LOG_SERVER}, curl};
    apr_array_header_t *sources, *targets;
    int i, trouble = 0;

    tt_replicate_plan(p, sw->conf, f, &sources, &targets);
    for (i = 0; i < targets->nelts && sources->nelts; i++) {
        const tt_region_t *t = APR_ARRAY_IDX(targets, i, const tt_region_t *);
        const tt_region_t *used;
        const char *why;
        apr_status_t rv;
        int recorded = 0, rc;
        conn_t c;

        if (apr_hash_get(down, t->name, APR_HASH_KEY_STRING)) {
            continue;
        }
        switch (tt_replicate_copy(t, sources, &io, f->digest, &used, &rv,
                                  &why)) {
        case TT_REPL_COPIED:
            break;
        case TT_REPL_FAILED:
            /* the store said why (logged); no more copies into it now */
            apr_hash_set(down, t->name, APR_HASH_KEY_STRING, t);
            svc_log_s(sw->s, SVC_LOG_WARNING, rv, TTLOGNO(01230), "sweeper: "
                      "cannot replicate %s into region %s now; replication "
                      "into that region resumes at the next run", f->digest,
                      t->name);
            continue;
        default: /* this file's own trouble: the others go on */
            trouble = 1;
            svc_log_s(sw->s, SVC_LOG_WARNING, 0, TTLOGNO(01231), "sweeper: "
                      "cannot replicate %s into region %s: %s (instances in "
                      "%s); tried again in %d s", f->digest, t->name,
                      why ? why : APR_STATUS_IS_ENOENT(rv)
                      ? "no object in the regions holding an instance"
                      : "the region cannot copy from them (storage types)",
                      f->regions, REPLICATE_RETRY);
            continue; /* another target may copy from them */
        }
        if (!open_db(sw, p, &c)) {
            return; /* the copy is there; recorded at the next run */
        }
        rc = tt_replicate_record(c.db, f, t, used, &recorded);
        close_db(sw, &c);
        if (rc != SVC_DB_OK) {
            continue; /* svc_db logged it; the copy is recorded next run */
        }
        if (recorded) {
            svc_log_s(sw->s, SVC_LOG_INFO, 0, TTLOGNO(01232), "sweeper: %s "
                      "replicated from region %s into region %s", f->digest,
                      used->name, t->name);
        }
        else {
            /* its instances were deleted meanwhile (delete_instances): the
             * copy must not outlive them */
            t->ops->remove(t, &io, tt_storage_key(p, f->digest));
            svc_log_s(sw->s, SVC_LOG_INFO, 0, TTLOGNO(01233), "sweeper: %s was "
                      "deleted from region %s while being copied into region "
                      "%s: copy removed", f->digest, used->name, t->name);
        }
    }
    if (trouble) {
        retry_later(sw->mem, f->file_id);
    }
}

static void replicate(const sweep_t *sw, apr_pool_t *p, svc_curl_pool_t *curl)
{
    apr_array_header_t *list;
    apr_hash_t *down;
    apr_pool_t *item;
    int i, done = 0, waiting;

    if (sw->conf->regions->nelts < 2) {
        return;
    }
    /* the files waiting for a retry do not use up the batch (up to a point:
     * beyond it the oldest candidates wait for their retry times) */
    waiting = retry_prune(sw->mem, apr_time_now());
    if (waiting > REPLICATE_WAITING_MAX) {
        waiting = REPLICATE_WAITING_MAX;
    }
    list = list_replicas(sw, p, REPLICATE_BATCH + waiting);
    if (!list) {
        return;
    }
    down = apr_hash_make(p);
    apr_pool_create(&item, p);
    for (i = 0; i < list->nelts && done < REPLICATE_BATCH && !stopping(); i++) {
        const tt_replica_t *f = &APR_ARRAY_IDX(list, i, tt_replica_t);

        if (apr_hash_get(sw->mem->retry, f->file_id, APR_HASH_KEY_STRING)) {
            continue;
        }
        if (apr_hash_count(down) == (unsigned)sw->conf->regions->nelts) {
            break;
        }
        replicate_one(sw, item, f, curl, down);
        apr_pool_clear(item);
        done++;
    }
    apr_pool_destroy(item);
}

static void sweep(const sweep_t *sw, apr_pool_t *p)
{
    apr_array_header_t *list;
    apr_pool_t *item;
    svc_curl_pool_t *curl;
    int i;

    /* handles for this run's storage requests (kept alive across them),
     * cleaned up with the callback's pool */
    curl = svc_curl_pool_create(p);
    abandon(sw, p, apr_time_now());
    list = list_expired(sw, p, apr_time_now());
    if (list) {
        apr_pool_create(&item, p);
        for (i = 0; i < list->nelts && !stopping(); i++) {
            sweep_one(sw, item, APR_ARRAY_IDX(list, i, tt_pending_t *), curl);
            apr_pool_clear(item); /* flat memory over a long run */
        }
        apr_pool_destroy(item);
        if (list->nelts) {
            svc_log_s(sw->s, SVC_LOG_DEBUG, 0, TTLOGNO(01019), "sweeper: "
                      "looked at %d expired pending upload(s)", list->nelts);
        }
    }
    if (!stopping()) {
        replicate(sw, p, curl);
    }
}

static apr_status_t sweep_callback(int state, void *data, apr_pool_t *pool)
{
    if (state == AP_WATCHDOG_STATE_RUNNING) {
        sweep(data, pool);
    }
    /* anything else would stop mod_watchdog from calling us again */
    return APR_SUCCESS;
}

void tt_sweep_register(apr_pool_t *pconf, server_rec *s, const tt_conf_t *conf)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *register_callback;
    ap_watchdog_t *wd;
    sweep_t *sw;
    apr_status_t rv;

    registered = 0;
    if (conf->sweep_interval == 0 || conf->regions->nelts == 0) {
        /* without regions this server does not serve tooltool storage:
         * sweeping would only drop other servers' pending uploads */
        svc_log_s(s, SVC_LOG_DEBUG, 0, TTLOGNO(01020), "tooltool sweeper "
                  "off (%s)", conf->sweep_interval ? "no TooltoolRegion"
                                                   : "TooltoolSweepInterval 0");
        return;
    }
    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    dbd_open_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close_fn = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (!get_instance || !register_callback) {
        svc_log_s(s, SVC_LOG_WARNING, 0, TTLOGNO(01021), "mod_watchdog is not "
                  "available: no tooltool sweeper, uploads are verified only "
                  "by GET /upload/complete (objects up to "
                  "TooltoolVerifyInlineMax bytes)");
        return;
    }
    if (!dbd_open_fn || !dbd_close_fn) {
        svc_log_s(s, SVC_LOG_WARNING, 0, TTLOGNO(01022), "mod_dbd is not "
                  "loaded: no tooltool sweeper");
        return;
    }
    /* our own singleton instance: one child sweeps at a time, and a long
     * hash never delays other modules' watchdog callbacks */
    rv = get_instance(&wd, "tooltool-sweeper", 0, 1, pconf);
    if (rv == APR_SUCCESS) {
        sw = apr_pcalloc(pconf, sizeof(*sw));
        sw->s = s;
        sw->conf = conf;
        sw->mem = apr_pcalloc(pconf, sizeof(*sw->mem));
        rv = register_callback(wd, apr_time_from_sec(conf->sweep_interval), sw,
                               sweep_callback);
    }
    registered = rv == APR_SUCCESS;
    if (rv != APR_SUCCESS) {
        svc_log_s(s, SVC_LOG_WARNING, rv, TTLOGNO(01023), "cannot register the "
                  "tooltool sweeper with mod_watchdog: uploads are verified "
                  "only by GET /upload/complete");
    }
}
