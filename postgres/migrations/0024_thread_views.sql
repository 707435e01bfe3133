-- Each thread's views live in a table of their own, narrow enough for hundreds of counts a
-- page. Counted views are written every few seconds for every thread read meanwhile: in the
-- wide threads table each of those threads left a new version of its whole row, here of a
-- few numbers. Space left on each page keeps the new versions there, off the index (HOT).
CREATE TABLE thread_views (
    thread_id         BIGINT PRIMARY KEY REFERENCES threads (id),
    view_count        BIGINT NOT NULL DEFAULT 0,
    -- What the lists were last given (sqlstore AddViews).
    listed_view_count BIGINT NOT NULL DEFAULT 0
) WITH (fillfactor = 70);
INSERT INTO thread_views SELECT id, view_count, listed_view_count FROM threads ORDER BY id;
ALTER TABLE threads DROP COLUMN view_count;
ALTER TABLE threads DROP COLUMN listed_view_count;
