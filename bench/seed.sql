-- bench/seed.sql: the trees bench/run.sh measures (applied once to its private database).
-- 20 trees, as in production (a mix of categories, statuses, reasons and messages of the
-- day), each with a few log entries so GET /trees renders tags and log ids; bench-patch is
-- the tree comparison 4 closes and reopens.
INSERT INTO releng_treestatus_trees (tree, status, reason, message_of_the_day, category)
SELECT name,
       CASE WHEN i % 7 = 3 THEN 'closed' WHEN i % 9 = 4 THEN 'approval required' ELSE 'open' END,
       CASE WHEN i % 7 = 3 THEN 'Bustage: waiting for backouts (bug ' || (1900000 + i) || ')' ELSE '' END,
       CASE WHEN i % 4 = 0 THEN 'Please read https://wiki.mozilla.org/Sheriffing before pushing to ' || name ELSE '' END,
       CASE WHEN name LIKE 'try%' THEN 'try'
            WHEN name LIKE 'comm-%' THEN 'comm_repos'
            WHEN name ~ '(beta|release|esr)' THEN 'release_stabilization'
            WHEN name IN ('mozilla-central', 'autoland') THEN 'development'
            ELSE 'other' END
FROM unnest(ARRAY[
    'mozilla-central', 'autoland', 'try', 'mozilla-beta', 'mozilla-release',
    'mozilla-esr115', 'mozilla-esr128', 'mozilla-esr140', 'comm-central', 'comm-beta',
    'comm-release', 'comm-esr115', 'comm-esr128', 'try-comm-central', 'ash',
    'birch', 'cedar', 'elm', 'larch', 'bench-patch'
]) WITH ORDINALITY AS t(name, i)
ON CONFLICT (tree) DO NOTHING;

-- three log entries per tree; the newest one is what GET /trees shows
INSERT INTO releng_treestatus_log (tree, "when", who, status, reason, tags)
SELECT t.tree,
       (now() AT TIME ZONE 'UTC') - make_interval(hours => 3 - k),
       'sheriff' || k || '@mozilla.com',
       CASE WHEN k = 3 THEN t.status ELSE (ARRAY['closed', 'open'])[k] END,
       CASE WHEN k = 3 THEN t.reason ELSE 'Scheduled maintenance window ' || k END,
       CASE WHEN k = 1 THEN '["planned"]' WHEN k = 2 THEN '[]'
            ELSE CASE WHEN t.status = 'closed' THEN '["checkin-test", "infra"]' ELSE '[]' END END
FROM releng_treestatus_trees t CROSS JOIN generate_series(1, 3) AS k;
