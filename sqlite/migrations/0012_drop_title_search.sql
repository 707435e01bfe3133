-- The composer's similar threads read the full-text index over posts (0011_fulltext.sql)
-- like every other search: the title index threads_fts and the triggers that kept it are
-- no longer read.

DROP TRIGGER threads_fts_insert;
DROP TRIGGER threads_fts_update;
DROP TRIGGER threads_fts_delete;
DROP TABLE threads_fts;
