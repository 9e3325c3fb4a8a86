/* tt_s3 (the s3 storage backend's pure parts), its registration in
 * tt_storage/tt_conf (`TooltoolRegion <name> none`, TooltoolS3Timeout) and
 * tt_replicate's plan. Requests to a store run in the integration tests
 * (s3rver); here only a refused connection. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <apr_file_io.h>
#include "unit.h"
#include "tt_conf.h"
#include "tt_replicate.h"
#include "tt_s3.h"
#include "tt_storage.h"

#define D128 "be688838ca8686e5c90689bf2ab585cef1137c999b48c70b92f67a5c34dc1569" \
             "7b5d11c982ed6d71be1e1e7f7b4e0733884aa97c3f7a339a8ed03577cf74be09"
#define KEY "sha512/" D128
#define NOW APR_INT64_C(1767225600)   /* 2026-01-01T00:00:00Z */

static const tt_secret_t secret = {(const unsigned char *)"0123456789abcdef", 16};

/* Builds a region from a NULL-terminated list of options. */
static const char *make(const char *name, tt_region_t **rg, ...)
{
    const char *argv[32];
    const char *a;
    int argc = 0;
    va_list ap;

    va_start(ap, rg);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 32) {
        argv[argc++] = a;
    }
    va_end(ap);
    *rg = NULL;
    return tt_region_make(unit_pool, name, "s3", argc, argv, &secret, rg);
}

static tt_region_t *ok(const char *name, ...)
{
    const char *argv[32];
    const char *a, *err;
    tt_region_t *rg = NULL;
    int argc = 0;
    va_list ap;

    va_start(ap, name);
    while ((a = va_arg(ap, const char *)) != NULL && argc < 32) {
        argv[argc++] = a;
    }
    va_end(ap);
    err = tt_region_make(unit_pool, name, "s3", argc, argv, &secret, &rg);
    ck_assert_msg(err == NULL, "%s", err ? err : "");
    ck_assert(tt_s3_is(rg));
    return rg;
}

#define assert_prefix(s, p) \
    ck_assert_msg(!strncmp((s), (p), strlen(p)), "'%s' does not start with '%s'", (s), (p))

static void assert_error(const char *err, const char *part)
{
    ck_assert_msg(err != NULL, "expected an error containing '%s'", part);
    ck_assert_msg(strstr(err, part) != NULL, "'%s' does not contain '%s'", err,
                  part);
}

static const char *write_file(const char *text, mode_t mode)
{
    char *path = apr_pstrdup(unit_pool, "/tmp/tt_s3_creds_XXXXXX");
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    ck_assert_int_eq(chmod(path, mode), 0);
    return path;
}

/* ---- configuration ------------------------------------------------------- */

START_TEST(config_aws_defaults)
{
    tt_region_t *rg = ok("us-west-2", "bucket=tooltool-usw2", "access_key=AKIDEXAMPLE",
                         "secret_key=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL);
    const tt_s3_config_t *c = tt_s3_config(rg);
    const char *put, *get;

    ck_assert_str_eq(rg->name, "us-west-2");
    ck_assert_str_eq(rg->ops->type, "s3");
    ck_assert_ptr_null(c->target.endpoint);
    ck_assert_int_eq(c->target.path_style, 0);       /* AWS: virtual host */
    ck_assert_str_eq(c->target.region, "us-west-2"); /* the region's name */
    ck_assert_int_eq(c->sigv2, 0);
    ck_assert_int_eq(c->storage_class_check, 1);
    ck_assert_ptr_null(c->credentials_file);
    ck_assert_ptr_null(c->creds.session_token);
    /* D10: SigV4 query presign, PUT signs content-type */
    put = rg->ops->put_url(rg, unit_pool, "http://ignored", KEY,
                           apr_time_from_sec(NOW), 60);
    assert_prefix(put, "https://tooltool-usw2.s3.amazonaws.com/" KEY
                  "?X-Amz-Algorithm=AWS4-HMAC-SHA256&");
    ck_assert_ptr_nonnull(strstr(put, "&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2F"
                                      "us-west-2%2Fs3%2Faws4_request&"));
    ck_assert_ptr_nonnull(strstr(put, "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&"));
    ck_assert_ptr_nonnull(strstr(put, "&X-Amz-SignedHeaders=content-type%3Bhost&"));
    get = rg->ops->get_url(rg, unit_pool, "http://ignored", KEY,
                           apr_time_from_sec(NOW), 300);
    ck_assert_ptr_nonnull(strstr(get, "&X-Amz-Expires=300&X-Amz-SignedHeaders=host&"));
    ck_assert_ptr_nonnull(strstr(get, "&X-Amz-Signature="));
}
END_TEST

START_TEST(config_custom_endpoint)
{
    tt_region_t *rg = ok("minio", "bucket=tt", "endpoint=http://127.0.0.1:9000",
                         "region=us-east-1", "access_key=S3RVER", "secret_key=S3RVER",
                         "session_token=tok", "storage_class_check=off", NULL);
    const tt_s3_config_t *c = tt_s3_config(rg);
    const char *put;

    ck_assert_int_eq(c->target.path_style, 1);       /* custom endpoint: path */
    ck_assert_str_eq(c->target.region, "us-east-1");
    ck_assert_str_eq(c->creds.session_token, "tok");
    ck_assert_int_eq(c->storage_class_check, 0);
    put = rg->ops->put_url(rg, unit_pool, "", KEY, apr_time_from_sec(NOW), 60);
    /* the client needs an explicit port on http URLs (spec 5.5) */
    assert_prefix(put, "http://127.0.0.1:9000/tt/" KEY "?");
    ck_assert_ptr_nonnull(strstr(put, "X-Amz-Security-Token=tok"));
    /* virtual host asked for explicitly (not with an IP literal: path) */
    rg = ok("r1", "bucket=ttb", "endpoint=https://s3.example.org/", "style=virtual",
            "region=eu-west-1", "access_key=a", "secret_key=s", NULL);
    put = rg->ops->put_url(rg, unit_pool, "", KEY, apr_time_from_sec(NOW), 60);
    assert_prefix(put, "https://ttb.s3.example.org/" KEY "?");
    /* a name that cannot be a host label stays path-style */
    rg = ok("r1", "bucket=tt", "endpoint=https://s3.example.org/", "style=virtual",
            "region=eu-west-1", "access_key=a", "secret_key=s", NULL);
    put = rg->ops->put_url(rg, unit_pool, "", KEY, apr_time_from_sec(NOW), 60);
    assert_prefix(put, "https://s3.example.org/tt/" KEY "?");
    /* AWS path style */
    rg = ok("us-west-2", "bucket=b_1", "style=path", "access_key=a", "secret_key=s", NULL);
    put = rg->ops->get_url(rg, unit_pool, "", KEY, apr_time_from_sec(NOW), 60);
    assert_prefix(put, "https://s3.us-west-2.amazonaws.com/b_1/" KEY "?");
}
END_TEST

START_TEST(config_sigv2)
{
    tt_region_t *rg = ok("us-east-1", "bucket=bucket", "signature=v2", "access_key=aa",
                         "secret_key=ss", NULL);
    const char *put = rg->ops->put_url(rg, unit_pool, "", KEY, apr_time_from_sec(NOW), 60);
    const char *get = rg->ops->get_url(rg, unit_pool, "", KEY, apr_time_from_sec(NOW), 60);

    ck_assert_int_eq(tt_s3_config(rg)->sigv2, 1);
    /* what the V3 tests assert of botocore's URLs (spec 3.2) */
    assert_prefix(put, "https://bucket.s3.amazonaws.com/" KEY "?");
    ck_assert_ptr_nonnull(strstr(put, "AWSAccessKeyId=aa"));
    ck_assert_ptr_nonnull(strstr(put, "content-type=application%2Foctet-stream"));
    ck_assert_ptr_nonnull(strstr(put, "Expires=1767225660"));
    ck_assert_ptr_nonnull(strstr(get, "Signature="));
    ck_assert_ptr_null(strstr(get, "content-type="));
}
END_TEST

START_TEST(config_errors)
{
    tt_region_t *rg;

    assert_error(make("r", &rg, "access_key=a", "secret_key=s", NULL), "bucket=<name> is required");
    assert_error(make("r", &rg, "bucket=a/b", "access_key=a", "secret_key=s", NULL),
                 "invalid bucket name 'a/b'");
    assert_error(make("r", &rg, "bucket=b", NULL), "no credentials");
    assert_error(make("r", &rg, "bucket=b", "access_key=a", NULL), "go together");
    assert_error(make("r", &rg, "bucket=b", "secret_key=s", NULL), "go together");
    assert_error(make("r", &rg, "bucket=b", "access_key=a/b", "secret_key=s", NULL),
                 "invalid access_key");
    assert_error(make("r", &rg, "bucket=b", "access_key=a", "secret_key=", NULL),
                 "invalid secret_key");
    assert_error(make("r", &rg, "bucket=b", "bucket=c", "access_key=a", "secret_key=s", NULL),
                 "bucket= is given twice");
    assert_error(make("r", &rg, "bucket=b", "colour=red", "access_key=a", "secret_key=s", NULL),
                 "unknown option 'colour'");
    assert_error(make("r", &rg, "bucket", NULL), "unknown option 'bucket'");
    assert_error(make("r", &rg, "bucket=b", "style=dns", "access_key=a", "secret_key=s", NULL),
                 "style= must be virtual or path");
    assert_error(make("r", &rg, "bucket=b", "signature=v3", "access_key=a", "secret_key=s",
                      NULL), "signature= must be v4 or v2");
    assert_error(make("r", &rg, "bucket=b", "storage_class_check=yes", "access_key=a",
                      "secret_key=s", NULL), "storage_class_check= must be on or off");
    assert_error(make("r", &rg, "bucket=b", "endpoint=ftp://h", "access_key=a",
                      "secret_key=s", NULL), "must be http://host[:port]");
    assert_error(make("r", &rg, "bucket=b", "endpoint=http://h:1/prefix", "access_key=a",
                      "secret_key=s", NULL), "cannot build request URLs");
    assert_error(make("r", &rg, "bucket=b", "endpoint=http://h:99999", "access_key=a",
                      "secret_key=s", NULL), "cannot build request URLs");
    /* names that cannot sign need region= */
    assert_error(make("Primary", &rg, "bucket=b", "access_key=a", "secret_key=s", NULL),
                 "add region=");
    assert_error(make("p", &rg, "bucket=b", "region=EU", "access_key=a", "secret_key=s",
                      NULL), "invalid signing region 'EU'");
    ck_assert_ptr_null(make("Primary", &rg, "bucket=b", "region=us-east-1", "access_key=a",
                            "secret_key=s", NULL));
    assert_error(make("r", &rg, "bucket=b", "credentials=/x", "access_key=a", NULL),
                 "exclude each other");
    /* the error names the region */
    assert_error(make("r", &rg, "bucket=b", NULL), "region r: s3: ");
}
END_TEST

/* ---- credentials --------------------------------------------------------- */

START_TEST(credentials_text)
{
    tt_s3_creds_t c;

    memset(&c, 0, sizeof(c));
    ck_assert_ptr_null(tt_s3_parse_credentials(unit_pool,
                       "# tooltool\naccess_key = AKID\r\nsecret_key=se/cr+et=\n", &c));
    ck_assert_str_eq(c.access_key, "AKID");
    ck_assert_str_eq(c.secret_key, "se/cr+et=");
    ck_assert_ptr_null(c.session_token);
    /* AWS shared credentials: [default] only */
    ck_assert_ptr_null(tt_s3_parse_credentials(unit_pool,
                       "[other]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n"
                       "\n[default]\n; comment\naws_access_key_id = AKIDEXAMPLE\n"
                       "aws_secret_access_key = wJalr\nregion = us-east-1\n"
                       "aws_session_token = TOKEN\n[later]\naws_access_key_id = X\n", &c));
    ck_assert_str_eq(c.access_key, "AKIDEXAMPLE");
    ck_assert_str_eq(c.secret_key, "wJalr");
    ck_assert_str_eq(c.session_token, "TOKEN");
    assert_error(tt_s3_parse_credentials(unit_pool, "access_key=a\n", &c),
                 "no secret_key (aws_secret_access_key)");
    assert_error(tt_s3_parse_credentials(unit_pool, "[prod]\naws_access_key_id=a\n"
                                         "aws_secret_access_key=s\n", &c),
                 "no access_key (aws_access_key_id) in the [default] section");
    assert_error(tt_s3_parse_credentials(unit_pool, "access_key=a\nsecret_key=s\n"
                                         "aws_secret_access_key=t\n", &c),
                 "line 3: the secret key is given twice");
    assert_error(tt_s3_parse_credentials(unit_pool, "access_key a\n", &c),
                 "line 1: expected key=value");
    assert_error(tt_s3_parse_credentials(unit_pool, "[default\n", &c), "line 1: ");
    assert_error(tt_s3_parse_credentials(unit_pool, "access_key=a b\nsecret_key=s\n", &c),
                 "line 1: invalid access key");
    assert_error(tt_s3_parse_credentials(unit_pool, "", &c), "no access_key");
    /* errors never quote a secret */
    ck_assert_ptr_null(strstr(tt_s3_parse_credentials(unit_pool,
                              "access_key=a\nsecret_key=top secret\n", &c), "top"));
}
END_TEST

START_TEST(credentials_file)
{
    const char *good = write_file("[default]\naws_access_key_id=AK\n"
                                  "aws_secret_access_key=SK\n", 0400);
    const char *open_to_group = write_file("access_key=a\nsecret_key=s\n", 0640);
    const char *world_writable = write_file("access_key=a\nsecret_key=s\n", 0602);
    const char *err;
    tt_s3_creds_t c;
    tt_region_t *rg;

    ck_assert_int_eq(chmod(good, 0600), 0);
    ck_assert_ptr_null(tt_s3_read_credentials(unit_pool, good, &c));
    ck_assert_str_eq(c.access_key, "AK");
    ck_assert_str_eq(c.secret_key, "SK");
    err = tt_s3_read_credentials(unit_pool, open_to_group, &c);
    assert_error(err, "is accessible to group or others (mode 0640)");
    assert_error(err, "chmod 600");
    assert_error(tt_s3_read_credentials(unit_pool, world_writable, &c), "(mode 0602)");
    assert_error(tt_s3_read_credentials(unit_pool, "creds.ini", &c), "not an absolute path");
    assert_error(tt_s3_read_credentials(unit_pool, "/nonexistent/tt-creds", &c),
                 "cannot read credentials file /nonexistent/tt-creds");
    assert_error(tt_s3_read_credentials(unit_pool, "/tmp", &c), "not a regular file");
    /* through the directive */
    ck_assert_ptr_null(make("us-east-1", &rg, "bucket=b",
                            apr_pstrcat(unit_pool, "credentials=", good, NULL), NULL));
    ck_assert_str_eq(tt_s3_config(rg)->creds.access_key, "AK");
    ck_assert_str_eq(tt_s3_config(rg)->credentials_file, good);
    assert_error(make("us-east-1", &rg, "bucket=b",
                      apr_pstrcat(unit_pool, "credentials=", open_to_group, NULL), NULL),
                 "region us-east-1: s3: credentials file ");
    unlink(good);
    unlink(open_to_group);
    unlink(world_writable);
}
END_TEST

/* ---- responses ------------------------------------------------------------- */

static int line(apr_table_t *h, const char *text, long *status)
{
    return tt_s3_header_line(unit_pool, h, text, strlen(text), status);
}

START_TEST(header_lines)
{
    apr_table_t *h = apr_table_make(unit_pool, 4);
    long status = 0;

    ck_assert_int_eq(line(h, "HTTP/1.1 100 Continue\r\n", &status), 0);
    ck_assert_int_eq(status, 100);
    ck_assert_int_eq(line(h, "Server: x\r\n", &status), 0);
    ck_assert_int_eq(line(h, "\r\n", &status), 0);
    /* the real answer replaces what came before */
    ck_assert_int_eq(line(h, "HTTP/1.1 200 OK\r\n", &status), 0);
    ck_assert_int_eq(status, 200);
    ck_assert_ptr_null(apr_table_get(h, "server"));
    ck_assert_int_eq(line(h, "Content-Length:  10240 \r\n", &status), 0);
    ck_assert_int_eq(line(h, "X-Amz-Storage-Class:\tREDUCED_REDUNDANCY\r\n", &status), 0);
    ck_assert_int_eq(line(h, "x-amz-meta-empty:\r\n", &status), 0);
    ck_assert_str_eq(apr_table_get(h, "content-length"), "10240");
    ck_assert_str_eq(apr_table_get(h, "x-amz-storage-class"), "REDUCED_REDUNDANCY");
    ck_assert_str_eq(apr_table_get(h, "x-amz-meta-empty"), "");
    ck_assert_int_eq(line(h, "HTTP/2 404\r\n", &status), 0);
    ck_assert_int_eq(status, 404);
    ck_assert_int_eq(line(h, "HTTP/1.1 2x0 OK\r\n", &status), -1);
    ck_assert_int_eq(line(h, "no colon\r\n", &status), -1);
    ck_assert_int_eq(line(h, ": no name\r\n", &status), -1);
    ck_assert_int_eq(line(h, "bad name: x\r\n", &status), -1);
    ck_assert_int_eq(status, 404);
}
END_TEST

START_TEST(error_bodies)
{
    const char *code, *msg;
    const char *nosuchkey =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
        "<Message>The specified key does not exist.</Message><Key>sha512/x</Key>"
        "<RequestId>4442587FB7D0A2F9</RequestId></Error>";
    /* CopyObject: 200, then an error after the whitespace it sent meanwhile */
    const char *late = "\n \n <Error><Code>InternalError</Code><Message>We &amp; "
                       "&lt;you&gt; &quot;hit&quot; it</Message></Error>";

    tt_s3_error_parse(unit_pool, nosuchkey, strlen(nosuchkey), &code, &msg);
    ck_assert_str_eq(code, "NoSuchKey");
    ck_assert_str_eq(msg, "The specified key does not exist.");
    tt_s3_error_parse(unit_pool, late, strlen(late), &code, &msg);
    ck_assert_str_eq(code, "InternalError");
    ck_assert_str_eq(msg, "We & <you> \"hit\" it");
    tt_s3_error_parse(unit_pool, "<CopyObjectResult><ETag>\"x\"</ETag></CopyObjectResult>",
                      55, &code, &msg);
    ck_assert_ptr_null(code);
    ck_assert_ptr_null(msg);
    tt_s3_error_parse(unit_pool, "<Error><Code>Truncat", 20, &code, &msg);
    ck_assert_ptr_null(code);
    tt_s3_error_parse(unit_pool, "<Error><Code></Code></Error>", 28, &code, &msg);
    ck_assert_ptr_null(code);
    tt_s3_error_parse(unit_pool, NULL, 0, &code, &msg);
    ck_assert_ptr_null(code);
    /* only len bytes are looked at */
    tt_s3_error_parse(unit_pool, nosuchkey, 60, &code, &msg);
    ck_assert_ptr_null(code);
}
END_TEST

START_TEST(head_checks)
{
    apr_table_t *h = apr_table_make(unit_pool, 4);
    apr_off_t size = -1;
    const char *why;

    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 1, &size, &why), TT_S3_HEAD_BAD);
    apr_table_set(h, "content-length", "12x");
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 1, &size, &why), TT_S3_HEAD_BAD);
    ck_assert_ptr_nonnull(strstr(why, "'12x'"));
    apr_table_set(h, "content-length", "10240");
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 1, &size, &why), TT_S3_HEAD_OK);
    ck_assert_int_eq(size, 10240);
    apr_table_set(h, "content-length", "6442450944"); /* 6 GiB */
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 1, &size, &why), TT_S3_HEAD_OK);
    ck_assert(size == APR_INT64_C(6442450944));
    /* E3, D19: STANDARD or absent */
    apr_table_set(h, "x-amz-storage-class", "STANDARD");
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 1, &size, &why), TT_S3_HEAD_OK);
    apr_table_set(h, "x-amz-storage-class", "REDUCED_REDUNDANCY");
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 1, &size, &why), TT_S3_HEAD_REFUSED);
    ck_assert_str_eq(why, "storage class REDUCED_REDUNDANCY (only STANDARD is served)");
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 0, &size, &why), TT_S3_HEAD_OK);
    /* a website redirect is refused whatever storage_class_check says */
    apr_table_set(h, "x-amz-website-redirect-location", "http://evil.example/");
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 0, &size, &why), TT_S3_HEAD_REFUSED);
    ck_assert_str_eq(why, "website redirect to http://evil.example/");
    apr_table_set(h, "x-amz-website-redirect-location", "");
    ck_assert_int_eq(tt_s3_head_check(unit_pool, h, 0, &size, &why), TT_S3_HEAD_OK);
}
END_TEST

START_TEST(statuses)
{
    ck_assert_int_eq(tt_s3_status(200, 0, NULL), APR_SUCCESS);
    ck_assert_int_eq(tt_s3_status(204, 0, NULL), APR_SUCCESS);
    ck_assert_int_eq(tt_s3_status(200, 0, "InternalError"), APR_EGENERAL);
    ck_assert(APR_STATUS_IS_ENOENT(tt_s3_status(404, 0, NULL)));
    ck_assert(APR_STATUS_IS_ENOENT(tt_s3_status(404, 0, "NoSuchKey")));
    ck_assert_int_eq(tt_s3_status(404, 0, "NoSuchBucket"), APR_EGENERAL);
    ck_assert_int_eq(tt_s3_status(403, 0, "AccessDenied"), APR_EACCES);
    ck_assert_int_eq(tt_s3_status(503, 0, "SlowDown"), APR_EAGAIN);
    ck_assert_int_eq(tt_s3_status(400, 0, "InvalidRequest"), APR_EGENERAL);
    ck_assert_int_eq(tt_s3_status(0, 7 /* CURLE_COULDNT_CONNECT */, NULL), APR_ECONNREFUSED);
    ck_assert_int_eq(tt_s3_status(0, 28 /* CURLE_OPERATION_TIMEDOUT */, NULL), APR_TIMEUP);
    ck_assert_int_eq(tt_s3_status(0, 56 /* CURLE_RECV_ERROR */, NULL), APR_EGENERAL);
}
END_TEST

/* A store that refuses connections: every operation says "could not be
 * asked", never "missing". */
START_TEST(store_unreachable)
{
    tt_region_t *rg = ok("us-east-1", "bucket=b", "endpoint=http://127.0.0.1:1",
                         "access_key=a", "secret_key=s", NULL);
    tt_io_t io = {unit_pool, {NULL, SVC_LOG_SERVER}, NULL};
    char hex[129];
    apr_off_t size;
    apr_status_t rv;

    rv = rg->ops->stat(rg, &io, KEY, &size);
    ck_assert_msg(rv == APR_ECONNREFUSED, "stat: %d", rv);
    ck_assert_int_eq(rg->ops->sha512(rg, &io, KEY, hex, &size), APR_ECONNREFUSED);
    ck_assert_int_eq(rg->ops->remove(rg, &io, KEY), APR_ECONNREFUSED);
}
END_TEST

START_TEST(same_store)
{
    tt_region_t *a = ok("us-east-1", "bucket=a", "access_key=k", "secret_key=s", NULL);
    tt_region_t *b = ok("us-west-2", "bucket=b", "access_key=k", "secret_key=s", NULL);
    tt_region_t *c = ok("us-west-1", "bucket=c", "access_key=k", "secret_key=other", NULL);
    tt_region_t *e1 = ok("e1", "bucket=a", "endpoint=http://H:9000/", "region=us-east-1",
                         "access_key=k", "secret_key=s", NULL);
    tt_region_t *e2 = ok("e2", "bucket=b", "endpoint=http://h:9000", "region=us-west-2",
                         "access_key=k", "secret_key=s", NULL);
    tt_region_t *e3 = ok("e3", "bucket=b", "endpoint=http://h:9001", "region=us-west-2",
                         "access_key=k", "secret_key=s", NULL);

    ck_assert(tt_s3_same_store(a, b));     /* AWS, one account: cross-region copy */
    ck_assert(!tt_s3_same_store(a, c));
    ck_assert(!tt_s3_same_store(a, e1));
    ck_assert(tt_s3_same_store(e1, e2));
    ck_assert(!tt_s3_same_store(e2, e3));
    ck_assert(!tt_s3_same_store(a, NULL));
}
END_TEST

START_TEST(refusal)
{
    tt_io_t io = {unit_pool, {NULL, SVC_LOG_SERVER}, NULL};

    ck_assert_ptr_null(tt_storage_refusal(&io));
    ck_assert_int_eq(tt_storage_refuse(&io, "storage class GLACIER"), TT_STORAGE_REFUSED);
    ck_assert_str_eq(tt_storage_refusal(&io), "storage class GLACIER");
}
END_TEST

/* ---- tt_conf: none, the timeout ---------------------------------------------- */

START_TEST(conf_none_and_timeout)
{
    tt_conf_t c;
    const char *local[] = {"us-east-1", "local", "/srv/a"};
    const char *none[] = {"us-east-1", "none"};
    const char *none_extra[] = {"us-east-1", "none", "x"};
    const char *s3[] = {"us-east-1", "s3", "bucket=b", "access_key=a", "secret_key=s"};
    const char *other[] = {"us-west-2", "local", "/srv/b"};

    tt_conf_init(&c, unit_pool);
    ck_assert_int_eq(c.s3_timeout, 30);
    ck_assert_ptr_null(tt_conf_add_region(&c, 3, local));
    ck_assert_ptr_null(tt_conf_add_region(&c, 3, other));
    assert_error(tt_conf_add_region(&c, 5, s3), "'TooltoolRegion us-east-1 none' first");
    assert_error(tt_conf_add_region(&c, 3, none_extra), "none takes no other argument");
    ck_assert_ptr_null(tt_conf_add_region(&c, 2, none));
    ck_assert_int_eq(c.regions->nelts, 1);
    ck_assert_ptr_null(tt_conf_region(&c, "us-east-1"));
    ck_assert_ptr_null(tt_conf_add_region(&c, 2, none)); /* nothing left to remove */
    ck_assert_ptr_null(tt_conf_add_region(&c, 5, s3));
    ck_assert_int_eq(c.regions->nelts, 2);
    ck_assert(tt_s3_is(tt_conf_region(&c, "us-east-1")));
    /* TooltoolS3Timeout may come after the region: read at each request */
    ck_assert_ptr_eq(tt_s3_config(tt_conf_region(&c, "us-east-1"))->timeout, &c.s3_timeout);
}
END_TEST

/* ---- tt_replicate ---------------------------------------------------------- */

static tt_conf_t *three_regions(void)
{
    tt_conf_t *c = apr_pcalloc(unit_pool, sizeof(*c));
    const char *a[] = {"us-east-1", "s3", "bucket=a", "access_key=k", "secret_key=s"};
    const char *b[] = {"us-east-10", "s3", "bucket=b", "access_key=k", "secret_key=s"};
    const char *l[] = {"loc", "local", "/srv/l"};

    tt_conf_init(c, unit_pool);
    ck_assert_ptr_null(tt_conf_add_region(c, 5, a));
    ck_assert_ptr_null(tt_conf_add_region(c, 3, l));
    ck_assert_ptr_null(tt_conf_add_region(c, 5, b));
    return c;
}

static const char *names(const apr_array_header_t *regions)
{
    apr_array_header_t *n = apr_array_make(unit_pool, 4, sizeof(const char *));
    int i;

    for (i = 0; i < regions->nelts; i++) {
        APR_ARRAY_PUSH(n, const char *) =
            APR_ARRAY_IDX(regions, i, const tt_region_t *)->name;
    }
    return apr_array_pstrcat(unit_pool, n, ' ');
}

START_TEST(replicate_plan)
{
    tt_conf_t *c = three_regions();
    tt_replica_t f = {"1", D128, 1, "us-east-10"};
    apr_array_header_t *src, *dst;

    ck_assert_str_eq(tt_replicate_regions_arg(unit_pool, c), "us-east-1,loc,us-east-10");
    /* a name that is a prefix of another is not taken for it */
    tt_replicate_plan(unit_pool, c, &f, &src, &dst);
    ck_assert_str_eq(names(src), "us-east-10");
    ck_assert_str_eq(names(dst), "us-east-1 loc");
    f.regions = "loc,us-east-1";
    tt_replicate_plan(unit_pool, c, &f, &src, &dst);
    ck_assert_str_eq(names(src), "us-east-1 loc");
    ck_assert_str_eq(names(dst), "us-east-10");
    /* s3 into s3 of the same store first (CopyObject), then the rest */
    ck_assert_str_eq(names(tt_replicate_order(unit_pool, tt_conf_region(c, "us-east-10"), src)),
                     "us-east-1 loc");
    f.regions = "loc,us-east-1";
    ck_assert_str_eq(names(tt_replicate_order(unit_pool, tt_conf_region(c, "us-east-10"),
                                              src)), "us-east-1 loc");
    {
        apr_array_header_t *rev = apr_array_make(unit_pool, 2, sizeof(const tt_region_t *));
        APR_ARRAY_PUSH(rev, const tt_region_t *) = tt_conf_region(c, "loc");
        APR_ARRAY_PUSH(rev, const tt_region_t *) = tt_conf_region(c, "us-east-1");
        ck_assert_str_eq(names(tt_replicate_order(unit_pool, tt_conf_region(c, "us-east-10"),
                                                  rev)), "us-east-1 loc");
    }
    /* J2: only an unconfigured region: no source (the SQL never selects it) */
    f.regions = "";
    tt_replicate_plan(unit_pool, c, &f, &src, &dst);
    ck_assert_int_eq(src->nelts, 0);
    ck_assert_int_eq(dst->nelts, 3);
}
END_TEST

Suite *tt_s3_suite(void)
{
    Suite *s = suite_create("tt_s3");
    TCase *tc = unit_tcase("core");

    tcase_add_test(tc, config_aws_defaults);
    tcase_add_test(tc, config_custom_endpoint);
    tcase_add_test(tc, config_sigv2);
    tcase_add_test(tc, config_errors);
    tcase_add_test(tc, credentials_text);
    tcase_add_test(tc, credentials_file);
    tcase_add_test(tc, header_lines);
    tcase_add_test(tc, error_bodies);
    tcase_add_test(tc, head_checks);
    tcase_add_test(tc, statuses);
    tcase_add_test(tc, store_unreachable);
    tcase_add_test(tc, same_store);
    tcase_add_test(tc, refusal);
    tcase_add_test(tc, conf_none_and_timeout);
    tcase_add_test(tc, replicate_plan);
    suite_add_tcase(s, tc);
    return s;
}
