/* [ap] The background sweeper (spec §3.4, D12): every TooltoolSweepInterval
 * seconds, in one child of the whole server (a mod_watchdog singleton), it
 * verifies every expired pending upload whatever its size, drops those
 * abandoned for longer than TooltoolAbandonAfter and those of regions that
 * are not configured; with two or more regions it then replicates files
 * into the regions lacking them (tt_replicate.h; a bounded batch, newest
 * files first). It takes a database connection from mod_dbd only for
 * the statements themselves (never while hashing, never while idle) and
 * holds no lock between runs. */
#ifndef TT_SWEEP_H
#define TT_SWEEP_H

#include "httpd.h"
#include "tt_conf.h"

/* post_config (real pass, before mod_watchdog's own post_config): registers
 * the callback, or explains in the log why uploads will only be verified by
 * GET /upload/complete. */
void tt_sweep_register(apr_pool_t *pconf, server_rec *s, const tt_conf_t *conf);

/* child_init: the child's exit waits for a statement the sweeper is running
 * and lets it start no other. */
void tt_sweep_child_init(apr_pool_t *pchild, server_rec *s);

#endif
