#include <string.h>
#include <curl/curl.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include "svc_curl.h"

#define POOL_MAX 16

struct svc_curl_pool_t {
    apr_thread_mutex_t *mutex;
    CURL *idle[POOL_MAX];
    int nidle;
};

void svc_curl_global_init(void)
{
    static int done;

    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = 1;
    }
}

static apr_status_t pool_cleanup(void *data)
{
    svc_curl_pool_t *cp = data;

    while (cp->nidle > 0) {
        curl_easy_cleanup(cp->idle[--cp->nidle]);
    }
    return APR_SUCCESS;
}

svc_curl_pool_t *svc_curl_pool_create(apr_pool_t *p)
{
    svc_curl_pool_t *cp = apr_pcalloc(p, sizeof(*cp));

    apr_thread_mutex_create(&cp->mutex, APR_THREAD_MUTEX_DEFAULT, p);
    apr_pool_cleanup_register(p, cp, pool_cleanup, apr_pool_cleanup_null);
    return cp;
}

static CURL *take(svc_curl_pool_t *cp)
{
    CURL *h = NULL;

    apr_thread_mutex_lock(cp->mutex);
    if (cp->nidle > 0) {
        h = cp->idle[--cp->nidle];
    }
    apr_thread_mutex_unlock(cp->mutex);
    return h ? h : curl_easy_init();
}

static void give_back(svc_curl_pool_t *cp, CURL *h, int healthy)
{
    if (healthy) {
        curl_easy_reset(h);
        apr_thread_mutex_lock(cp->mutex);
        if (cp->nidle < POOL_MAX) {
            cp->idle[cp->nidle++] = h;
            h = NULL;
        }
        apr_thread_mutex_unlock(cp->mutex);
    }
    if (h) {
        curl_easy_cleanup(h);
    }
}

typedef struct {
    apr_pool_t *p;
    char *buf;
    apr_size_t len, cap, max;
} sink_t;

static size_t on_data(char *data, size_t size, size_t n, void *baton)
{
    sink_t *s = baton;
    apr_size_t add = size * n;

    if (s->len + add > s->max) {
        return 0; /* aborts the transfer: the answer is larger than allowed */
    }
    if (s->len + add + 1 > s->cap) {
        apr_size_t cap = (s->cap ? s->cap * 2 : 4096);
        char *nb;
        while (cap < s->len + add + 1) {
            cap *= 2;
        }
        nb = apr_palloc(s->p, cap);
        if (s->len) {
            memcpy(nb, s->buf, s->len);
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, add);
    s->len += add;
    s->buf[s->len] = '\0';
    return add;
}

int svc_curl_post_json(svc_curl_pool_t *pool, apr_pool_t *p, const char *url,
                       const char *json, long timeout_ms, apr_size_t max_body,
                       svc_curl_response_t *res)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    sink_t sink = {p, NULL, 0, 0, max_body};
    CURL *h = take(pool);
    CURLcode rc;

    memset(res, 0, sizeof(*res));
    if (!h) {
        res->error = "could not create a curl handle";
        return -1;
    }
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "mod_svc/1");
    rc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
        res->error = apr_pstrdup(p, errbuf[0] ? errbuf : curl_easy_strerror(rc));
        give_back(pool, h, 0);
        return -1;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
    res->body = sink.buf ? sink.buf : apr_pstrdup(p, "");
    res->len = sink.len;
    give_back(pool, h, 1);
    return 0;
}

CURL *svc_curl_acquire(svc_curl_pool_t *pool)
{
    return take(pool);
}

void svc_curl_release(svc_curl_pool_t *pool, CURL *h, int healthy)
{
    if (h) {
        give_back(pool, h, healthy);
    }
}
