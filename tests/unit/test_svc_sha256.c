#include <string.h>
#include <openssl/hmac.h>
#include "unit.h"
#include "svc_sha256.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

/* RFC 4231 test cases 1, 2, 6 and 7 (7: key and message longer than a block) */
START_TEST(rfc4231)
{
    unsigned char key[131], mac[32];
    char out[65];
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    const char *m7 = "This is a test using a larger than block-size key and a larger "
                     "than block-size data. The key needs to be hashed before being "
                     "used by the HMAC algorithm.";

    memset(key, 0x0b, 20);
    ck_assert(svc_hmac_sha256(key, 20, "Hi There", 8, mac));
    hex(mac, 32, out);
    ck_assert_str_eq(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    ck_assert(svc_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac));
    hex(mac, 32, out);
    ck_assert_str_eq(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, sizeof(key));
    ck_assert(svc_hmac_sha256(key, 131, m6, strlen(m6), mac));
    hex(mac, 32, out);
    ck_assert_str_eq(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    ck_assert(svc_hmac_sha256(key, 131, m7, strlen(m7), mac));
    hex(mac, 32, out);
    ck_assert_str_eq(out, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}
END_TEST

/* the same bytes as OpenSSL's HMAC() for keys around the block size and
 * messages of every length up to three blocks */
START_TEST(same_as_openssl)
{
    unsigned char key[100], msg[200], a[32], b[32];
    unsigned int n, klens[] = {0, 1, 31, 63, 64, 65, 100};
    size_t i, m;

    for (i = 0; i < sizeof(key); i++) {
        key[i] = (unsigned char)(i * 7 + 3);
    }
    for (i = 0; i < sizeof(msg); i++) {
        msg[i] = (unsigned char)(i * 13 + 1);
    }
    for (i = 0; i < sizeof(klens) / sizeof(klens[0]); i++) {
        for (m = 0; m <= 192; m += 17) {
            n = sizeof(b);
            ck_assert(svc_hmac_sha256(key, klens[i], msg, m, a));
            ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key, (int)klens[i], msg, m, b, &n));
            ck_assert_uint_eq(n, 32);
            ck_assert_mem_eq(a, b, 32);
        }
    }
}
END_TEST

Suite *svc_sha256_suite(void)
{
    Suite *s = suite_create("svc_sha256");
    TCase *tc = unit_tcase("svc_sha256");

    tcase_add_test(tc, rfc4231);
    tcase_add_test(tc, same_as_openssl);
    suite_add_tcase(s, tc);
    return s;
}
