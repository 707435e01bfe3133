-- Each thread's views live in a table of their own, narrow enough for hundreds of counts a
-- page. Counted views are written every few seconds for every thread read meanwhile: in the
-- wide threads table each of those threads dirtied a page of its own (78,799 pages, 8.5 s
-- for one flush at a million threads), here they share a few thousand.
CREATE TABLE thread_views (
    thread_id         INTEGER PRIMARY KEY REFERENCES threads (id),
    view_count        INTEGER NOT NULL DEFAULT 0,
    -- What the lists were last given (sqlstore AddViews).
    listed_view_count INTEGER NOT NULL DEFAULT 0
);
INSERT INTO thread_views SELECT id, view_count, listed_view_count FROM threads ORDER BY id;
ALTER TABLE threads DROP COLUMN view_count;
ALTER TABLE threads DROP COLUMN listed_view_count;
