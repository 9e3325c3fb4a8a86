/* mod_tooltool's server-wide settings (one per configuration generation:
 * reset in pre_config, filled by the directives, read-only once post_config
 * is done). Everything here is global, not per <Location>: the storage
 * regions, the signing key and the sweeper serve the whole server and its
 * one database. The parsers are pure and unit-tested; the directive
 * handlers in mod_tooltool.c only call them. */
#ifndef TT_CONF_H
#define TT_CONF_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "tt_sign.h"
#include "tt_storage.h"

#define TT_DEFAULT_EXPIRES 60                      /* s, upload and download URLs */
#define TT_DEFAULT_INLINE_MAX (64 * 1024 * 1024)   /* bytes verified in the request */
#define TT_DEFAULT_SWEEP 600                       /* s between sweeper runs */
#define TT_DEFAULT_ABANDON 86400                   /* s after expiry */
#define TT_DEFAULT_S3_TIMEOUT 30                   /* s, S3 requests (tt_s3.h) */
#define TT_DEFAULT_SCOPE_PREFIX "project:releng:services/tooltool/api/"
/* where GET /tooltool.py sends clients (upstream's redirect, spec D22) */
#define TT_DEFAULT_CLIENT_URL "https://raw.githubusercontent.com/mozilla-releng/" \
    "tooltool/master/client/tooltool.py"

typedef struct tt_conf_t {
    apr_pool_t *pool;
    apr_array_header_t *regions;   /* tt_region_t *, in directive order */
    tt_secret_t secret;            /* bytes NULL until set (directive or random) */
    const char *secret_origin;     /* the directive that set it, NULL = none */
    apr_int64_t upload_expires;
    apr_int64_t download_expires;
    int anonymous_public;          /* public files downloadable anonymously */
    apr_off_t inline_max;          /* 0 = never verify inside a request */
    apr_int64_t sweep_interval;    /* 0 = no sweeper */
    apr_int64_t abandon_after;
    apr_int64_t s3_timeout;        /* TooltoolS3Timeout */
    const char *client_url;        /* TooltoolClientUrl, NULL = none (404) */
} tt_conf_t;

/* Defaults, no region, no key. */
void tt_conf_init(tt_conf_t *c, apr_pool_t *p);

/* The module's configuration (the glue's single instance). */
tt_conf_t *tt_conf_get(void);

/* The region of that name, NULL if not configured. */
const tt_region_t *tt_conf_region(const tt_conf_t *c, const char *name);

/* TooltoolRegion <name> <type> <args...>: NULL or the error. A region
 * is defined once; `<name> none` removes an earlier definition (a site file
 * overriding an included default), after which it may be defined again. */
const char *tt_conf_add_region(tt_conf_t *c, int argc, const char *const *argv);

/* TooltoolSigningKey / the content of TooltoolSigningKeyFile (surrounding
 * white space removed). At least TT_SIGN_MIN_SECRET bytes; set once. */
const char *tt_conf_set_secret(tt_conf_t *c, const char *origin,
                               const char *text);

/* TooltoolClientUrl: an absolute http(s) URL, or "none". */
const char *tt_conf_set_client_url(tt_conf_t *c, const char *arg);

/* Whole seconds in [min, max]. */
const char *tt_conf_seconds(apr_pool_t *p, const char *arg, apr_int64_t min,
                            apr_int64_t max, apr_int64_t *out);

/* A byte count: digits with an optional K, M or G suffix (powers of 1024). */
const char *tt_conf_bytes(apr_pool_t *p, const char *arg, apr_off_t *out);

#endif
