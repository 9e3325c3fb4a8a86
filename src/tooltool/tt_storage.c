#include <string.h>
#include <apr_strings.h>
#include "tt_local.h"
#include "tt_s3.h"
#include "tt_storage.h"

#define REFUSAL_KEY "tt_storage_refusal"

apr_status_t tt_storage_refuse(tt_io_t *io, const char *why)
{
    apr_pool_userdata_setn(why, REFUSAL_KEY, NULL, io->pool);
    return TT_STORAGE_REFUSED;
}

const char *tt_storage_refusal(tt_io_t *io)
{
    void *why = NULL;

    apr_pool_userdata_get(&why, REFUSAL_KEY, io->pool);
    return why;
}

const char *tt_storage_key(apr_pool_t *p, const char *digest)
{
    return apr_pstrcat(p, "sha512/", digest, NULL);
}

int tt_region_name_valid(const char *name)
{
    apr_size_t i;

    if (!name || !*name || *name == '.') {
        return 0;
    }
    for (i = 0; name[i]; i++) {
        char c = name[i];
        if (i >= TT_REGION_NAME_MAX
            || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

const char *tt_region_make(apr_pool_t *p, const char *name, const char *type,
                           int argc, const char *const *argv,
                           const tt_secret_t *secret, tt_region_t **out)
{
    tt_region_t *rg;
    const char *err;

    if (!tt_region_name_valid(name)) {
        return apr_psprintf(p, "invalid region name '%s' (1-%d of A-Z a-z "
                            "0-9 . _ -, not starting with a dot)", name,
                            TT_REGION_NAME_MAX);
    }
    rg = apr_pcalloc(p, sizeof(*rg));
    rg->name = apr_pstrdup(p, name);
    if (!strcmp(type, "local")) {
        rg->ops = &tt_local_ops;
        err = tt_local_configure(p, argc, argv, secret, &rg->impl);
    }
    else if (!strcmp(type, "s3")) {
        rg->ops = &tt_s3_ops;
        err = tt_s3_configure(p, name, argc, argv, &rg->impl);
    }
    else {
        err = apr_psprintf(p, "unknown storage type '%s' (expected: local, "
                           "s3, or none to remove the region)", type);
    }
    if (err) {
        return apr_psprintf(p, "region %s: %s", name, err);
    }
    *out = rg;
    return NULL;
}
