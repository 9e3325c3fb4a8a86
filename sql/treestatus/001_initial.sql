-- TreeStatus schema. Table and column names are those of the releng services
-- deployment (treestatus.mozilla-releng.net), so a database created by it is
-- adopted in place: every statement is a no-op on objects that already exist,
-- and the few changes (wider tree names, a category column, indexes) are
-- compatible with the old service.
--
-- Timestamps are `timestamp without time zone` holding UTC, as upstream.

CREATE TABLE IF NOT EXISTS releng_treestatus_trees (
    tree               varchar(64) PRIMARY KEY,
    status             varchar(64) NOT NULL DEFAULT 'open',
    reason             text        NOT NULL DEFAULT '',
    message_of_the_day text        NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS releng_treestatus_log (
    id     serial      PRIMARY KEY,
    tree   varchar(64) NOT NULL,
    "when" timestamp   NOT NULL,
    who    text        NOT NULL,
    status varchar(64) NOT NULL,
    reason text        NOT NULL,
    tags   text        NOT NULL            -- JSON array of strings
);

CREATE TABLE IF NOT EXISTS releng_treestatus_changes (
    id     serial      PRIMARY KEY,
    who    text        NOT NULL,
    reason text        NOT NULL,
    "when" timestamp   NOT NULL,
    status varchar(64) NOT NULL
);

CREATE TABLE IF NOT EXISTS releng_treestatus_change_trees (
    id         serial      PRIMARY KEY,
    stack_id   integer     REFERENCES releng_treestatus_changes (id),
    tree       varchar(64) NOT NULL,
    last_state text        NOT NULL        -- JSON object
);

-- Adopting an upstream database: its tree names were varchar(32).
ALTER TABLE releng_treestatus_trees ALTER COLUMN tree TYPE varchar(64);
ALTER TABLE releng_treestatus_log ALTER COLUMN tree TYPE varchar(64);
ALTER TABLE releng_treestatus_change_trees ALTER COLUMN tree TYPE varchar(64);

-- Lando's tree category (development, release_stabilization, try, comm_repos, other).
ALTER TABLE releng_treestatus_trees
    ADD COLUMN IF NOT EXISTS category varchar(32) NOT NULL DEFAULT 'other';

-- The displayed state of a tree is its latest log entry.
CREATE INDEX IF NOT EXISTS ix_releng_treestatus_log_tree_when
    ON releng_treestatus_log (tree, "when" DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_releng_treestatus_changes_when
    ON releng_treestatus_changes ("when" DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_releng_treestatus_change_trees_stack_id
    ON releng_treestatus_change_trees (stack_id);
CREATE INDEX IF NOT EXISTS ix_releng_treestatus_change_trees_tree
    ON releng_treestatus_change_trees (tree);
