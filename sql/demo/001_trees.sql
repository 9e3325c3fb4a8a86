-- Demo data for `make run` (never applied by the migration script to other
-- databases): a few trees as TreeStatus knows them. Idempotent.
INSERT INTO releng_treestatus_trees (tree, status, reason, message_of_the_day, category) VALUES
    ('mozilla-central', 'open', '', '', 'development'),
    ('autoland', 'open', '', '', 'development'),
    ('try', 'open', '', 'Remember to use mach try', 'try'),
    ('mozilla-beta', 'approval required', '', '', 'release_stabilization'),
    ('comm-central-thunderbird', 'open', '', '', 'comm_repos')
ON CONFLICT (tree) DO NOTHING;
