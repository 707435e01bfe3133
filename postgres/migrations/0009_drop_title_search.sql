-- The composer's similar threads read the full-text index post_search (0008_fulltext.sql)
-- like every other search: threads.title_search and its index are no longer read.

DROP INDEX threads_title_search;
ALTER TABLE threads DROP COLUMN title_search;
