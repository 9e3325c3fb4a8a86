#include "httpd.h"
#include "http_log.h"
#include "svc_aplog.h"
#include "svc_log.h"

static const int *svc_module_index;

static void aplog_sink(const char *file, int line, int level, apr_status_t rv,
                       const void *ctx, svc_log_ctx_kind kind, const char *msg)
{
    int mi = svc_module_index ? *svc_module_index : APLOG_NO_MODULE;

    if (kind == SVC_LOG_REQUEST && ctx) {
        ap_log_rerror_(file, line, mi, level, rv, ctx, "%s", msg);
    }
    else {
        ap_log_error_(file, line, mi, level, rv, ctx, "%s", msg);
    }
}

void svc_aplog_init(const int *module_index, const char *prefix)
{
    svc_module_index = module_index;
    svc_log_set_sink(aplog_sink, prefix);
}
