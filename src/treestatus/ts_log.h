/* [ap] Logging from mod_treestatus' glue files other than mod_treestatus.c
 * (which must not include this: AP_DECLARE_MODULE already does
 * APLOG_USE_MODULE). Every call site has its own tag, from TS01001 upward
 * (00001-00999 belong to the shared core):
 *   ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, TSLOGNO(01001) "...");
 * Next free tag: 01005. */
#ifndef TS_LOG_H
#define TS_LOG_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

#define TSLOGNO(n) "TS" #n ": "

extern module AP_MODULE_DECLARE_DATA treestatus_module;
APLOG_USE_MODULE(treestatus);

#endif
