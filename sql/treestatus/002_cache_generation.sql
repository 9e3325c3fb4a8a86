-- The generation of the treestatus data, for mod_treestatus' shared cache.
--
-- Rendered GET /trees, /trees2 and /trees/{tree} responses are cached under
-- keys that contain this number. Every write request of the module bumps it
-- in its own transaction (svc_treestatus_bump(), its first statement, which
-- also serializes writers) and publishes the new value to its httpd's cache
-- after COMMIT; other httpd instances on the same database re-read it at
-- least every TreestatusCacheMaxAge. Ours, not upstream's: hence svc_.

CREATE TABLE IF NOT EXISTS svc_treestatus_generation (
    id         integer PRIMARY KEY CHECK (id = 1),
    generation bigint  NOT NULL
);

-- Generations start at the current time in microseconds and never go below
-- it: a database that is re-created (or restored from a backup) under a
-- running httpd starts above every generation that httpd has cached, since
-- cache stamps never go backwards.
INSERT INTO svc_treestatus_generation (id, generation)
VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
ON CONFLICT (id) DO NOTHING;

-- The next generation. Sets a transaction-local flag so that the triggers
-- below do not bump it again for the same transaction.
CREATE OR REPLACE FUNCTION svc_treestatus_bump() RETURNS bigint
LANGUAGE sql AS $$
    SELECT set_config('svc_treestatus.bumped', 'on', true);
    UPDATE svc_treestatus_generation
       SET generation = greatest(generation + 1,
                                 (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
     WHERE id = 1
    RETURNING generation;
$$;

-- Changes made behind the module's back (psql fixes, fixtures, the old
-- service still writing during a migration) bump the generation too, once
-- per transaction, so no httpd serves them stale for longer than the bound.
CREATE OR REPLACE FUNCTION svc_treestatus_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('svc_treestatus.bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM svc_treestatus_bump();
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS svc_treestatus_touch ON releng_treestatus_trees;
CREATE TRIGGER svc_treestatus_touch
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON releng_treestatus_trees
    FOR EACH STATEMENT EXECUTE FUNCTION svc_treestatus_touch();

DROP TRIGGER IF EXISTS svc_treestatus_touch ON releng_treestatus_log;
CREATE TRIGGER svc_treestatus_touch
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON releng_treestatus_log
    FOR EACH STATEMENT EXECUTE FUNCTION svc_treestatus_touch();
