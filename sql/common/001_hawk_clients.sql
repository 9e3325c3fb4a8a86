-- Hawk clients kept in the database (used when <Module>HawkClientsTable On),
-- shared by mod_treestatus and mod_tooltool. The access token is what the
-- client signs with, so it is stored as is (Hawk needs the key itself);
-- restrict access to this table like a secret.
CREATE TABLE IF NOT EXISTS svc_hawk_clients (
    client_id    text PRIMARY KEY,
    access_token text NOT NULL,
    scopes       text NOT NULL DEFAULT '[]',   -- JSON array of scopes
    expires      timestamptz,                  -- NULL: never
    description  text NOT NULL DEFAULT ''
);
