#include <pthread.h>
#include "svc_sha256.h"

static EVP_MD *fetched;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fetch(void)
{
    fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

const EVP_MD *svc_sha256(void)
{
    pthread_once(&once, fetch);
    /* never NULL with a working libcrypto; the legacy handle otherwise */
    return fetched ? fetched : EVP_sha256();
}
