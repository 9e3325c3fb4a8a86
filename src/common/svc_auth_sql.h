/* SQL both modules register for the shared auth component (pure header, so
 * the modules' statement tables stay free of httpd). */
#ifndef SVC_AUTH_SQL_H
#define SVC_AUTH_SQL_H

/* Hawk clients kept in the database (sql/common/001_hawk_clients.sql).
 * Each module registers it under its own label (mod_dbd warns about one
 * label registered twice): SVC_AUTH_STATEMENTS("ts") -> "ts_hawk_client_get". */
#define SVC_AUTH_STATEMENTS(pfx) \
    {pfx "_hawk_client_get", \
     "SELECT access_token, scopes FROM svc_hawk_clients WHERE client_id = %s " \
     "AND (expires IS NULL OR expires > now())"}

#endif
