/* [ap] The tooltool endpoints (spec §2, decisions D1-D22) and what their
 * handlers share. Each handler answers every outcome itself (problem
 * documents through svc_send_problem) and returns OK. */
#ifndef TT_API_H
#define TT_API_H

#include "svc_req.h"
#include "tt_conf.h"
#include "tt_storage.h"

/* tt_api_upload.c */
int tt_api_batches_search(svc_req_t *req);    /* GET /upload?q= */
int tt_api_batch_get(svc_req_t *req);         /* GET /upload/{id} */
int tt_api_upload(svc_req_t *req);            /* POST /upload[?region=] */
int tt_api_upload_complete(svc_req_t *req);   /* GET|POST /upload/complete/sha512/{digest} */

/* tt_api_file.c */
int tt_api_files_search(svc_req_t *req);      /* GET /file?q= */
int tt_api_file_get(svc_req_t *req);          /* GET /file/sha512/{digest} */
int tt_api_file_patch(svc_req_t *req);        /* PATCH /file/sha512/{digest} */
int tt_api_download(svc_req_t *req);          /* GET /sha512/{digest}[?region=] */
int tt_api_client(svc_req_t *req);            /* GET /tooltool.py (D22) */

/* tt_api_storage.c: the local backend's signed URLs */
int tt_api_storage(svc_req_t *req);           /* GET|PUT /__storage__/{region}/sha512/{digest} */

/* ---- shared by the handlers (tt_api.c) */

/* Strict query validation (tt_query_check): 0, or the 400 was sent and its
 * status is returned. */
int tt_api_query(svc_req_t *req, const char *const *allowed,
                 const char *required);

/* svc_body_json, except that a request without a body is JSON null, as
 * upstream's schema validation saw it: "None is not of type 'object'". */
int tt_api_json_body(svc_req_t *req, int want, json_t **out);

/* The API's absolute base URL as the client addressed it. */
const char *tt_api_self(svc_req_t *req);

/* Storage call context for this request. */
void tt_api_io(svc_req_t *req, tt_io_t *io);

/* The module's scope prefix + suffix ("upload/public", "manage", ...). */
const char *tt_api_scope(svc_req_t *req, const char *suffix);

/* `preferred` when it is among the candidates (tt_region_t *), else one
 * picked uniformly at random; NULL when there are none. */
const tt_region_t *tt_api_pick_region(const apr_array_header_t *candidates,
                                      const char *preferred);

#endif
