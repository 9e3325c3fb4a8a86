-- ToolTool schema. Table and column names are those of the upstream service
-- (releng_tooltool_*), so a database created by it is adopted in place.
-- Differences, all compatible with the upstream service's own queries:
--  * `region` and `visibility` are text (upstream: enum types limited to three
--    AWS regions), so any configured region name can be stored;
--  * `size` is bigint (upstream's own 2023 migration).
-- Timestamps are `timestamp without time zone` holding UTC, as upstream.

CREATE TABLE IF NOT EXISTS releng_tooltool_batches (
    id       serial    PRIMARY KEY,
    uploaded timestamp NOT NULL,
    author   text      NOT NULL,
    message  text      NOT NULL
);

CREATE TABLE IF NOT EXISTS releng_tooltool_files (
    id         serial       PRIMARY KEY,
    size       bigint       NOT NULL,
    sha512     varchar(128) NOT NULL UNIQUE,
    visibility text         NOT NULL
);

CREATE TABLE IF NOT EXISTS releng_tooltool_batch_files (
    file_id  integer NOT NULL REFERENCES releng_tooltool_files (id),
    batch_id integer NOT NULL REFERENCES releng_tooltool_batches (id),
    filename text    NOT NULL,
    PRIMARY KEY (file_id, batch_id)
);

CREATE TABLE IF NOT EXISTS releng_tooltool_file_instances (
    file_id integer NOT NULL REFERENCES releng_tooltool_files (id),
    region  text    NOT NULL,
    PRIMARY KEY (file_id, region)
);

CREATE TABLE IF NOT EXISTS releng_tooltool_pending_upload (
    file_id integer   NOT NULL PRIMARY KEY REFERENCES releng_tooltool_files (id),
    expires timestamp NOT NULL,
    region  text      NOT NULL
);

-- Adopting an upstream database: enum columns become text, size 64-bit.
ALTER TABLE releng_tooltool_files ALTER COLUMN size TYPE bigint;
ALTER TABLE releng_tooltool_files ALTER COLUMN visibility TYPE text USING visibility::text;
ALTER TABLE releng_tooltool_file_instances ALTER COLUMN region TYPE text USING region::text;
ALTER TABLE releng_tooltool_pending_upload ALTER COLUMN region TYPE text USING region::text;

ALTER TABLE releng_tooltool_files DROP CONSTRAINT IF EXISTS releng_tooltool_files_visibility_check;
ALTER TABLE releng_tooltool_files
    ADD CONSTRAINT releng_tooltool_files_visibility_check
    CHECK (visibility IN ('public', 'internal'));
ALTER TABLE releng_tooltool_files DROP CONSTRAINT IF EXISTS releng_tooltool_files_size_check;
ALTER TABLE releng_tooltool_files
    ADD CONSTRAINT releng_tooltool_files_size_check CHECK (size >= 0);

CREATE INDEX IF NOT EXISTS ix_releng_tooltool_batches_uploaded
    ON releng_tooltool_batches (uploaded);
CREATE INDEX IF NOT EXISTS ix_releng_tooltool_pending_upload_expires
    ON releng_tooltool_pending_upload (expires);
CREATE INDEX IF NOT EXISTS ix_releng_tooltool_batch_files_batch_id
    ON releng_tooltool_batch_files (batch_id);
