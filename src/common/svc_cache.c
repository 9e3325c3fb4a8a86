#include <stdatomic.h>
#include "httpd.h"
#include "http_config.h"
#include "ap_provider.h"
#include "ap_socache.h"
#include "util_mutex.h"
#include "apr_global_mutex.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "svc_cache.h"
#include "svc_log.h"

struct svc_cache_t {
    unsigned int max_value;
    apr_size_t size;            /* shm bytes when the spec says, else shmcb's default */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *inst;
    apr_global_mutex_t *mutex;  /* only for providers that are not MP-safe */
    const char *mutex_type;
    struct svc_stamp_t *stamp;  /* own anonymous shm, see svc_cache_stamp_get */
    int ready;
};

void svc_cache_pre_config(apr_pool_t *pconf, const char *mutex_type)
{
    ap_mutex_register(pconf, mutex_type, NULL, APR_LOCK_DEFAULT, 0);
}

/* Mirrors how mod_socache_shmcb divides its memory (number of subcaches from
 * the hints) to know the largest entry it will take; half of a subcache. */
static unsigned int shmcb_safe_value(apr_size_t size, unsigned int avg_obj)
{
    apr_size_t num_idx = size / (avg_obj + 48), n = 256, sub;

    while (n > 1 && num_idx / n < 2 * n) {
        n /= 2;
    }
    sub = size / n / 2;
    return sub > 1024 * 1024 ? 1024 * 1024 : (sub < 4096 ? 4096 : (unsigned int)sub);
}

/* "(4194304)" at the end of shmcb arguments is the size in bytes. */
static apr_size_t spec_size(const char *args)
{
    const char *open = args ? strrchr(args, '(') : NULL;
    apr_int64_t n = open ? apr_atoi64(open + 1) : 0;

    return n > 0 ? (apr_size_t)n : 512000;
}

const char *svc_cache_create(apr_pool_t *pconf, apr_pool_t *ptemp,
                             const char *spec, const char *mutex_type,
                             svc_cache_t **out)
{
    const char *name = spec, *args = NULL, *sep, *err;
    svc_cache_t *c;

    *out = NULL;
    if (!strcasecmp(spec, "none")) {
        return NULL;
    }
    if ((sep = strchr(spec, ':'))) {
        name = apr_pstrndup(ptemp, spec, sep - spec);
        args = sep + 1;
    }
    c = apr_pcalloc(pconf, sizeof(*c));
    c->mutex_type = mutex_type;
    c->size = spec_size(args);
    c->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                     AP_SOCACHE_PROVIDER_VERSION);
    if (!c->provider) {
        return apr_psprintf(pconf, "unknown socache provider '%s' (is "
                            "mod_socache_%s loaded?)", name, name);
    }
    err = c->provider->create(&c->inst, args, ptemp, pconf);
    if (err) {
        return apr_psprintf(pconf, "socache %s: %s", name, err);
    }
    *out = c;
    return NULL;
}

static apr_status_t destroy_cache(void *data)
{
    svc_cache_t *c = data;

    if (c->ready) {
        c->provider->destroy(c->inst, NULL);
        c->ready = 0;
    }
    return APR_SUCCESS;
}

struct svc_stamp_t;
static apr_status_t create_stamp(svc_cache_t *c, apr_pool_t *pconf);

apr_status_t svc_cache_init(svc_cache_t *c, const char *cname,
                            unsigned int avg_obj_size, server_rec *s,
                            apr_pool_t *pconf)
{
    struct ap_socache_hints hints = {0};
    apr_status_t rv;

    if (c->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&c->mutex, NULL, c->mutex_type, NULL, s,
                                    pconf, 0);
        if (rv != APR_SUCCESS) {
            svc_log_s(s, SVC_LOG_CRIT, rv, 30,
                      "could not create the cache mutex %s", c->mutex_type);
            return rv;
        }
    }
    /* shmcb divides by zero (SIGFPE while httpd starts, nothing logged)
     * when its memory cannot hold two objects of the hinted size: a small
     * configured size gets a smaller hint */
    if (avg_obj_size + 48 > c->size / 8) {
        avg_obj_size = c->size / 8 > 48 + 64 ? (unsigned int)(c->size / 8 - 48)
                                             : 64;
    }
    /* shmcb splits its memory in subcaches and cannot store an entry larger
     * than one; stay well below (a quarter of size / subcaches is safe for
     * any size shmcb picks with these hints) */
    c->max_value = shmcb_safe_value(c->size, avg_obj_size);
    hints.avg_id_len = 48;
    hints.avg_obj_size = avg_obj_size;
    hints.expiry_interval = 30;
    rv = c->provider->init(c->inst, cname, &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        svc_log_s(s, SVC_LOG_CRIT, rv, 31, "could not create the cache %s",
                  cname);
        return rv;
    }
    rv = create_stamp(c, pconf);
    if (rv != APR_SUCCESS) {
        svc_log_s(s, SVC_LOG_CRIT, rv, 34, "could not create the shared "
                  "memory of the %s stamp", cname);
        return rv;
    }
    c->ready = 1;
    apr_pool_cleanup_register(pconf, c, destroy_cache, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

void svc_cache_child_init(svc_cache_t *c, apr_pool_t *p, server_rec *s)
{
    apr_status_t rv;

    if (!c || !c->mutex) {
        return;
    }
    rv = apr_global_mutex_child_init(&c->mutex,
                                     apr_global_mutex_lockfile(c->mutex), p);
    if (rv != APR_SUCCESS) {
        svc_log_s(s, SVC_LOG_CRIT, rv, 32,
                  "could not attach the cache mutex in a child");
    }
}

static int lock(svc_cache_t *c, server_rec *s)
{
    apr_status_t rv;

    if (!c->mutex) {
        return 1;
    }
    rv = apr_global_mutex_lock(c->mutex);
    if (rv != APR_SUCCESS) {
        svc_log_s(s, SVC_LOG_ERR, rv, 33, "cache mutex lock failed");
        return 0;
    }
    return 1;
}

static void unlock(svc_cache_t *c)
{
    if (c->mutex) {
        apr_global_mutex_unlock(c->mutex);
    }
}

apr_status_t svc_cache_get(svc_cache_t *c, server_rec *s, const char *key,
                           unsigned char *buf, unsigned int *len, apr_pool_t *p)
{
    apr_status_t rv;

    if (!c || !c->ready || !lock(c, s)) {
        return APR_NOTFOUND;
    }
    rv = c->provider->retrieve(c->inst, s, (const unsigned char *)key,
                               (unsigned int)strlen(key), buf, len, p);
    unlock(c);
    return rv;
}

apr_status_t svc_cache_put(svc_cache_t *c, server_rec *s, const char *key,
                           const void *val, unsigned int len, apr_time_t expiry,
                           apr_pool_t *p)
{
    apr_status_t rv;

    if (!c || !c->ready || !lock(c, s)) {
        return APR_EGENERAL;
    }
    rv = c->provider->store(c->inst, s, (const unsigned char *)key,
                            (unsigned int)strlen(key), expiry,
                            (unsigned char *)val, len, p);
    unlock(c);
    return rv;
}

apr_status_t svc_cache_remove(svc_cache_t *c, server_rec *s, const char *key,
                              apr_pool_t *p)
{
    apr_status_t rv;

    if (!c || !c->ready || !lock(c, s)) {
        return APR_EGENERAL;
    }
    rv = c->provider->remove(c->inst, s, (const unsigned char *)key,
                             (unsigned int)strlen(key), p);
    unlock(c);
    return rv;
}

apr_status_t svc_cache_add(svc_cache_t *c, server_rec *s, const char *key,
                           const void *val, unsigned int len, apr_time_t expiry,
                           apr_pool_t *p)
{
    unsigned char probe[8];
    unsigned int plen = sizeof(probe);
    apr_status_t rv;

    if (!c || !c->ready || !lock(c, s)) {
        return APR_EGENERAL;
    }
    rv = c->provider->retrieve(c->inst, s, (const unsigned char *)key,
                               (unsigned int)strlen(key), probe, &plen, p);
    if (rv == APR_SUCCESS || rv == APR_ENOSPC) {
        rv = APR_EEXIST;
    }
    else {
        rv = c->provider->store(c->inst, s, (const unsigned char *)key,
                                (unsigned int)strlen(key), expiry,
                                (unsigned char *)val, len, p);
    }
    unlock(c);
    return rv;
}

unsigned int svc_cache_max_value(const svc_cache_t *c)
{
    return c ? c->max_value : 0;
}

/* The stamp: a seqlock in a few bytes of anonymous shared memory of its own
 * (inherited by the children), read without any lock. It is asked for on
 * every cached read; behind the socache mutex it cost a second contended
 * lock per request. `seq` is odd while a writer is in; writers take it by
 * compare-and-swap (they are rare: a write request, or a stamp older than
 * the max age). Spins are bounded: a process that died in the middle of a
 * write (a few stores, no call) only turns the stamp off. */
#define STAMP_SPINS 1000

struct svc_stamp_t {
    _Atomic apr_uint32_t seq;
    _Atomic apr_int64_t version;   /* 0: never stamped */
    _Atomic apr_int64_t checked;
};

apr_status_t svc_cache_stamp_get(svc_cache_t *c, apr_int64_t *version,
                                 apr_time_t *checked)
{
    struct svc_stamp_t *st = c ? c->stamp : NULL;
    apr_uint32_t s1, s2;
    int spins;

    for (spins = 0; st && spins < STAMP_SPINS; spins++) {
        s1 = atomic_load_explicit(&st->seq, memory_order_acquire);
        if (s1 & 1) {
            continue;
        }
        *version = atomic_load_explicit(&st->version, memory_order_relaxed);
        *checked = atomic_load_explicit(&st->checked, memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        s2 = atomic_load_explicit(&st->seq, memory_order_relaxed);
        if (s1 == s2) {
            return *version ? APR_SUCCESS : APR_NOTFOUND;
        }
    }
    return APR_NOTFOUND;
}

apr_status_t svc_cache_stamp_put(svc_cache_t *c, apr_int64_t version,
                                 apr_time_t checked)
{
    struct svc_stamp_t *st = c ? c->stamp : NULL;
    apr_uint32_t s;
    int spins;

    for (spins = 0; st && spins < STAMP_SPINS; spins++) {
        s = atomic_load_explicit(&st->seq, memory_order_relaxed);
        if ((s & 1) || !atomic_compare_exchange_weak_explicit(
                &st->seq, &s, s + 1, memory_order_acq_rel,
                memory_order_relaxed)) {
            continue;
        }
        atomic_thread_fence(memory_order_release); /* odd before the data */
        /* never backwards: a slow reader cannot undo a newer publication */
        if (atomic_load_explicit(&st->version, memory_order_relaxed) <= version) {
            atomic_store_explicit(&st->version, version, memory_order_relaxed);
            atomic_store_explicit(&st->checked, checked, memory_order_relaxed);
        }
        atomic_store_explicit(&st->seq, s + 2, memory_order_release);
        return APR_SUCCESS;
    }
    return APR_EGENERAL;
}

/* Anonymous (no file): children inherit it over fork(); gone with pconf,
 * like the cache itself, at a restart. */
static apr_status_t create_stamp(svc_cache_t *c, apr_pool_t *pconf)
{
    apr_shm_t *shm;
    apr_status_t rv = apr_shm_create(&shm, sizeof(struct svc_stamp_t), NULL,
                                     pconf);

    if (rv == APR_SUCCESS) {
        c->stamp = apr_shm_baseaddr_get(shm);
        memset(c->stamp, 0, sizeof(struct svc_stamp_t));
    }
    return rv;
}
