/* tt_sigv4 against the AWS documentation examples and against botocore
 * (vectors/sigv4.json, made by vectors/gen_sigv4.py: presigned URLs from a
 * real botocore S3 client and the headers it sends, with a frozen clock).
 * Python is not needed to run this. */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "unit.h"
#include "tt_sigv4.h"

#define AWS_ACCESS "AKIAIOSFODNN7EXAMPLE"
#define AWS_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AWS_NOW APR_INT64_C(1369353600)   /* 20130524T000000Z */

static const tt_s3_creds_t aws_creds = {AWS_ACCESS, AWS_SECRET, NULL};

static json_t *load_vectors(const char *name)
{
    return unit_load_vectors(name, 0);
}

static const char *query_param(const char *url, const char *name)
{
    const char *q = strchr(url, '?');
    size_t n = strlen(name);

    while (q) {
        q++;
        if (strncmp(q, name, n) == 0 && q[n] == '=') {
            return apr_pstrndup(unit_pool, q + n + 1, strcspn(q + n + 1, "&"));
        }
        q = strchr(q, '&');
    }
    return NULL;
}

/* ---- AWS documentation --------------------------------------------------- */

/* docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html */
START_TEST(aws_presigned_get)
{
    tt_s3_target_t t = {NULL, "examplebucket", "us-east-1", 0};
    const char *url = NULL;

    ck_assert_int_eq(tt_sigv4_presign(unit_pool, &aws_creds, &t, "GET",
                                      "test.txt", NULL, 86400, AWS_NOW, &url),
                     APR_SUCCESS);
    ck_assert_str_eq(url,
        "https://examplebucket.s3.amazonaws.com/test.txt"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
        "&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}
END_TEST

/* docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html:
 * the four examples. The documentation writes the Authorization value
 * with bare commas; we (and botocore) send ", " (both are accepted), so
 * the comparison drops the spaces after commas. */
typedef struct {
    const char *name, *method, *url, *payload;
    const char *headers[3][2];
    const char *signed_headers, *signature, *authorization;
} header_example_t;

static const header_example_t aws_header_examples[] = {
    {"GET Object", "GET", "https://examplebucket.s3.amazonaws.com/test.txt",
     TT_SIGV4_EMPTY_SHA256, {{"Range", "bytes=0-9"}},
     "host;range;x-amz-content-sha256;x-amz-date",
     "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
     "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
     "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
    {"PUT Object", "PUT", "https://examplebucket.s3.amazonaws.com/test$file.text",
     "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
     {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
     "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
     "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
     "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
     "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
    {"GET Bucket Lifecycle", "GET",
     "https://examplebucket.s3.amazonaws.com/?lifecycle", NULL, {{NULL}},
     "host;x-amz-content-sha256;x-amz-date",
     "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
     "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
     "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
    {"Get Bucket (List Objects)", "GET",
     "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", NULL,
     {{NULL}}, "host;x-amz-content-sha256;x-amz-date",
     "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
     "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
     "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
};

static const char *drop_comma_spaces(const char *s)
{
    char *out = apr_pstrdup(unit_pool, s), *o = out;

    for (; *s; s++) {
        *o++ = *s;
        if (*s == ',' && s[1] == ' ') {
            s++;
        }
    }
    *o = '\0';
    return out;
}

START_TEST(aws_header_examples_loop)
{
    const header_example_t *ex = &aws_header_examples[_i];
    apr_table_t *h = apr_table_make(unit_pool, 2);
    tt_sigv4_auth_t auth;
    int i;

    for (i = 0; i < 3 && ex->headers[i][0]; i++) {
        apr_table_add(h, ex->headers[i][0], ex->headers[i][1]);
    }
    ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &aws_creds, "us-east-1",
                                           ex->method, ex->url, h,
                                           ex->payload, AWS_NOW, &auth),
                     APR_SUCCESS);
    ck_assert_msg(strcmp(auth.signature, ex->signature) == 0, "%s: %s",
                  ex->name, auth.signature);
    ck_assert_str_eq(auth.signed_headers, ex->signed_headers);
    ck_assert_str_eq(drop_comma_spaces(auth.authorization), ex->authorization);
    ck_assert_str_eq(auth.amz_date, "20130524T000000Z");
    ck_assert_str_eq(auth.content_sha256,
                     ex->payload ? ex->payload : TT_SIGV4_EMPTY_SHA256);
    ck_assert_ptr_null(auth.security_token);
}
END_TEST

/* docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html,
 * "Query string request authentication": GET /photos/puppy.jpg of
 * johnsmith, Expires 1175139620. */
START_TEST(aws_sigv2_query_example)
{
    tt_s3_target_t t = {NULL, "johnsmith", "us-east-1", 0};
    const char *url = NULL;

    ck_assert_int_eq(tt_sigv2_presign(unit_pool, &aws_creds, &t, "GET",
                                      "photos/puppy.jpg", NULL, 600,
                                      1175139620 - 600, &url), APR_SUCCESS);
    ck_assert_str_eq(url,
        "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg"
        "?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
        "&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620");
}
END_TEST

/* ---- botocore ------------------------------------------------------------ */

static json_t *vectors;

static void vectors_setup(void)
{
    unit_pool_setup();
    vectors = load_vectors("sigv4.json");
}

static void vectors_teardown(void)
{
    json_decref(vectors);
    vectors = NULL;
    unit_pool_teardown();
}

START_TEST(botocore_presign)
{
    const json_t *list = json_object_get(vectors, "presign"), *v;
    tt_s3_creds_t c = {unit_str(vectors, "access_key"), unit_str(vectors, "secret_key"),
                       NULL};
    int counts[2][2] = {{0, 0}, {0, 0}};
    size_t i;

    ck_assert_int_ge(json_array_size(list), 400);
    json_array_foreach(list, i, v) {
        tt_s3_target_t t = {unit_str(v, "endpoint"), unit_str(v, "bucket"),
                            unit_str(v, "region"),
                            json_is_true(json_object_get(v, "path_style"))};
        int v4 = json_integer_value(json_object_get(v, "sigver")) == 4;
        const char *url = NULL;
        apr_status_t rv;

        c.session_token = unit_str(v, "session_token");
        rv = (v4 ? tt_sigv4_presign : tt_sigv2_presign)(
            unit_pool, &c, &t, unit_str(v, "method"), unit_str(v, "key"),
            unit_str(v, "content_type"),
            json_integer_value(json_object_get(v, "expires")),
            json_integer_value(json_object_get(v, "now")), &url);
        ck_assert_msg(rv == APR_SUCCESS, "presign[%zu] failed: %d", i, rv);
        ck_assert_msg(strcmp(url, unit_str(v, "url")) == 0,
                      "presign[%zu]\n  ours:     %s\n  botocore: %s", i, url,
                      unit_str(v, "url"));
        counts[v4][strcmp(unit_str(v, "method"), "PUT") == 0]++;
    }
    /* both versions, both methods, every one compared */
    ck_assert_int_gt(counts[0][0], 0);
    ck_assert_int_gt(counts[0][1], 0);
    ck_assert_int_gt(counts[1][0], 0);
    ck_assert_int_gt(counts[1][1], 0);
}
END_TEST

START_TEST(botocore_headers)
{
    const json_t *list = json_object_get(vectors, "headers"), *v, *h;
    tt_s3_creds_t c = {unit_str(vectors, "access_key"), unit_str(vectors, "secret_key"),
                       NULL};
    size_t i, j;

    ck_assert_int_ge(json_array_size(list), 30);
    json_array_foreach(list, i, v) {
        apr_table_t *headers = apr_table_make(unit_pool, 4);
        const char *name = unit_str(v, "name"), *token;
        tt_sigv4_auth_t auth;
        apr_status_t rv;

        json_array_foreach(json_object_get(v, "headers"), j, h) {
            apr_table_add(headers, json_string_value(json_array_get(h, 0)),
                          json_string_value(json_array_get(h, 1)));
        }
        c.session_token = unit_str(v, "session_token");
        rv = tt_sigv4_sign_headers(unit_pool, &c, unit_str(v, "region"),
                                   unit_str(v, "method"), unit_str(v, "url"), headers,
                                   unit_str(v, "payload_hash"),
                                   json_integer_value(json_object_get(v, "now")),
                                   &auth);
        ck_assert_msg(rv == APR_SUCCESS, "%s: failed %d", name, rv);
        ck_assert_msg(strcmp(auth.authorization, unit_str(v, "authorization")) == 0,
                      "%s\n  ours:     %s\n  botocore: %s", name,
                      auth.authorization, unit_str(v, "authorization"));
        ck_assert_str_eq(auth.amz_date, unit_str(v, "amz_date"));
        ck_assert_str_eq(auth.content_sha256, unit_str(v, "content_sha256"));
        token = unit_str(v, "security_token");
        if (token) {
            ck_assert_str_eq(auth.security_token, token);
        }
        else {
            ck_assert_ptr_null(auth.security_token);
        }
    }
}
END_TEST

/* ---- encoding and URLs --------------------------------------------------- */

START_TEST(uri_encode_every_byte)
{
    char in[2] = {0, 0};
    int b;

    for (b = 1; b < 256; b++) {
        const char *out, *slash;
        int keep = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')
                   || (b >= '0' && b <= '9') || strchr("-_.~", b);

        in[0] = (char)b;
        out = tt_sigv4_uri_encode(unit_pool, in, 0);
        slash = tt_sigv4_uri_encode(unit_pool, in, 1);
        if (keep) {
            ck_assert_str_eq(out, in);
        }
        else {
            ck_assert_str_eq(out, apr_psprintf(unit_pool, "%%%02X", b));
        }
        ck_assert_str_eq(slash, b == '/' ? "/" : out);
    }
    ck_assert_str_eq(tt_sigv4_uri_encode(unit_pool, "a b+c/\xc3\xbc~", 1),
                     "a%20b%2Bc/%C3%BC~");
}
END_TEST

static const struct {
    const char *endpoint, *bucket, *region;
    int path_style;
    const char *url;
} url_cases[] = {
    {NULL, "tt", "us-east-1", 0, "https://s3.amazonaws.com/tt/k/1"},  /* too short for a host */
    {NULL, "tooltool", "us-east-1", 0, "https://tooltool.s3.amazonaws.com/k/1"},
    {NULL, "tooltool", "us-west-2", 0, "https://tooltool.s3.amazonaws.com/k/1"},
    {"", "tooltool", "us-west-2", 1, "https://s3.us-west-2.amazonaws.com/tooltool/k/1"},
    {NULL, "tooltool", "us-east-1", 1, "https://s3.amazonaws.com/tooltool/k/1"},
    {NULL, "a.b", "eu-central-1", 0, "https://s3.eu-central-1.amazonaws.com/a.b/k/1"},
    {"https://s3.us-west-2.amazonaws.com", "tooltool", "us-west-2", 0,
     "https://tooltool.s3.us-west-2.amazonaws.com/k/1"},
    {"http://127.0.0.1:4569", "tooltool", "us-east-1", 0,
     "http://127.0.0.1:4569/tooltool/k/1"},
    {"http://127.0.0.1:4569/", "tooltool", "us-east-1", 1,
     "http://127.0.0.1:4569/tooltool/k/1"},
    {"http://[::1]:9000", "tooltool", "us-east-1", 0,
     "http://[::1]:9000/tooltool/k/1"},
    {"https://Minio.Example.com:8443", "tooltool", "us-east-1", 0,
     "https://tooltool.Minio.Example.com:8443/k/1"},
    {"ftp://host", "tooltool", "us-east-1", 1, NULL},
    {"http://user@host", "tooltool", "us-east-1", 1, NULL},
    {"http://host/prefix", "tooltool", "us-east-1", 1, NULL},
    {"http://host:0", "tooltool", "us-east-1", 1, NULL},
    {"http://host:65536", "tooltool", "us-east-1", 1, NULL},
    {"http://host:", "tooltool", "us-east-1", 1, NULL},
    {"http://:80", "tooltool", "us-east-1", 1, NULL},
    {"host:80", "tooltool", "us-east-1", 1, NULL},
    {NULL, "", "us-east-1", 1, NULL},
    {NULL, "tooltool", "US-EAST-1", 1, NULL},
};

START_TEST(object_urls)
{
    tt_s3_target_t t = {url_cases[_i].endpoint, url_cases[_i].bucket,
                        url_cases[_i].region, url_cases[_i].path_style};
    const char *url = NULL, *want = url_cases[_i].url;
    apr_status_t rv = tt_s3_object_url(unit_pool, &t, "k/1", &url);

    if (want) {
        ck_assert_int_eq(rv, APR_SUCCESS);
        ck_assert_str_eq(url, want);
    }
    else {
        ck_assert_int_eq(rv, APR_EINVAL);
    }
}
END_TEST

/* The port is signed in host unless it is the scheme's default. */
START_TEST(signed_host_ports)
{
    tt_s3_target_t a = {"http://127.0.0.1:4569", "b", "us-east-1", 1};
    tt_s3_target_t b = {"http://127.0.0.1:80", "b", "us-east-1", 1};
    tt_s3_target_t c = {"http://127.0.0.1", "b", "us-east-1", 1};
    const char *ua, *ub, *uc;
    tt_sigv4_auth_t h1, h2;

    ck_assert_int_eq(tt_sigv4_presign(unit_pool, &aws_creds, &a, "GET", "k",
                                      NULL, 60, AWS_NOW, &ua), APR_SUCCESS);
    ck_assert_int_eq(tt_sigv4_presign(unit_pool, &aws_creds, &b, "GET", "k",
                                      NULL, 60, AWS_NOW, &ub), APR_SUCCESS);
    ck_assert_int_eq(tt_sigv4_presign(unit_pool, &aws_creds, &c, "GET", "k",
                                      NULL, 60, AWS_NOW, &uc), APR_SUCCESS);
    ck_assert_str_eq(query_param(ub, "X-Amz-Signature"),
                     query_param(uc, "X-Amz-Signature"));
    ck_assert_str_ne(query_param(ua, "X-Amz-Signature"),
                     query_param(uc, "X-Amz-Signature"));
    ck_assert_ptr_nonnull(strstr(ua, "http://127.0.0.1:4569/b/k?"));
    ck_assert_ptr_nonnull(strstr(ub, "http://127.0.0.1:80/b/k?"));

    ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &aws_creds, "us-east-1",
                                           "GET", "https://h:443/k", NULL,
                                           NULL, AWS_NOW, &h1), APR_SUCCESS);
    ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &aws_creds, "us-east-1",
                                           "GET", "https://H/k", NULL,
                                           NULL, AWS_NOW, &h2), APR_SUCCESS);
    ck_assert_str_eq(h1.signature, h2.signature);
}
END_TEST

/* A path or query already encoded signs like its canonical form. */
START_TEST(header_url_canonical_forms)
{
    static const char *const same[][2] = {
        {"https://h/a%2bb", "https://h/a%2Bb"},
        {"https://h/a b", "https://h/a%20b"},
        {"https://h", "https://h/"},
        {"https://h/?b=2&a=1", "https://h/?a=1&b=2"},
        {"https://h/?acl", "https://h/?acl="},
        {"https://h/?p=a%2fb", "https://h/?p=a/b"},
        {"https://h/?p=a b", "https://h/?p=a%20b"},
    };
    size_t i;

    for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        tt_sigv4_auth_t x, y;

        ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &aws_creds,
                                               "us-east-1", "GET", same[i][0],
                                               NULL, NULL, AWS_NOW, &x),
                         APR_SUCCESS);
        ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &aws_creds,
                                               "us-east-1", "GET", same[i][1],
                                               NULL, NULL, AWS_NOW, &y),
                         APR_SUCCESS);
        ck_assert_msg(strcmp(x.signature, y.signature) == 0, "%s vs %s",
                      same[i][0], same[i][1]);
    }
}
END_TEST

START_TEST(header_lines)
{
    tt_s3_creds_t c = {AWS_ACCESS, AWS_SECRET, "tok"};
    tt_sigv4_auth_t a;

    ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &c, "us-east-1", "HEAD",
                                           "http://127.0.0.1:4569/b/k", NULL,
                                           TT_SIGV4_UNSIGNED_PAYLOAD, AWS_NOW,
                                           &a), APR_SUCCESS);
    ck_assert_int_eq(a.lines->nelts, 4);
    ck_assert_str_eq(APR_ARRAY_IDX(a.lines, 0, const char *),
                     "x-amz-date: 20130524T000000Z");
    ck_assert_str_eq(APR_ARRAY_IDX(a.lines, 1, const char *),
                     "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    ck_assert_str_eq(APR_ARRAY_IDX(a.lines, 2, const char *),
                     "x-amz-security-token: tok");
    ck_assert_str_eq(APR_ARRAY_IDX(a.lines, 3, const char *),
                     apr_pstrcat(unit_pool, "Authorization: ", a.authorization,
                                 NULL));
    ck_assert_str_eq(a.signed_headers,
                     "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
    ck_assert_str_eq(tt_sigv4_sha256_hex(unit_pool, "", 0),
                     TT_SIGV4_EMPTY_SHA256);
    ck_assert_str_eq(tt_sigv4_sha256_hex(unit_pool, "Welcome to Amazon S3.", 21),
                     "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
}
END_TEST

/* ---- negative: every input is covered by the signature ------------------- */

typedef struct {
    tt_s3_creds_t c;
    tt_s3_target_t t;
    const char *method, *key, *content_type;
    apr_int64_t expires, now;
} presign_in_t;

static const char *presign_sig(const presign_in_t *in, int v4)
{
    const char *url = NULL;
    apr_status_t rv;

    rv = (v4 ? tt_sigv4_presign : tt_sigv2_presign)(
        unit_pool, &in->c, &in->t, in->method, in->key, in->content_type,
        in->expires, in->now, &url);
    ck_assert_int_eq(rv, APR_SUCCESS);
    return query_param(url, v4 ? "X-Amz-Signature" : "Signature");
}

START_TEST(presign_inputs_change_signature)
{
    const presign_in_t base = {
        {AWS_ACCESS, AWS_SECRET, NULL},
        {"http://127.0.0.1:4569", "tooltool", "us-east-1", 1},
        "PUT", "sha512/abc", TT_S3_OCTET_STREAM, 60, AWS_NOW
    };
    int v4 = _i;   /* 0: SigV2, 1: SigV4 */
    const char *ref = presign_sig(&base, v4);
    presign_in_t m;
    int k;

    for (k = 0; k < 13; k++) {
        const char *sig;

        m = base;
        switch (k) {
        case 0: m.c.access_key = "AKIAIOSFODNN7EXAMPLF"; break;
        case 1: m.c.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ"; break;
        case 2: m.c.session_token = "token"; break;
        case 3: m.t.bucket = "tooltool2"; break;
        case 4: m.t.endpoint = "http://127.0.0.1:4570"; break;
        case 5: m.method = "GET"; break;
        case 6: m.key = "sha512/abd"; break;
        case 7: m.content_type = NULL; break;
        case 8: m.content_type = "text/plain"; break;
        case 9: m.expires = 61; break;
        case 10: m.now = AWS_NOW + 1; break;
        case 11: m.t.region = "us-west-2"; break;
        case 12: m.t.path_style = 0; m.t.endpoint = "http://s3.local:4569"; break;
        }
        if (!v4 && (k == 0 || k == 4 || k == 11)) {
            /* SigV2 signs neither the access key (S3 finds the secret by
             * it: another key means another secret), nor the host, nor a
             * region */
            continue;
        }
        if (!v4 && k == 12) {
            /* the SigV2 resource is /bucket/key either way: only the URL
             * changes */
            continue;
        }
        sig = presign_sig(&m, v4);
        ck_assert_msg(strcmp(sig, ref) != 0, "v%d change %d kept %s",
                      v4 ? 4 : 2, k, sig);
    }
}
END_TEST

START_TEST(header_inputs_change_signature)
{
    tt_s3_creds_t c = {AWS_ACCESS, AWS_SECRET, NULL};
    const char *region = "us-east-1", *method = "PUT",
               *url = "http://127.0.0.1:4569/b/k?acl",
               *payload = TT_SIGV4_EMPTY_SHA256;
    apr_int64_t now = AWS_NOW;
    apr_table_t *h = apr_table_make(unit_pool, 2);
    tt_sigv4_auth_t ref, a;
    int k;

    apr_table_set(h, "x-amz-acl", "private");
    ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &c, region, method, url,
                                           h, payload, now, &ref),
                     APR_SUCCESS);
    for (k = 0; k < 12; k++) {
        tt_s3_creds_t c2 = c;
        const char *r2 = region, *m2 = method, *u2 = url, *p2 = payload;
        apr_int64_t n2 = now;
        apr_table_t *h2 = apr_table_copy(unit_pool, h);

        switch (k) {
        case 0: c2.secret_key = "other"; break;
        case 1: c2.access_key = "AKIDOTHER"; break;
        case 2: c2.session_token = "tok"; break;
        case 3: r2 = "us-west-2"; break;
        case 4: m2 = "POST"; break;
        case 5: u2 = "http://127.0.0.1:4569/b/k?acl=x"; break;
        case 6: u2 = "http://127.0.0.1:4569/b/k2?acl"; break;
        case 7: u2 = "http://127.0.0.1:4570/b/k?acl"; break;
        case 8: p2 = TT_SIGV4_UNSIGNED_PAYLOAD; break;
        case 9: n2 = now + 1; break;
        case 10: apr_table_set(h2, "x-amz-acl", "public-read"); break;
        case 11: apr_table_set(h2, "x-amz-storage-class", "STANDARD"); break;
        }
        ck_assert_int_eq(tt_sigv4_sign_headers(unit_pool, &c2, r2, m2, u2, h2,
                                               p2, n2, &a), APR_SUCCESS);
        if (k == 1) {
            /* the header string-to-sign has no access key: it is named in
             * Credential= and S3 verifies with that key's secret */
            ck_assert_str_ne(a.authorization, ref.authorization);
            continue;
        }
        ck_assert_msg(strcmp(a.signature, ref.signature) != 0,
                      "change %d kept the signature", k);
    }
}
END_TEST

START_TEST(invalid_inputs)
{
    tt_s3_target_t t = {NULL, "tooltool", "us-east-1", 0};
    tt_s3_creds_t bad_key = {"AK/ID", AWS_SECRET, NULL};
    tt_s3_creds_t no_secret = {AWS_ACCESS, "", NULL};
    tt_s3_creds_t crlf_token = {AWS_ACCESS, AWS_SECRET, "a\r\nb"};
    tt_s3_target_t no_region = {NULL, "tooltool", NULL, 0};
    apr_table_t *h = apr_table_make(unit_pool, 2);
    tt_sigv4_auth_t a;
    const char *url;
    static const char *const reserved[] = {
        "Host", "Authorization", "X-Amz-Date", "x-amz-content-sha256",
        "x-amz-security-token"
    };
    size_t i;

#define PRESIGN(c, t, m, k, ct, e, n) \
    tt_sigv4_presign(unit_pool, c, t, m, k, ct, e, n, &url)
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "GET", "k", NULL, 0, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "GET", "k", NULL, 604801, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "GET", "k", NULL, 604800, AWS_NOW), APR_SUCCESS);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "GET", "k", NULL, 60, -1), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "get", "k", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "", "k", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "GET", "", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "GET", NULL, NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &t, "PUT", "k", "a\nb", 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, &no_region, "GET", "k", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&bad_key, &t, "GET", "k", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&no_secret, &t, "GET", "k", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&crlf_token, &t, "GET", "k", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(NULL, &t, "GET", "k", NULL, 60, AWS_NOW), APR_EINVAL);
    ck_assert_int_eq(PRESIGN(&aws_creds, NULL, "GET", "k", NULL, 60, AWS_NOW), APR_EINVAL);
#undef PRESIGN
    ck_assert_int_eq(tt_sigv2_presign(unit_pool, &aws_creds, &t, "GET", "k",
                                      NULL, 0, AWS_NOW, &url), APR_EINVAL);
    /* SigV2 needs no region */
    ck_assert_int_eq(tt_sigv2_presign(unit_pool, &aws_creds, &no_region, "GET",
                                      "k", NULL, 60, AWS_NOW, &url),
                     APR_SUCCESS);

#define SIGN(r, m, u, hs, ph) \
    tt_sigv4_sign_headers(unit_pool, &aws_creds, r, m, u, hs, ph, AWS_NOW, &a)
    ck_assert_int_eq(SIGN("us-east-1", "GET", "https://h/k", NULL, NULL), APR_SUCCESS);
    ck_assert_int_eq(SIGN(NULL, "GET", "https://h/k", NULL, NULL), APR_EINVAL);
    ck_assert_int_eq(SIGN("us-east-1", "GET", "h/k", NULL, NULL), APR_EINVAL);
    ck_assert_int_eq(SIGN("us-east-1", "GET", "https://h/k#f", NULL, NULL), APR_EINVAL);
    ck_assert_int_eq(SIGN("us-east-1", "GET", "ftp://h/k", NULL, NULL), APR_EINVAL);
    ck_assert_int_eq(SIGN("us-east-1", "GET", "https:///k", NULL, NULL), APR_EINVAL);
    ck_assert_int_eq(SIGN("us-east-1", "GET", "https://h/k", NULL, "ABC"), APR_EINVAL);
    ck_assert_int_eq(SIGN("us-east-1", "GET", "https://h/k", NULL,
                          "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
                     APR_EINVAL);
    for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        apr_table_t *r = apr_table_make(unit_pool, 1);

        apr_table_set(r, reserved[i], "x");
        ck_assert_int_eq(SIGN("us-east-1", "GET", "https://h/k", r, NULL), APR_EINVAL);
    }
    apr_table_set(h, "x-amz-meta-a", "b\r\nx-amz-acl: public-read");
    ck_assert_int_eq(SIGN("us-east-1", "GET", "https://h/k", h, NULL), APR_EINVAL);
    apr_table_clear(h);
    apr_table_set(h, "bad name", "v");
    ck_assert_int_eq(SIGN("us-east-1", "GET", "https://h/k", h, NULL), APR_EINVAL);
#undef SIGN
}
END_TEST

Suite *tt_sigv4_suite(void)
{
    Suite *s = suite_create("tt_sigv4");
    TCase *tc = unit_tcase("aws_docs");
    TCase *tb = tcase_create("botocore");

    tcase_add_test(tc, aws_presigned_get);
    tcase_add_loop_test(tc, aws_header_examples_loop, 0,
                        sizeof(aws_header_examples)
                            / sizeof(aws_header_examples[0]));
    tcase_add_test(tc, aws_sigv2_query_example);
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(tb, vectors_setup, vectors_teardown);
    tcase_set_timeout(tb, 30);
    tcase_add_test(tb, botocore_presign);
    tcase_add_test(tb, botocore_headers);
    suite_add_tcase(s, tb);

    tc = unit_tcase("encoding");
    tcase_add_test(tc, uri_encode_every_byte);
    tcase_add_loop_test(tc, object_urls, 0,
                        sizeof(url_cases) / sizeof(url_cases[0]));
    tcase_add_test(tc, signed_host_ports);
    tcase_add_test(tc, header_url_canonical_forms);
    tcase_add_test(tc, header_lines);
    suite_add_tcase(s, tc);

    tc = unit_tcase("negative");
    tcase_add_loop_test(tc, presign_inputs_change_signature, 0, 2);
    tcase_add_test(tc, header_inputs_change_signature);
    tcase_add_test(tc, invalid_inputs);
    suite_add_tcase(s, tc);
    return s;
}
