/* Outgoing HTTP with libcurl for request threads (pure: libcurl + APR).
 *
 * Per process: a small pool of easy handles behind a thread mutex, created
 * in child_init (so no handle is ever inherited over fork()), reused for
 * keep-alive and reset before reuse; a handle that saw an error is destroyed
 * rather than reused. Every transfer sets NOSIGNAL (threads), connect and
 * total timeouts, http/https only, no redirects, and a cap on the response. */
#ifndef SVC_CURL_H
#define SVC_CURL_H

#include <apr_pools.h>
#include <curl/curl.h>

typedef struct svc_curl_pool_t svc_curl_pool_t;

/* Once per process before threads exist (post_config). */
void svc_curl_global_init(void);

/* In child_init; cleaned up with p. */
svc_curl_pool_t *svc_curl_pool_create(apr_pool_t *p);

typedef struct {
    long status;               /* HTTP status, 0 when no response */
    char *body;                /* NUL-terminated, from the request pool */
    apr_size_t len;
    const char *error;         /* transport error text, NULL on a response */
} svc_curl_response_t;

/* POST a JSON body; waits at most timeout_ms. Returns 0 when a response was
 * received (any status), -1 on transport errors (res->error says why). */
int svc_curl_post_json(svc_curl_pool_t *pool, apr_pool_t *p, const char *url,
                       const char *json, long timeout_ms, apr_size_t max_body,
                       svc_curl_response_t *res);

/* For transfers a caller sets up itself (e.g. S3 requests with streamed
 * bodies): a handle from the pool, freshly reset (NULL when curl cannot make
 * one). The caller sets every option, including NOSIGNAL, timeouts,
 * protocols and redirects (the rules above), and gives the handle back with
 * healthy = 1 when a response was received (any status: its connection may
 * be reused), 0 after a transport error (the handle is destroyed). */
CURL *svc_curl_acquire(svc_curl_pool_t *pool);
void svc_curl_release(svc_curl_pool_t *pool, CURL *h, int healthy);

#endif
