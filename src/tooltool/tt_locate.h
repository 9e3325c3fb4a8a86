/* [ap] Where a file is, for GET /sha512/{digest}: its visibility and the
 * regions holding an instance, from the shared cache or the database. */
#ifndef TT_LOCATE_H
#define TT_LOCATE_H

#include "svc_req.h"

typedef struct {
    const char *visibility;        /* "public" or "internal" */
    apr_array_header_t *regions;   /* const char *, as stored */
} tt_location_t;

/* 0 and *loc (regions empty when the file does not exist or has no
 * instance), or an SVC_DB_* error. */
int tt_locate(svc_req_t *req, const char *digest, tt_location_t *loc);

/* After a write that changed files or instances (the triggers of migration
 * 002 bumped the generation): this httpd's children see it at once. */
void tt_locate_changed(svc_req_t *req);

#endif
