#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include "svc_time.h"

const char *svc_time_iso(apr_pool_t *p, const char *sql, const char *zone)
{
    char out[19 + 7 + 1], digits[7] = "000000";
    apr_size_t n = 19;
    int i;

    if (!sql) {
        return NULL;
    }
    if (strlen(sql) < 19 || (sql[10] != 'T' && sql[10] != ' ')) {
        return sql; /* not a timestamp we know: shown as stored */
    }
    memcpy(out, sql, 19);
    out[10] = 'T';
    if (sql[19] == '.') {
        /* PostgreSQL's own text drops trailing zeros; isoformat() has 6
         * digits, or none at all when the fraction is 0 */
        for (i = 0; i < 6 && sql[20 + i] >= '0' && sql[20 + i] <= '9'; i++) {
            digits[i] = sql[20 + i];
        }
        if (strcmp(digits, "000000")) {
            out[n++] = '.';
            memcpy(out + n, digits, 6);
            n += 6;
        }
    }
    out[n] = '\0';
    return apr_pstrcat(p, out, zone, NULL);
}

const char *svc_seconds_parse(apr_pool_t *p, const char *arg,
                              apr_interval_time_t *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(arg, &end);
    if (end == arg || *end || errno || isnan(v) || v < 0 || v > 86400) {
        return apr_psprintf(p, "expected a number of seconds from 0 to 86400 "
                            "(decimals allowed), got '%s'", arg);
    }
    *out = (apr_interval_time_t)(v * APR_USEC_PER_SEC + 0.5);
    return NULL;
}
