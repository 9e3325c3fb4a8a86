/* [ap] The API's URIs name no files: httpd's translation of them into a
 * path under DocumentRoot and its directory walk are skipped, as mod_proxy
 * does for its URIs. Without this a URI longer than a file name may be (a
 * 5000-character tree name) fails in core's translate_name with "File name
 * too long" (AH00127, an [error] line) and an HTML 403 before the module
 * can answer its 404, and every request pays for stat() calls it does not
 * need.
 *
 * translate_name runs after httpd's first <Location> walk, so the
 * SetHandler of the request's <Location> is known there (LAST: mod_alias
 * and mod_rewrite still get their say first); map_to_storage then runs on
 * server defaults only, hence the note between the two. */
#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_request.h"
#include "ap_expr.h"
#include "apr_strings.h"
#include "ts_api.h"

#define TS_NOFS_NOTE "treestatus-nofs"

static int ts_nofs_translate(request_rec *r)
{
    core_dir_config *cd = ap_get_core_module_config(r->per_dir_config);
    const char *err = NULL, *handler;

    if (cd && cd->expr_handler) {
        handler = ap_expr_str_exec(r, cd->expr_handler, &err);
        if (!err && handler && !strcasecmp(handler, TS_HANDLER_NAME)) {
            apr_table_setn(r->notes, TS_NOFS_NOTE, "1");
            r->filename = apr_pstrcat(r->pool, TS_HANDLER_NAME ":", r->uri,
                                      NULL);
            return OK;
        }
    }
    return DECLINED;
}

static int ts_nofs_map_to_storage(request_rec *r)
{
    return apr_table_get(r->notes, TS_NOFS_NOTE) ? OK : DECLINED;
}

void ts_register_nofs_hooks(void)
{
    ap_hook_translate_name(ts_nofs_translate, NULL, NULL, APR_HOOK_LAST);
    ap_hook_map_to_storage(ts_nofs_map_to_storage, NULL, NULL, APR_HOOK_FIRST);
}
