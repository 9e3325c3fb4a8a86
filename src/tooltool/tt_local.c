#include <string.h>
#include <apr_strings.h>
#include "tt_local.h"
#include "tt_sha512.h"

typedef struct {
    const char *dir;               /* absolute, no trailing slash */
    const tt_secret_t *secret;
} local_t;

struct tt_local_upload_t {
    apr_pool_t *pool;
    apr_file_t *file;
    const char *tmp;
    const char *dest;
    const char *destdir;
    apr_off_t max;
    apr_off_t size;
    int open;                      /* the temporary file still exists */
};

#define OBJ_PERMS (APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD \
                   | APR_FPROT_WREAD)
#define DIR_PERMS (OBJ_PERMS | APR_FPROT_UEXECUTE | APR_FPROT_GEXECUTE \
                   | APR_FPROT_WEXECUTE)

const char *tt_local_configure(apr_pool_t *p, int argc,
                               const char *const *argv,
                               const tt_secret_t *secret, void **impl)
{
    local_t *l;
    apr_size_t n;

    if (argc != 1) {
        return "local storage takes one argument: the directory";
    }
    if (argv[0][0] != '/') {
        return apr_psprintf(p, "'%s' is not an absolute directory", argv[0]);
    }
    l = apr_pcalloc(p, sizeof(*l));
    l->dir = apr_pstrdup(p, argv[0]);
    n = strlen(l->dir);
    while (n > 1 && l->dir[n - 1] == '/') {
        ((char *)l->dir)[--n] = '\0';
    }
    l->secret = secret;
    *impl = l;
    return NULL;
}

int tt_local_is(const tt_region_t *rg)
{
    return rg && rg->ops == &tt_local_ops;
}

const char *tt_local_dir(const tt_region_t *rg)
{
    return ((const local_t *)rg->impl)->dir;
}

/* Only keys of the form sha512/<digest> ever reach the file system: no
 * path from a request can name another file. */
static const char *key_digest(const char *key)
{
    if (!key || strncmp(key, "sha512/", 7) || !tt_digest_valid(key + 7)) {
        return NULL;
    }
    return key + 7;
}

const char *tt_local_path(apr_pool_t *p, const tt_region_t *rg,
                          const char *key)
{
    if (!key_digest(key)) {
        return NULL;
    }
    return apr_pstrcat(p, tt_local_dir(rg), "/", key, NULL);
}

const char *tt_local_url(apr_pool_t *p, const tt_region_t *rg,
                         const char *self, const char *method,
                         const char *key, apr_int64_t expires)
{
    char sig[TT_SIGN_HEX_LEN + 1];

    tt_sign_hex(((const local_t *)rg->impl)->secret, method, rg->name, key,
                expires, sig);
    return apr_psprintf(p, "%s" TT_LOCAL_PREFIX "%s/%s?Expires=%"
                        APR_INT64_T_FMT "&Signature=%s", self, rg->name, key,
                        expires, sig);
}

tt_sign_result tt_local_check(const tt_region_t *rg, const char *method,
                              const char *key, const char *expires_arg,
                              const char *signature_arg, apr_int64_t now)
{
    return tt_sign_check(((const local_t *)rg->impl)->secret, method,
                         rg->name, key, expires_arg, signature_arg, now);
}

static const char *local_put_url(const tt_region_t *rg, apr_pool_t *p,
                                 const char *self, const char *key,
                                 apr_time_t now, apr_int64_t expires_in)
{
    return tt_local_url(p, rg, self, "PUT", key, apr_time_sec(now) + expires_in);
}

static const char *local_get_url(const tt_region_t *rg, apr_pool_t *p,
                                 const char *self, const char *key,
                                 apr_time_t now, apr_int64_t expires_in)
{
    return tt_local_url(p, rg, self, "GET", key, apr_time_sec(now) + expires_in);
}

apr_status_t tt_local_open(apr_pool_t *p, const tt_region_t *rg,
                           const char *key, apr_int32_t flags,
                           apr_file_t **f, apr_off_t *size)
{
    const char *path = tt_local_path(p, rg, key);
    apr_finfo_t fi;
    apr_status_t rv;

    if (!path) {
        return APR_EINVAL;
    }
    rv = apr_file_open(f, path, APR_FOPEN_READ | APR_FOPEN_BINARY | flags,
                       APR_OS_DEFAULT, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE, *f);
    if (rv == APR_SUCCESS && fi.filetype != APR_REG) {
        rv = APR_ENOENT; /* a directory or device is not an object */
    }
    if (rv != APR_SUCCESS) {
        apr_file_close(*f);
        return rv;
    }
    *size = fi.size;
    return APR_SUCCESS;
}

static apr_status_t local_stat(const tt_region_t *rg, tt_io_t *io,
                               const char *key, apr_off_t *size)
{
    const char *path = tt_local_path(io->pool, rg, key);
    apr_finfo_t fi;
    apr_status_t rv;

    if (!path) {
        return APR_EINVAL;
    }
    rv = apr_stat(&fi, path, APR_FINFO_SIZE | APR_FINFO_TYPE, io->pool);
    if (APR_STATUS_IS_ENOENT(rv) || APR_STATUS_IS_ENOTDIR(rv)
        || (rv == APR_SUCCESS && fi.filetype != APR_REG)) {
        return APR_ENOENT;
    }
    if (rv == APR_SUCCESS) {
        *size = fi.size;
    }
    return rv;
}

static apr_status_t local_sha512(const tt_region_t *rg, tt_io_t *io,
                                 const char *key, char *hex, apr_off_t *size)
{
    apr_file_t *f;
    apr_off_t ignored;
    apr_status_t rv = tt_local_open(io->pool, rg, key, 0, &f, &ignored);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = tt_sha512_stream(io->pool, f, hex, size);
    apr_file_close(f);
    return rv;
}

static apr_status_t local_remove(const tt_region_t *rg, tt_io_t *io,
                                 const char *key)
{
    const char *path = tt_local_path(io->pool, rg, key);
    apr_status_t rv;

    if (!path) {
        return APR_EINVAL;
    }
    rv = apr_file_remove(path, io->pool);
    if (APR_STATUS_IS_ENOENT(rv) || APR_STATUS_IS_ENOTDIR(rv)) {
        return APR_SUCCESS;
    }
    return rv;
}

static apr_status_t upload_cleanup(void *data)
{
    tt_local_upload_t *u = data;

    if (u->open) {
        u->open = 0;
        apr_file_close(u->file);
        apr_file_remove(u->tmp, u->pool);
    }
    return APR_SUCCESS;
}

apr_status_t tt_local_upload_open(apr_pool_t *p, const tt_region_t *rg,
                                  const char *key, apr_off_t max,
                                  tt_local_upload_t **out)
{
    tt_local_upload_t *u;
    const char *digest = key_digest(key);
    char *tmpl;
    apr_status_t rv;

    if (!digest) {
        return APR_EINVAL;
    }
    u = apr_pcalloc(p, sizeof(*u));
    u->pool = p;
    u->max = max;
    u->destdir = apr_pstrcat(p, tt_local_dir(rg), "/sha512", NULL);
    u->dest = apr_pstrcat(p, u->destdir, "/", digest, NULL);
    /* in the region directory itself: same file system as the object, so
     * the final rename is atomic, and never mistaken for an object */
    tmpl = apr_pstrcat(p, tt_local_dir(rg), "/.upload-",
                       apr_pstrndup(p, digest, 16), "-XXXXXX", NULL);
    rv = apr_file_mktemp(&u->file, tmpl, APR_FOPEN_CREATE | APR_FOPEN_WRITE
                         | APR_FOPEN_EXCL | APR_FOPEN_BINARY, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    u->tmp = tmpl;
    u->open = 1;
    apr_pool_cleanup_register(p, u, upload_cleanup, apr_pool_cleanup_null);
    *out = u;
    return APR_SUCCESS;
}

apr_status_t tt_local_upload_write(tt_local_upload_t *u, const void *buf,
                                   apr_size_t n)
{
    if (!u->open) {
        return APR_EINVAL;
    }
    if (u->max >= 0 && (apr_off_t)n > u->max - u->size) {
        return TT_LOCAL_TOO_LARGE;
    }
    u->size += (apr_off_t)n;
    return n ? apr_file_write_full(u->file, buf, n, NULL) : APR_SUCCESS;
}

apr_off_t tt_local_upload_size(const tt_local_upload_t *u)
{
    return u->size;
}

/* Makes a rename durable; best effort (some file systems refuse it). */
static void sync_dir(const char *dir, apr_pool_t *p)
{
    apr_file_t *d;

    if (apr_file_open(&d, dir, APR_FOPEN_READ, APR_OS_DEFAULT, p) == APR_SUCCESS) {
        apr_file_sync(d);
        apr_file_close(d);
    }
}

apr_status_t tt_local_upload_commit(tt_local_upload_t *u)
{
    apr_status_t rv;

    if (!u->open) {
        return APR_EINVAL;
    }
    rv = apr_file_sync(u->file);
    if (rv == APR_SUCCESS) {
        rv = apr_file_close(u->file);
        u->file = NULL;
    }
    if (rv == APR_SUCCESS) {
        /* mkstemp makes 0600; objects are read by whoever serves them */
        rv = apr_file_perms_set(u->tmp, OBJ_PERMS);
    }
    if (rv == APR_SUCCESS) {
        rv = apr_dir_make(u->destdir, DIR_PERMS, u->pool);
        if (APR_STATUS_IS_EEXIST(rv)) {
            rv = APR_SUCCESS;
        }
    }
    if (rv == APR_SUCCESS) {
        rv = apr_file_rename(u->tmp, u->dest, u->pool);
    }
    if (rv != APR_SUCCESS) {
        if (u->file) {
            apr_file_close(u->file);
        }
        apr_file_remove(u->tmp, u->pool);
        u->open = 0;
        return rv;
    }
    u->open = 0;
    sync_dir(u->destdir, u->pool);
    return APR_SUCCESS;
}

void tt_local_upload_abort(tt_local_upload_t *u)
{
    upload_cleanup(u);
}

static apr_status_t local_copy(const tt_region_t *rg, const tt_region_t *from,
                               tt_io_t *io, const char *key)
{
    tt_local_upload_t *u;
    apr_file_t *src;
    apr_off_t size;
    char *buf;
    apr_status_t rv;

    if (!tt_local_is(from)) {
        return APR_ENOTIMPL;
    }
    rv = tt_local_open(io->pool, from, key, 0, &src, &size);
    if (rv == APR_SUCCESS) {
        rv = tt_local_upload_open(io->pool, rg, key, -1, &u);
        if (rv != APR_SUCCESS) {
            apr_file_close(src);
        }
    }
    if (rv != APR_SUCCESS) {
        return rv;
    }
    buf = apr_palloc(io->pool, TT_HASH_BLOCK);
    for (;;) {
        apr_size_t n = TT_HASH_BLOCK;

        rv = apr_file_read(src, buf, &n);
        if (n > 0) {
            apr_status_t wrv = tt_local_upload_write(u, buf, n);
            if (wrv != APR_SUCCESS) {
                rv = wrv;
            }
        }
        if (rv != APR_SUCCESS) {
            break;
        }
    }
    apr_file_close(src);
    if (!APR_STATUS_IS_EOF(rv)) {
        tt_local_upload_abort(u);
        return rv;
    }
    return tt_local_upload_commit(u);
}

const tt_storage_ops_t tt_local_ops = {
    "local",
    local_put_url,
    local_get_url,
    local_stat,
    local_sha512,
    local_remove,
    local_copy
};
