-- What the lists were last given of each thread's views: the least of its list entries'
-- counts. Writing views compares the new count with it, and so reads no list entry unless
-- the lists' copy has drifted (sqlstore AddViews).
ALTER TABLE threads ADD COLUMN listed_view_count INTEGER NOT NULL DEFAULT 0;
UPDATE threads SET listed_view_count =
    coalesce((SELECT min(view_count) FROM thread_listings WHERE thread_id = threads.id), view_count);
