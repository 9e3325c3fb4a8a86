-- The generation of the tooltool files and instances, for mod_tooltool's
-- shared cache of GET /sha512/{digest} lookups (visibility and regions).
--
-- Cached lookups are keyed by this number. Every transaction that changes
-- the files or their instances bumps it once, through the triggers below
-- (the module's own writes and changes behind its back alike); the module
-- publishes the new value to its httpd's cache after its own writes, and
-- other httpd instances on the same database re-read it at least every
-- TooltoolCacheMaxAge. Ours, not upstream's: hence svc_.

CREATE TABLE IF NOT EXISTS svc_tooltool_generation (
    id         integer PRIMARY KEY CHECK (id = 1),
    generation bigint  NOT NULL
);

-- Starts at the current time in microseconds and never goes below it: a
-- database re-created under a running httpd starts above every generation
-- that httpd has cached (cache stamps never go backwards).
INSERT INTO svc_tooltool_generation (id, generation)
VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
ON CONFLICT (id) DO NOTHING;

-- Bumps the generation once per transaction (a transaction-local flag).
-- Runs as a deferred constraint trigger, i.e. at COMMIT, after every other
-- statement of the transaction: the generation row is the last lock a
-- writer takes, so writers that lock file rows in different orders cannot
-- deadlock on it, and the new number becomes visible together with the data.
CREATE OR REPLACE FUNCTION svc_tooltool_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('svc_tooltool.bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('svc_tooltool.bumped', 'on', true);
        UPDATE svc_tooltool_generation
           SET generation = greatest(generation + 1,
                                     (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
         WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS svc_tooltool_touch ON releng_tooltool_files;
CREATE CONSTRAINT TRIGGER svc_tooltool_touch
    AFTER INSERT OR UPDATE OR DELETE ON releng_tooltool_files
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION svc_tooltool_touch();

DROP TRIGGER IF EXISTS svc_tooltool_touch ON releng_tooltool_file_instances;
CREATE CONSTRAINT TRIGGER svc_tooltool_touch
    AFTER INSERT OR UPDATE OR DELETE ON releng_tooltool_file_instances
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION svc_tooltool_touch();

-- TRUNCATE (no constraint trigger exists for it) takes an exclusive lock of
-- its own anyway.
DROP TRIGGER IF EXISTS svc_tooltool_truncate ON releng_tooltool_files;
CREATE TRIGGER svc_tooltool_truncate
    AFTER TRUNCATE ON releng_tooltool_files
    FOR EACH STATEMENT EXECUTE FUNCTION svc_tooltool_touch();

DROP TRIGGER IF EXISTS svc_tooltool_truncate ON releng_tooltool_file_instances;
CREATE TRIGGER svc_tooltool_truncate
    AFTER TRUNCATE ON releng_tooltool_file_instances
    FOR EACH STATEMENT EXECUTE FUNCTION svc_tooltool_touch();
