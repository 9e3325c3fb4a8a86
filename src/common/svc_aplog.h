/* [ap] The log sink that connects the pure core's svc_log_* to ap_log_*
 * under the loading module's index (so per-module LogLevel applies). */
#ifndef SVC_APLOG_H
#define SVC_APLOG_H

/* Call from register_hooks with &<name>_module.module_index. */
void svc_aplog_init(const int *module_index, const char *prefix);

#endif
